// G5 assignment: "Assign to me" on a record of one's groups. Every change of assignee — from the
// console or from the integration API — goes through `assignRecord`: audited as record.assign
// {from, to}, shown in the record's activity stream, and any open flow of another agent on the
// record closed cleanly (R3: otherwise it would hold the user until it idled out).
import { randomUUID } from 'node:crypto'
import type { Selectable, Transaction } from 'kysely'
import { AppError } from '../../../shared/errors'
import { roles, type Agent } from '../../../shared/domain/types'
import type { DB, RecordsTable } from '../store/schema'
import { appendAudit } from '../audit/audit-chain'
import { hasAnyRole, loadAgent, loadRecord } from '../rules/access'
import { closeReassignedFlow, recordLockKey } from '../rules/flows'
import type { RuleContext } from '../rules/context'

export interface Assignee {
  id: string
  displayName: string
}

/** Why this agent may not take this record, or null when "Assign to me" is open to them. */
export function assignRefusal(agent: Agent, record: Pick<Selectable<RecordsTable>, 'assignment_group'>): AppError | null {
  if (!hasAnyRole(agent, roles)) return new AppError('FORBIDDEN', { needs: roles })
  if (!record.assignment_group || !agent.groups.includes(record.assignment_group)) {
    return new AppError('NOT_IN_GROUP', { group: record.assignment_group })
  }
  return null
}

/**
 * Sets the record's assignee inside the caller's transaction. `by` is who made the change (an
 * agent, or an integration's name) for the audit entry and the activity stream.
 * Returns false when the record already had that assignee (nothing written).
 */
export async function assignRecord(
  ctx: RuleContext,
  trx: Transaction<DB>,
  recordId: string,
  to: Assignee | null,
  by: { agentId: string | null; author: string },
): Promise<boolean> {
  // Serialises assignments of one record (and stranded-flow closes) across replicas.
  await ctx.store.lock(trx, recordLockKey(recordId))
  const record = await trx.selectFrom('records').select(['assigned_to', 'assigned_to_name']).where('id', '=', recordId).executeTakeFirst()
  if (!record) throw new AppError('RECORD_NOT_FOUND')
  const toId = to?.id ?? null
  if (record.assigned_to === toId) return false
  await trx
    .updateTable('records')
    .set({ assigned_to: toId, assigned_to_name: to?.displayName ?? null })
    .where('id', '=', recordId)
    .execute()
  const now = ctx.now()
  await appendAudit(ctx, trx, now, {
    agentId: by.agentId,
    recordId,
    action: 'record.assign',
    outcome: 'assigned',
    detail: { from: record.assigned_to, to: toId },
  })
  const text = `${to ? `Assigned to ${to.displayName}` : 'Unassigned'}${record.assigned_to_name ? ` (was ${record.assigned_to_name})` : ''}.`
  await trx
    .insertInto('record_activity')
    .values({ id: randomUUID(), record_id: recordId, at: now.toISOString(), author: by.author, kind: 'assignment', text })
    .execute()
  const stranded = await trx.selectFrom('flows').selectAll().where('record_id', '=', recordId).where('closed_at', 'is', null).execute()
  for (const flow of stranded) {
    if (flow.agent_id !== toId) await closeReassignedFlow(ctx, trx, flow, { to: toId })
  }
  return true
}

/** "Assign to me": the record must be in one of the agent's groups (S4: enforced here). */
export async function assignToMe(ctx: RuleContext, agentId: string, recordId: string): Promise<void> {
  const agent = await loadAgent(ctx, agentId)
  const record = await loadRecord(ctx, recordId)
  const refusal = assignRefusal(agent, record)
  if (refusal) {
    await ctx.store.db.transaction().execute((trx) =>
      appendAudit(ctx, trx, ctx.now(), {
        agentId: agent.id,
        recordId,
        action: 'record.assign',
        outcome: 'refused',
        detail: { reason: refusal.code, group: record.assignment_group },
      }),
    )
    throw refusal
  }
  await ctx.store.db
    .transaction()
    .execute((trx) => assignRecord(ctx, trx, recordId, agent, { agentId: agent.id, author: agent.displayName }))
}
