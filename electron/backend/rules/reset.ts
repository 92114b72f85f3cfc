// R6 and R4: resetting the password. The R4 use is reserved first (under the counter's lock),
// then the credential store is changed, then the reservation is confirmed with its audit entry
// and work note; if the store fails, the reservation is released and nothing counts.
import { randomInt, randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { FlowView, PolicySettings, ResetMethod } from '../../../shared/domain/types'
import { checkPassword, complexityClasses, type PolicyFailure } from '../../../shared/policy/password-policy'
import { isBlocklisted } from '../../../shared/policy/blocklist'
import type { DirectoryUser } from '../credentials/credential-store'
import { keyedHash, randomToken } from '../crypto/secrets'
import { appendAudit } from './audit-log'
import { addMs, errorFacts, minutes, type RuleContext } from './context'
import { addWorkNote, assertNever, auditedTransaction, enterFlow, flowAudit, flowView, recordAudit, type FlowScope } from './flows'
import { resetLockKey, resetUsage } from './limits'
import { maskEmail } from './masking'
import { loadProcess } from './processes'
import { notifyAfterReset } from './after-reset'
import { resetLinkMessage } from '../notify/templates'

const RESET_LINK_MINUTES = 30

export function policyFailures(password: string, policy: PolicySettings, user: DirectoryUser): PolicyFailure[] {
  return checkPassword(password, policy, { username: user.username, displayName: user.displayName }, isBlocklisted)
}

// R6.2: no look-alike characters (0/O/o, 1/l/I/i, 5/S, 2/Z, 8/B) so the caller hears it right.
const LETTERS_UPPER = 'ACDEFGHJKMNPQRTUVWXY'
const LETTERS_LOWER = 'abcdefghjkmnpqrstuvwxyz'
const DIGITS = '34679'
const SYMBOLS = '!#%+=?@'
const ALPHABET = LETTERS_UPPER + LETTERS_LOWER + DIGITS + SYMBOLS

export function generatePassword(policy: PolicySettings, user: DirectoryUser): string {
  const length = Math.max(policy.minLength, 16)
  for (;;) {
    let password = ''
    for (let i = 0; i < length; i++) password += ALPHABET[randomInt(ALPHABET.length)]
    // Every class present keeps any credential store's composition rule satisfied.
    if (complexityClasses(password) === 4 && policyFailures(password, policy, user).length === 0) return password
  }
}

export async function checkPolicy(ctx: RuleContext, agentId: string, input: { flowId: string; password: string }) {
  const scope = await enterFlow(ctx, agentId, input.flowId)
  const failures = policyFailures(input.password, scope.process.policy, scope.user)
  return { ok: failures.length === 0, failures }
}

const methodWords: Record<ResetMethod, string> = {
  email_link: 'reset instructions emailed to the user',
  generate: 'auto-generated password read to the caller',
  manual: 'password typed by the agent',
}

export async function runReset(
  ctx: RuleContext,
  agentId: string,
  input: { flowId: string; method: ResetMethod; password?: string; confirm?: string },
): Promise<{ flow: FlowView; generatedPassword: string | null; sentTo: string[] }> {
  const scope = await enterFlow(ctx, agentId, input.flowId)
  const { process, user, flow } = scope
  if (!process.resetMethods.includes(input.method)) throw new AppError('METHOD_NOT_ALLOWED', { method: input.method })
  const view = await flowView(ctx, flow.id, { userId: user.id, process })
  if (!view.verified) throw new AppError('NOT_VERIFIED')
  if (view.approval === 'required') throw new AppError('APPROVAL_REQUIRED')

  let password: string | null = null
  switch (input.method) {
    case 'manual': {
      if (!input.password || input.confirm === undefined) throw new AppError('INVALID_INPUT', { fields: ['password', 'confirm'] })
      if (input.password !== input.confirm) throw new AppError('PASSWORDS_DONT_MATCH')
      const failures = policyFailures(input.password, process.policy, user)
      if (failures.length > 0) throw new AppError('POLICY_VIOLATED', { failures })
      password = input.password
      break
    }
    case 'generate':
      password = generatePassword(process.policy, user)
      break
    case 'email_link':
      if (!user.email) throw new AppError('NOT_ENROLLED', { method: 'email_link' })
      break
    default:
      assertNever(input.method)
  }

  const resetId = await reserveReset(ctx, scope, input.method)
  let sentTo: string[] = []
  try {
    if (password !== null) {
      const credentials = ctx.credentialStores[process.credentialStore]
      if (!credentials) throw new AppError('DIRECTORY_UNAVAILABLE', { store: process.credentialStore })
      await credentials.resetPassword(user.id, password, { unlock: process.unlock, mustChange: process.requireChange })
    } else {
      sentTo = await sendResetLink(ctx, scope)
    }
  } catch (e) {
    await auditedTransaction(ctx, flowAudit(scope, 'reset', 'failed', { method: input.method, detail: { reason: e instanceof AppError ? e.code : 'error' } }), (trx) =>
      trx.deleteFrom('resets').where('id', '=', resetId).execute(),
    )
    if (e instanceof AppError) throw e
    ctx.log.error('reset_failed', { flowId: flow.id, method: input.method, ...errorFacts(e) })
    throw new AppError(input.method === 'email_link' ? 'DELIVERY_FAILED' : 'DIRECTORY_UNAVAILABLE')
  }

  const effects = [
    methodWords[input.method],
    input.method !== 'email_link' && process.unlock ? 'account unlocked' : null,
    input.method !== 'email_link' && process.requireChange ? 'change required at next sign-in' : null,
  ].filter(Boolean)
  const passed = view.methods.filter((m) => m.passed).map((m) => m.method.replaceAll('_', ' '))
  await auditedTransaction(ctx, flowAudit(scope, 'reset', 'done', { method: input.method, detail: { unlock: process.unlock, mustChange: process.requireChange } }), async (trx) => {
    await trx.updateTable('resets').set({ status: 'done' }).where('id', '=', resetId).execute()
    await trx.updateTable('flows').set({ state: 'reset' }).where('id', '=', flow.id).execute()
    await addWorkNote(ctx, trx, flow.record_id, scope.agent.displayName,
      `Password reset for ${user.displayName} (${user.username}) with process "${process.name}": ${effects.join('; ')}. ` +
        `Identity verified by: ${passed.join(', ')}.`)
  })
  if (password !== null) await notifyAfterReset(ctx, user, methodWords[input.method], flowAudit(scope, 'reset.notice', 'sent'))
  return { flow: await flowView(ctx, flow.id, { userId: user.id, process }), generatedPassword: input.method === 'generate' ? password : null, sentTo }
}

/** R4: take one of the three daily uses, atomically; refuses with the time the next one frees up. */
async function reserveReset(ctx: RuleContext, scope: FlowScope, method: ResetMethod): Promise<string> {
  const now = ctx.now()
  const id = randomUUID()
  const refused = await ctx.store.db.transaction().execute(async (trx) => {
    await ctx.store.lock(trx, resetLockKey(scope.user.id, scope.process.id))
    const usage = await resetUsage(trx, scope.user.id, scope.process, now)
    if (usage.left === 0) {
      await appendAudit(ctx, trx, now, flowAudit(scope, 'reset', 'rate_limited', { method, detail: { freesAt: usage.freesAt } }))
      return usage.freesAt
    }
    await trx
      .insertInto('resets')
      .values({ id, user_id: scope.user.id, process_id: scope.process.id, flow_id: scope.flow.id, agent_id: scope.agent.id, method, at: now.toISOString(), status: 'pending' })
      .execute()
    return null
  })
  if (refused) throw new AppError('RATE_LIMITED', { freesAt: refused })
  return id
}

/** R6.1: a single-use link with a 256-bit token, stored only as a keyed hash, valid 30 minutes. */
async function sendResetLink(ctx: RuleContext, scope: FlowScope): Promise<string[]> {
  const token = randomToken()
  const now = ctx.now()
  const id = randomUUID()
  await ctx.store.db
    .insertInto('reset_tokens')
    .values({
      id, token_hash: keyedHash(ctx.keys.codes, token), user_id: scope.user.id, flow_id: scope.flow.id,
      process_id: scope.process.id, created_at: now.toISOString(), expires_at: addMs(now, minutes(RESET_LINK_MINUTES)).toISOString(), used_at: null,
    })
    .execute()
  const link = `${ctx.resetLinkBase}#token=${token}`
  const message = resetLinkMessage({ displayName: scope.user.displayName, link, minutesValid: RESET_LINK_MINUTES })
  try {
    await ctx.notifier.deliver({ channel: 'email', userId: scope.user.id, to: scope.user.email!, ...message })
  } catch (e) {
    // A link nobody received must not stay valid in the store.
    await ctx.store.db.deleteFrom('reset_tokens').where('id', '=', id).execute()
    throw e
  }
  return [maskEmail(scope.user.email)!]
}

/**
 * R6.1 / S5: the user completes the link. Every refusal is the same LINK_INVALID answer, so the
 * page tells nothing about which tokens or users exist.
 */
export async function completeResetLink(ctx: RuleContext, token: string, password: string): Promise<{ ok: true } | { ok: false; failures: PolicyFailure[] }> {
  const now = ctx.now().toISOString()
  const row = await ctx.store.db.selectFrom('reset_tokens').selectAll().where('token_hash', '=', keyedHash(ctx.keys.codes, token)).executeTakeFirst()
  if (!row || row.used_at || row.expires_at <= now) throw new AppError('SESSION_EXPIRED')
  const user = await ctx.directory.get(row.user_id)
  if (!user) throw new AppError('SESSION_EXPIRED')
  const process = await loadProcess(ctx.store.db, row.process_id)
  const failures = policyFailures(password, process.policy, user)
  if (failures.length > 0) return { ok: false, failures }
  const claimed = await ctx.store.db.updateTable('reset_tokens').set({ used_at: now }).where('id', '=', row.id).where('used_at', 'is', null).executeTakeFirst()
  if (Number(claimed.numUpdatedRows) !== 1) throw new AppError('SESSION_EXPIRED')
  const credentials = ctx.credentialStores[process.credentialStore]
  try {
    if (!credentials) throw new AppError('DIRECTORY_UNAVAILABLE')
    await credentials.resetPassword(user.id, password, { unlock: true, mustChange: false })
  } catch (e) {
    // Give the link back: the user may try again once the directory answers.
    await ctx.store.db.updateTable('reset_tokens').set({ used_at: null }).where('id', '=', row.id).execute()
    throw e instanceof AppError ? e : new AppError('DIRECTORY_UNAVAILABLE')
  }
  await recordAudit(ctx, { userId: user.id, processId: process.id, flowId: row.flow_id, action: 'reset.link_completed', method: 'email_link', outcome: 'done' })
  await notifyAfterReset(ctx, user, 'new password chosen from the emailed link', { userId: user.id, processId: process.id, flowId: row.flow_id, method: 'email_link' })
  return { ok: true }
}

