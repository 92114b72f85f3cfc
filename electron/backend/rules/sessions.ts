// Agent sign-in against the backend's agent accounts (the directory's in a deployment).
import { AppError } from '../../../shared/errors'
import { roles as roleNames, type Agent } from '../../../shared/domain/types'
import type { AgentDirectory } from '../credentials/credential-store'
import { keyedHash, slowVerify } from '../crypto/secrets'
import { toAgent } from './access'
import type { RuleContext } from './context'
import { auditedTransaction, closeFlow, recordAudit } from './flows'

// A real hash to compare against when the user name is unknown, so timing does not reveal it.
const DUMMY_HASH = 'scrypt$1024$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='

export async function signIn(ctx: RuleContext, username: string, password: string): Promise<Agent> {
  if (ctx.agentDirectory) return directorySignIn(ctx, ctx.agentDirectory, username, password)
  const row = await ctx.store.db.selectFrom('agents').selectAll().where('username', '=', username.trim().toLowerCase()).executeTakeFirst()
  const ok = await slowVerify(password, row?.password_hash ?? DUMMY_HASH)
  if (!row || !ok) return refuseSignIn(ctx, username)
  await recordAudit(ctx, { agentId: row.id, action: 'session.sign_in', outcome: 'signed_in' })
  return toAgent(row, ctx.demo)
}

async function refuseSignIn(ctx: RuleContext, username: string): Promise<never> {
  // F7: what was typed as a user name is often a password, so it is never stored; a keyed digest
  // of it still shows repeated tries on one name.
  const nameDigest = keyedHash(ctx.keys.audit, `sign-in name\n${username.trim().toLowerCase()}`).slice(0, 16)
  await recordAudit(ctx, { action: 'session.sign_in', outcome: 'refused', detail: { nameDigest } })
  throw new AppError('INVALID_CREDENTIALS')
}

/** Ends the agent's session: their open flows close so no other agent is kept waiting (R3). */
export async function signOut(ctx: RuleContext, agentId: string): Promise<void> {
  const open = await ctx.store.db.selectFrom('flows').select('id').where('agent_id', '=', agentId).where('closed_at', 'is', null).execute()
  await auditedTransaction(ctx, { agentId, action: 'session.sign_out', outcome: 'signed_out', detail: { flowsClosed: open.length } }, async (trx) => {
    for (const f of open) await closeFlow(ctx, trx, f.id, 'signed_out')
  })
}

/**
 * Directory sign-in: the directory checks the password; its groups give the roles and the
 * assignment groups. The agent row is kept in step (flows and audit refer to it) and holds no
 * usable local password.
 */
async function directorySignIn(ctx: RuleContext, directory: AgentDirectory, username: string, password: string): Promise<Agent> {
  const user = await directory.authenticate(username, password)
  if (!user) return refuseSignIn(ctx, username)
  const roles = roleNames.filter((role) => (directory.roleGroups[role] ?? []).some((g) => user.groups.includes(g)))
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
