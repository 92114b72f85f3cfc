// R6 and R4: resetting the password. The R4 use is reserved first (under the counter's lock)
// together with an intent (F2), then the credential store is changed, then the intent is settled:
// applied confirms the reservation with its audit entry and work note; a refusal hands it back;
// a lost answer is resolved by asking the store, and what cannot be resolved is OUTCOME_UNKNOWN.
import { randomInt, randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { AppError } from '../../../shared/errors'
import type { FlowView, PolicySettings, ResetMethod } from '../../../shared/domain/types'
import { checkPassword, complexityClasses, type PolicyFailure } from '../../../shared/policy/password-policy'
import { isBlocklisted } from '../../../shared/policy/blocklist'
import type { DirectoryUser } from '../credentials/credential-store'
import { keyedHash, randomToken } from '../crypto/secrets'
import { appendAudit, auditedTransaction } from '../audit/audit-chain'
import { addMs, errorFacts, minutes, type RuleContext } from './context'
import { enterFlow, flowAudit, flowView, type FlowScope } from './flows'
import { addWorkNote } from '../records/work-notes'
import { assertNever } from '../../../shared/assert-never'
import { resetLockKey, resetTimesQuery, resetUsageOf } from './limits'
import { maskEmail } from './masking'
import { loadProcess } from './processes'
import { resetLinkMessage } from '../notify/templates'
import { generatePassphrase } from './passphrase'
import { approverName } from '../approvals/decisions'
import { askStore, markUnresolved, settleWithRetry, writeIntent, type Intent, type IntentPlan, type NoticeTarget } from '../intents/intents'
import type { ParsedInputOf } from '../../../shared/ipc/contract'

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
  // The contract's discriminated union: a manual reset always brings a password and its confirmation.
  input: ParsedInputOf<'reset:run'>,
): Promise<{ flow: FlowView; generatedPassword: string | null; sentTo: string[] }> {
  // The enrolment is read with the scope: the view shows it and B11's notice goes to the
  // addresses it brought along (issue 14: not read again after the reset).
  const scope = await enterFlow(ctx, agentId, input.flowId, { enrolment: true })
  const { process, user, flow } = scope
  if (!process.resetMethods.includes(input.method)) throw new AppError('METHOD_NOT_ALLOWED', { method: input.method })
  const enrolment = scope.enrolment!
  const view = await flowView(ctx, flow.id, { userId: user.id, process, user, enrolment })
  const notice = { user, addresses: enrolment.noticeAddresses, deskSettings: enrolment.deskSettings }
  if (!view.verified) throw new AppError('NOT_VERIFIED')
  if (view.approval === 'required') throw new AppError('APPROVAL_REQUIRED')

  let password: string | null = null
  switch (input.method) {
    case 'manual': {
      if (input.password !== input.confirm) throw new AppError('PASSWORDS_DONT_MATCH')
      const failures = policyFailures(input.password, process.policy, user)
      if (failures.length > 0) throw new AppError('POLICY_VIOLATED', { failures })
      password = input.password
      break
    }
    case 'generate':
      password =
        input.style === 'passphrase'
          ? generatePassphrase(process.policy, (p) => policyFailures(p, process.policy, user).length === 0)
          : generatePassword(process.policy, user)
      break
    case 'email_link':
      if (!user.email) throw new AppError('NOT_ENROLLED', { method: 'email_link' })
      break
    default:
      assertNever(input)
  }

  const effects = [
    methodWords[input.method],
    input.method !== 'email_link' && process.unlock ? 'account unlocked' : null,
    input.method !== 'email_link' && process.requireChange ? 'change required at next sign-in' : null,
  ].filter(Boolean)
  const passed = view.methods.filter((m) => m.passed).map((m) => m.method.replaceAll('_', ' '))
  // B1: the work note names the supervisor who approved a protected account's reset.
  const approver = view.approval === 'approved' ? await approverName(ctx, flow.id) : null
  const plan: IntentPlan = {
    detail: { unlock: process.unlock, mustChange: process.requireChange },
    workNote: {
      author: scope.agent.displayName,
      text:
        `Password reset for ${user.displayName} (${user.username}) with process "${process.name}": ${effects.join('; ')}. ` +
        `Identity verified by: ${passed.join(', ')}.` +
        (approver ? ` Approved by ${approver}.` : ''),
    },
    noticeHow: methodWords[input.method],
  }
  const generatedPassword = input.method === 'generate' ? password : null

  if (password === null) {
    const resetId = (await reserveReset(ctx, scope, input.method, null)).resetId
    let sentTo: string[]
    try {
      sentTo = await sendResetLink(ctx, scope)
    } catch (e) {
      await auditedTransaction(
        ctx,
        flowAudit(scope, 'reset', 'failed', { method: input.method, detail: { reason: e instanceof AppError ? e.code : 'error' } }),
        (trx) => trx.deleteFrom('resets').where('id', '=', resetId).execute(),
      )
      if (e instanceof AppError) throw e
      ctx.log.error('reset_failed', { flowId: flow.id, method: input.method, ...errorFacts(e) })
      throw new AppError('DELIVERY_FAILED')
    }
    await auditedTransaction(ctx, flowAudit(scope, 'reset', 'done', { method: input.method, detail: plan.detail }), async (trx) => {
      await trx.updateTable('resets').set({ status: 'done' }).where('id', '=', resetId).execute()
      await trx.updateTable('flows').set({ state: 'reset' }).where('id', '=', flow.id).execute()
      await addWorkNote(ctx, trx, flow.record_id, plan.workNote!.author, plan.workNote!.text)
    })
    return { flow: await flowView(ctx, flow.id, { userId: user.id, process }), generatedPassword: null, sentTo }
  }

  const credentials = ctx.credentialStores[process.credentialStore]
  if (!credentials) throw new AppError('DIRECTORY_UNAVAILABLE', { store: process.credentialStore })
  const { intent, at } = await reserveReset(ctx, scope, input.method, plan)
  await changePassword(ctx, intent!, password, { unlock: process.unlock, mustChange: process.requireChange }, notice)
  // The view after the reset is the one read above with what the reset changed (issue 14: not a
  // second read of ten statements): this reset, done at the time it was reserved, and the user
  // unlocked if the process unlocks. Also when applied but the database stayed down: the password
  // changed, so the agent gets it (the caller needs it) and the sweeper records the rest.
  const after: FlowView = {
    ...view,
    state: 'reset',
    user: { ...view.user, locked: process.unlock ? false : view.user.locked },
    resets: [...view.resets, { method: input.method, at }],
  }
  return { flow: after, generatedPassword, sentTo: [] }
}

