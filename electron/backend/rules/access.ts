// R1 and who-may-do-what, enforced on every call (S4). The renderer only mirrors these.
import type { Selectable } from 'kysely'
import { AppError } from '../../../shared/errors'
import { agentSchema, resetRoles, type Agent, type Role } from '../../../shared/domain/types'
import type { AgentsTable, RecordsTable } from '../store/schema'
import type { DirectoryUser } from '../credentials/credential-store'
import type { RuleContext } from './context'

export function toAgent(row: Selectable<AgentsTable>, demo: boolean): Agent {
  return agentSchema.parse({
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: JSON.parse(row.roles),
    groups: JSON.parse(row.groups),
    demo,
  })
}

/** The agent as stored now: roles changed by an administrator take effect on the next call. */
export async function loadAgent(ctx: RuleContext, agentId: string | null | undefined): Promise<Agent> {
  if (!agentId) throw new AppError('NOT_SIGNED_IN')
  const row = await ctx.store.db.selectFrom('agents').selectAll().where('id', '=', agentId).executeTakeFirst()
  if (!row) throw new AppError('NOT_SIGNED_IN')
  return toAgent(row, ctx.demo)
}

export function hasAnyRole(agent: Agent, wanted: readonly Role[]): boolean {
  return agent.roles.some((r) => wanted.includes(r))
}

export function requireRole(agent: Agent, wanted: readonly Role[]): void {
  if (!hasAnyRole(agent, wanted)) throw new AppError('FORBIDDEN', { needs: wanted })
}

export async function loadRecord(ctx: RuleContext, recordId: string): Promise<Selectable<RecordsTable>> {
  const row = await ctx.store.db.selectFrom('records').selectAll().where('id', '=', recordId).executeTakeFirst()
  if (!row) throw new AppError('RECORD_NOT_FOUND')
  return row
}

/** The user as the directory holds them now. */
export async function loadUser(ctx: RuleContext, userId: string): Promise<DirectoryUser> {
  const user = await ctx.directory.get(userId)
  if (!user) throw new AppError('USER_NOT_FOUND')
  return user
}

/** R1: a reset role and being the record's assignee. */
export function resetRefusal(agent: Agent, record: Pick<Selectable<RecordsTable>, 'assigned_to'>): AppError | null {
  if (!hasAnyRole(agent, resetRoles)) return new AppError('ROLE_MISSING')
  if (record.assigned_to !== agent.id) return new AppError('NOT_ASSIGNED')
  return null
}

export function requireResetAccess(agent: Agent, record: Pick<Selectable<RecordsTable>, 'assigned_to'>): void {
  const refusal = resetRefusal(agent, record)
  if (refusal) throw refusal
}
