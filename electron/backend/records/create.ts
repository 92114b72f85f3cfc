// G5: "New interaction" — a call or a walk-up for a directory caller, assigned to the agent who
// opens it, numbered IMS0000001… from the race-free counter (numbering.ts).
import { randomUUID } from 'node:crypto'
import type { ParsedInputOf } from '../../../shared/ipc/contract'
import { roles, type RecordSummary } from '../../../shared/domain/types'
import { appendAudit } from '../audit/audit-chain'
import { loadAgent, loadUser, requireRole } from '../rules/access'
import { isUniqueViolation } from '../store/constraint-errors'
import type { RuleContext } from '../rules/context'
import { nextNumber, numberPrefixes, raiseToHighest } from './numbering'
import { searchTextOf } from './search-text'

/** Clashes with numbers written elsewhere are resolved on the first retry; more means a fault. */
const maxNumberClashes = 3

export async function createInteraction(
  ctx: RuleContext,
  agentId: string,
  input: ParsedInputOf<'records:createInteraction'>,
): Promise<RecordSummary> {
  const agent = await loadAgent(ctx, agentId)
  requireRole(agent, roles)
  // The caller is a directory reference: their stable id, and their name as it is today.
  const caller = await loadUser(ctx, input.callerId)
  for (let clash = 0; ; clash++) {
    const id = randomUUID()
    const openedAt = ctx.now().toISOString()
    try {
      const number = await ctx.store.db.transaction().execute(async (trx) => {
        const number = await nextNumber(trx, numberPrefixes.interaction)
        const fields = { number, callerName: caller.displayName, shortDescription: input.shortDescription, description: input.description }
        await trx
          .insertInto('records')
          .values({
            id,
            kind: 'interaction',
            number,
            short_description: input.shortDescription,
            description: input.description,
            caller_id: caller.id,
            caller_name: caller.displayName,
            state: 'Work in Progress',
            active: 1,
            priority: null,
            channel: input.channel,
            assignment_group: agent.groups[0] ?? null,
            assigned_to: agent.id,
            assigned_to_name: agent.displayName,
            opened_at: openedAt,
            search_text: searchTextOf(fields),
          })
          .execute()
        await trx
          .insertInto('record_activity')
          .values({
            id: randomUUID(),
            record_id: id,
            at: openedAt,
            author: agent.displayName,
            kind: 'assignment',
            text: `Opened (${input.channel}) and assigned to ${agent.displayName}.`,
          })
          .execute()
        await appendAudit(ctx, trx, ctx.now(), {
          agentId: agent.id,
          recordId: id,
          userId: caller.id,
          action: 'record.create',
          outcome: 'created',
          detail: { number, kind: 'interaction', channel: input.channel, assignedTo: agent.id },
        })
        return number
      })
      return {
        id,
        kind: 'interaction',
        number,
        shortDescription: input.shortDescription,
        callerId: caller.id,
        callerName: caller.displayName,
        state: 'Work in Progress',
        priority: null,
        channel: input.channel,
        assignmentGroup: agent.groups[0] ?? null,
        assignedToId: agent.id,
        assignedToName: agent.displayName,
        openedAt,
      }
    } catch (e) {
      if (!isUniqueViolation(e) || clash >= maxNumberClashes) throw e
      await raiseToHighest(ctx.store.db, 'interaction')
    }
  }
}