/**
 * F2: changes the password under a committed intent and settles it. Resolves true when the change
 * is applied and recorded, false when applied but not yet recorded (database down); throws the
 * store's catalogue error when it was not applied, OUTCOME_UNKNOWN when nobody can tell.
 */
async function changePassword(
  ctx: RuleContext,
  intent: Intent,
  password: string,
  options: { unlock: boolean; mustChange: boolean },
  notice?: NoticeTarget,
): Promise<boolean> {
  const credentials = ctx.credentialStores[intent.credential_store]!
  let applied: boolean | null
  let refusal: AppError | null = null
  // 'answer': the store's own reply to the change; 'store': asked afterwards (F2).
  let by: 'answer' | 'store' = 'answer'
  try {
    await credentials.resetPassword(intent.user_id, password, options)
    applied = true
  } catch (e) {
    if (e instanceof AppError && e.code !== 'OUTCOME_UNKNOWN') {
      // The store answered: nothing was changed.
      applied = false
      refusal = e
    } else {
      // The answer was lost (or the store failed in a way it did not explain): ask it.
      ctx.log.error('reset_outcome_lost', { intentId: intent.id, ...errorFacts(e) })
      by = 'store'
      applied = await askStore(ctx, intent, password)
    }
  }
  if (applied === null) {
    await markUnresolved(ctx, intent)
    throw new AppError('OUTCOME_UNKNOWN')
  }
  const recorded = await settleWithRetry(ctx, intent, applied, { by, reason: refusal?.code ?? 'not_applied' }, notice)
  if (!applied) throw refusal ?? new AppError('DIRECTORY_UNAVAILABLE')
  return recorded
}

