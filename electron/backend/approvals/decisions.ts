// B1: a supervisor approves or rejects (with a reason) the reset of a protected account. The
// decision is kept by flow so the agent's console shows who decided and why; a rejection ends the
// flow, audited, with a work note, and nothing was changed.
import { AppError } from '../../../shared/errors'
import type { ApprovalDecision } from '../../../shared/domain/approvals'
import type { FlowView } from '../../../shared/domain/types'
import { loadAgent, loadUser, requireRole } from '../rules/access'
import type { RuleContext } from '../rules/context'
import { closeFlow, flowView } from '../rules/flows'
import { auditedTransaction } from '../audit/audit-chain'
import { addWorkNote } from '../records/work-notes'

/** B1: a supervisor approves the reset of a protected account from their own console. */
export async function approveFlow(ctx: RuleContext, agentId: string, flowId: string): Promise<FlowView> {
  const supervisor = await loadAgent(ctx, agentId)
  requireRole(supervisor, ['password_reset_supervisor'])
  const flow = await ctx.store.db.selectFrom('flows').selectAll().where('id', '=', flowId).executeTakeFirst()
  if (!flow || flow.closed_at) throw new AppError('FLOW_CLOSED')
  if (flow.agent_id === supervisor.id) throw new AppError('FORBIDDEN', { reason: 'approver must be another agent' })
  await auditedTransaction(
    ctx,
    {
      agentId: supervisor.id,
      recordId: flow.record_id,
      userId: flow.user_id,
      processId: flow.process_id,
      flowId,
      action: 'flow.approve',
      outcome: 'approved',
    },
    (trx) => trx.updateTable('flows').set({ approved_by: supervisor.id }).where('id', '=', flowId).execute(),
  )
  return flowView(ctx, flowId)
}

export async function approveAndRecord(ctx: RuleContext, agentId: string, flowId: string): Promise<FlowView> {
  const view = await approveFlow(ctx, agentId, flowId)
  const supervisor = await loadAgent(ctx, agentId)
  // The approval itself is flows.approved_by (audited by approveFlow); this row says who and when.
  await ctx.store.db
    .insertInto('approval_decisions')
    .values({
      flow_id: flowId,
      decision: 'approved',
      agent_id: supervisor.id,
      agent_name: supervisor.displayName,
      reason: null,
      at: ctx.now().toISOString(),
    })
    .onConflict((oc) => oc.column('flow_id').doNothing())
    .execute()
  return view
}

export async function rejectFlow(ctx: RuleContext, agentId: string, flowId: string, reason: string): Promise<{ closed: true }> {
  const supervisor = await loadAgent(ctx, agentId)
  requireRole(supervisor, ['password_reset_supervisor'])
  const flow = await ctx.store.db.selectFrom('flows').selectAll().where('id', '=', flowId).executeTakeFirst()
  if (!flow || flow.closed_at) throw new AppError('FLOW_CLOSED')
  if (flow.agent_id === supervisor.id) throw new AppError('FORBIDDEN', { reason: 'approver must be another agent' })
  if (flow.approved_by) throw new AppError('FLOW_CLOSED')
  const user = await loadUser(ctx, flow.user_id)
  const now = ctx.now().toISOString()
  await auditedTransaction(
    ctx,
    {
      agentId: supervisor.id,
      recordId: flow.record_id,
      userId: flow.user_id,
      processId: flow.process_id,
      flowId,
      action: 'flow.reject',
      outcome: 'rejected',
      detail: { reason },
    },
    async (trx) => {
      // Under the flow's row: an approval and a rejection racing each other cannot both win.
      const closed = await trx
        .updateTable('flows')
        .set({ state: 'closed' })
        .where('id', '=', flowId)
        .where('closed_at', 'is', null)
        .where('approved_by', 'is', null)
        .executeTakeFirst()
      if (Number(closed.numUpdatedRows) !== 1) throw new AppError('FLOW_CLOSED')
      await closeFlow(ctx, trx, flowId, 'rejected')
      await trx
        .insertInto('approval_decisions')
        .values({ flow_id: flowId, decision: 'rejected', agent_id: supervisor.id, agent_name: supervisor.displayName, reason, at: now })
        .execute()
      await addWorkNote(
        ctx,
        trx,
        flow.record_id,
        supervisor.displayName,
        `Password reset of ${user.displayName} (${user.username}) rejected by ${supervisor.displayName}: ${reason} No password was changed.`,
      )
    },
  )
  return { closed: true }
}

/** The decision on a flow, for its own agent or a supervisor; null while none is taken. */
export async function approvalDecision(ctx: RuleContext, agentId: string, flowId: string): Promise<ApprovalDecision | null> {
  const agent = await loadAgent(ctx, agentId)
  const flow = await ctx.store.db.selectFrom('flows').select('agent_id').where('id', '=', flowId).executeTakeFirst()
  if (!flow) throw new AppError('FLOW_CLOSED')
  if (flow.agent_id !== agent.id) requireRole(agent, ['password_reset_supervisor'])
  const row = await ctx.store.db.selectFrom('approval_decisions').selectAll().where('flow_id', '=', flowId).executeTakeFirst()
  return row ? { decision: row.decision as ApprovalDecision['decision'], by: row.agent_name, reason: row.reason, at: row.at } : null
}

/** For the reset's work note: the supervisor who approved it, if anyone did. */
export async function approverName(ctx: RuleContext, flowId: string): Promise<string | null> {
  const row = await ctx.store.db
    .selectFrom('approval_decisions')
    .select('agent_name')
    .where('flow_id', '=', flowId)
    .where('decision', '=', 'approved')
    .executeTakeFirst()
  return row?.agent_name ?? null
}
