// B1: what waits for a supervisor — the open protected-account flows nobody has approved yet.
import type { ApprovalRequest } from '../../../shared/domain/types'
import { loadAgent, loadUser, requireRole } from '../rules/access'
import { addMs, minutes, type RuleContext } from '../rules/context'
import { isVerified, passedMethods } from '../rules/flows'
import { loadProcesses } from '../rules/processes'

/** B1: the open protected-account flows no supervisor has approved yet, oldest first. */
export async function pendingApprovals(ctx: RuleContext, agentId: string): Promise<ApprovalRequest[]> {
  const supervisor = await loadAgent(ctx, agentId)
  requireRole(supervisor, ['password_reset_supervisor'])
  const processes = (await loadProcesses(ctx.store.db)).filter((p) => p.requiresApproval)
  if (processes.length === 0) return []
  const rows = await ctx.store.db
    .selectFrom('flows')
    .innerJoin('records', 'records.id', 'flows.record_id')
    .innerJoin('agents', 'agents.id', 'flows.agent_id')
    .select(['flows.id', 'flows.user_id', 'flows.process_id', 'flows.created_at', 'records.number', 'agents.display_name'])
    .where('flows.closed_at', 'is', null)
    .where('flows.approved_by', 'is', null)
    .where(
      'flows.process_id',
      'in',
      processes.map((p) => p.id),
    )
    // An idle flow will expire on its next touch: nothing to approve there.
    .where('flows.last_activity_at', '>', addMs(ctx.now(), -minutes(ctx.flowIdleMinutes)).toISOString())
    .orderBy('flows.created_at')
    .limit(100)
    .execute()
  return Promise.all(
    rows.map(async (r) => {
      const process = processes.find((p) => p.id === r.process_id)!
      const [user, passed] = await Promise.all([loadUser(ctx, r.user_id), passedMethods(ctx, r.id, process)])
      return {
        flowId: r.id,
        recordNumber: r.number,
        userDisplayName: user.displayName,
        agentName: r.display_name,
        processName: process.name,
        verified: isVerified(process, passed),
        passedMethods: process.methods.filter((m) => passed.has(m)),
        startedAt: r.created_at,
      }
    }),
  )
}