/** R4: take one of the three daily uses, atomically; refuses with the time the next one frees up. */
async function reserveReset(
  ctx: RuleContext,
  scope: FlowScope,
  method: ResetMethod,
  plan: IntentPlan | null,
): Promise<{ resetId: string; intent: Intent | null; at: string }> {
  const now = ctx.now()
  const id = randomUUID()
  let intent: Intent | null = null
  const refused = await ctx.store.db.transaction().execute(async (trx) => {
    await ctx.store.lock(trx, resetLockKey(scope.user.id, scope.process.id))
    // One statement (issue 14) for two reads under the lock. F2 "do not retry": while an earlier
    // change for this user waits for its outcome (the agent was told so, or its server died), no
    // new one starts on a guess. R4: this user's uses of the process in the window.
    const rows = await trx
      .selectFrom('intents')
      .select([sql.lit('waiting').as('kind'), 'id as value'])
      .where('user_id', '=', scope.user.id)
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('unresolved_at', 'is not', null), eb('lease_until', '<=', now.toISOString())]))
      .unionAll(resetTimesQuery(trx, scope.user.id, scope.process.id, now).select(sql.lit('use').as('kind')).select('at as value'))
      .execute()
    const waiting = rows.find((r) => r.kind === 'waiting')
    if (waiting) return { unknown: waiting.value }
    const usage = resetUsageOf(
      rows
        .filter((r) => r.kind === 'use')
        .map((r) => r.value)
        .sort(),
      scope.process,
    )
    if (usage.left === 0) {
      await appendAudit(ctx, trx, now, flowAudit(scope, 'reset', 'rate_limited', { method, detail: { freesAt: usage.freesAt } }))
      return usage.freesAt
    }
    await trx
      .insertInto('resets')
      .values({
        id,
        user_id: scope.user.id,
        process_id: scope.process.id,
        flow_id: scope.flow.id,
        agent_id: scope.agent.id,
        method,
        at: now.toISOString(),
        status: 'pending',
      })
      .execute()
    // F2: committed with the reservation, before the credential store is touched.
    if (plan) {
      intent = await writeIntent(ctx, trx, {
        kind: 'reset',
        agentId: scope.agent.id,
        userId: scope.user.id,
        processId: scope.process.id,
        flowId: scope.flow.id,
        recordId: scope.flow.record_id,
        resetId: id,
        tokenId: null,
        credentialStore: scope.process.credentialStore,
        method,
        plan,
      })
    }
    return null
  })
  if (typeof refused === 'object' && refused !== null) throw new AppError('OUTCOME_UNKNOWN', { waitingFor: refused.unknown })
  if (refused) throw new AppError('RATE_LIMITED', { freesAt: refused })
  return { resetId: id, intent, at: now.toISOString() }
}

/** R6.1: a single-use link with a 256-bit token, stored only as a keyed hash, valid 30 minutes. */
async function sendResetLink(ctx: RuleContext, scope: FlowScope): Promise<string[]> {
  const token = randomToken()
  const now = ctx.now()
  const id = randomUUID()
  await ctx.store.db
    .insertInto('reset_tokens')
    .values({
      id,
      token_hash: keyedHash(ctx.keys.codes, token),
      user_id: scope.user.id,
      flow_id: scope.flow.id,
      process_id: scope.process.id,
      created_at: now.toISOString(),
      expires_at: addMs(now, minutes(RESET_LINK_MINUTES)).toISOString(),
      used_at: null,
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
export async function completeResetLink(
  ctx: RuleContext,
  token: string,
  password: string,
): Promise<{ ok: true } | { ok: false; failures: PolicyFailure[] }> {
  const now = ctx.now().toISOString()
  const row = await ctx.store.db
    .selectFrom('reset_tokens')
    .selectAll()
    .where('token_hash', '=', keyedHash(ctx.keys.codes, token))
    .executeTakeFirst()
  if (!row || row.used_at || row.expires_at <= now) throw new AppError('SESSION_EXPIRED')
  const user = await ctx.directory.get(row.user_id)
  if (!user) throw new AppError('SESSION_EXPIRED')
  const process = await loadProcess(ctx.store.db, row.process_id)
  const failures = policyFailures(password, process.policy, user)
  if (failures.length > 0) return { ok: false, failures }
  if (!ctx.credentialStores[process.credentialStore]) throw new AppError('DIRECTORY_UNAVAILABLE')
  // F2: the link is spent together with the intent; settling spends it for good or gives it back.
  const intent = await ctx.store.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('reset_tokens')
      .set({ used_at: now })
      .where('id', '=', row.id)
      .where('used_at', 'is', null)
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) !== 1) return null
    return writeIntent(ctx, trx, {
      kind: 'link',
      agentId: null,
      userId: user.id,
      processId: process.id,
      flowId: row.flow_id,
      recordId: null,
      resetId: null,
      tokenId: row.id,
      credentialStore: process.credentialStore,
      method: 'email_link',
      plan: { detail: {}, workNote: null, noticeHow: 'new password chosen from the emailed link' },
    })
  })
  if (!intent) throw new AppError('SESSION_EXPIRED')
  // Applied and not yet recorded (database down) is still done for the user: the sweeper records it.
  await changePassword(ctx, intent, password, { unlock: true, mustChange: false })
  return { ok: true }
}
