// Agent sign-in against the backend's agent accounts, or the directory's agents (G3), throttled
// per user name and per client address in the store.
import { AppError, type ErrorCode } from '../../../shared/errors'
import { roles as roleNames, type Agent } from '../../../shared/domain/types'
import type { AgentDirectory } from '../credentials/credential-store'
import { dummyHash, slowVerify } from '../crypto/secrets'
import { inAnyGroup } from '../directory/dn'
import { toAgent } from './access'
import type { RuleContext } from './context'
import { auditedTransaction, recordAudit } from '../audit/audit-chain'
import { closeFlow } from './flows'
import { reserveSignInTry, signInKeys, type SignInKeys } from './sign-in-throttle'

/** A refusal that counts against the throttle (the try was answered, not failed by a fault). */
const REFUSALS: ReadonlySet<ErrorCode> = new Set(['INVALID_CREDENTIALS', 'NOT_AN_AGENT', 'NO_DESK_ROLE'])

/**
 * `clientAddress` is the HTTP client's address on the server and LOCAL_CONSOLE_ADDRESS in the
 * embedded console.
 */
export async function signIn(ctx: RuleContext, username: string, password: string, clientAddress: string): Promise<Agent> {
  const keys = signInKeys(ctx, username, clientAddress)
  let reservation: Awaited<ReturnType<typeof reserveSignInTry>>
  try {
    reservation = await reserveSignInTry(ctx, keys)
  } catch (e) {
    if (e instanceof AppError && e.code === 'SIGN_IN_THROTTLED') {
      await recordAudit(ctx, { action: 'session.sign_in', outcome: 'throttled', detail: { usernameHash: keys.name } })
    }
    throw e
  }
  try {
    const agent = ctx.agentDirectory
      ? await directorySignIn(ctx, ctx.agentDirectory, keys, username, password)
      : await localSignIn(ctx, keys, username, password)
    await reservation.release()
    return agent
  } catch (e) {
    // A directory or store fault is not the caller's try: it does not count.
    if (!(e instanceof AppError && REFUSALS.has(e.code))) await reservation.release()
    throw e
  }
}

async function localSignIn(ctx: RuleContext, keys: SignInKeys, username: string, password: string): Promise<Agent> {
  const row = await ctx.store.db.selectFrom('agents').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst()
  // An unknown name runs the same scrypt, with the same parameters, as a known one (G3).
  const ok = await slowVerify(password, row?.password_hash ?? (await dummyHash(ctx.hashCost)))
  if (!row || !ok) return refuseSignIn(ctx, keys, 'INVALID_CREDENTIALS')
  await recordAudit(ctx, { agentId: row.id, action: 'session.sign_in', outcome: 'signed_in' })
  return toAgent(row, ctx.demo)
}

/**
 * The audit keeps a keyed hash of the typed name, never the name itself: people type their
 * password into the name field. The hash still ties repeated tries on one name together.
 */
async function refuseSignIn(
  ctx: RuleContext,
  keys: SignInKeys,
  code: ErrorCode,
  details: Record<string, unknown> = {},
  directoryUser?: string,
): Promise<never> {
  await recordAudit(ctx, {
    action: 'session.sign_in',
    outcome: code === 'INVALID_CREDENTIALS' ? 'refused' : code.toLowerCase(),
    detail: { usernameHash: keys.name, ...(directoryUser ? { directoryUser } : {}) },
  })
  throw new AppError(code, details)
}

/** Ends the agent's session: their open flows close so no other agent is kept waiting (R3). */
export async function signOut(ctx: RuleContext, agentId: string): Promise<void> {
  const open = await ctx.store.db.selectFrom('flows').select('id').where('agent_id', '=', agentId).where('closed_at', 'is', null).execute()
  await auditedTransaction(
    ctx,
    { agentId, action: 'session.sign_out', outcome: 'signed_out', detail: { flowsClosed: open.length } },
    async (trx) => {
      for (const f of open) await closeFlow(ctx, trx, f.id, 'signed_out')
    },
  )
}

/**
 * Directory sign-in: the directory checks the password; only members of the agent groups may
 * sign in, their role groups give the roles (none: refused, naming what is missing) and their
 * directory groups are the assignment groups. The agent row is kept in step (flows and audit
 * refer to it) and holds no usable local password.
 */
async function directorySignIn(
  ctx: RuleContext,
  directory: AgentDirectory,
  keys: SignInKeys,
  username: string,
  password: string,
): Promise<Agent> {
  const user = await directory.authenticate(username, password)
  if (!user) return refuseSignIn(ctx, keys, 'INVALID_CREDENTIALS')
  // The name is now the directory's own (authenticated), not typed text: safe to audit.
  if (!inAnyGroup(user, directory.groups))
    return refuseSignIn(ctx, keys, 'NOT_AN_AGENT', { missing: 'agent_group', groups: directory.groups }, user.username)
  const roles = roleNames.filter((role) => inAnyGroup(user, directory.roleGroups[role] ?? []))
  if (roles.length === 0)
    return refuseSignIn(ctx, keys, 'NO_DESK_ROLE', { missing: 'role', roleGroups: directory.roleGroups }, user.username)
  const values = {
    display_name: user.displayName,
    password_hash: '!directory',
    roles: JSON.stringify(roles),
    groups: JSON.stringify(user.groups),
  }
  const name = user.username.toLowerCase()
  await ctx.store.db
    .insertInto('agents')
    .values({ id: name, username: name, ...values })
    .onConflict((oc) => oc.column('username').doUpdateSet(values))
    .execute()
  const row = await ctx.store.db.selectFrom('agents').selectAll().where('username', '=', name).executeTakeFirstOrThrow()
  await recordAudit(ctx, { agentId: row.id, action: 'session.sign_in', outcome: 'signed_in', detail: { via: 'directory', roles } })
  return toAgent(row, ctx.demo)
}
