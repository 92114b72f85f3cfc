// F2: the supervisors' queue: every open intent that its own request could not settle (the agent
// was told OUTCOME_UNKNOWN) or whose process died (lease run out), oldest first.
import type { IntentSummary } from '../../../shared/domain/types'
import { loadAgent, requireRole } from '../rules/access'
import type { RuleContext } from '../rules/context'
import { loadProcesses } from '../rules/processes'

export async function listOpenIntents(ctx: RuleContext, agentId: string): Promise<IntentSummary[]> {
  requireRole(await loadAgent(ctx, agentId), ['password_reset_supervisor', 'password_reset_admin'])
  const now = ctx.now().toISOString()
  const [rows, processes] = await Promise.all([
    ctx.store.db
      .selectFrom('intents')
      .leftJoin('records', 'records.id', 'intents.record_id')
      .leftJoin('agents', 'agents.id', 'intents.agent_id')
      .select([
        'intents.id',
        'intents.kind',
        'intents.user_id',
        'intents.process_id',
        'intents.created_at',
        'intents.unresolved_at',
        'records.number',
        'agents.display_name',
      ])
      .where('intents.status', '=', 'open')
      .where((eb) => eb.or([eb('intents.unresolved_at', 'is not', null), eb('intents.lease_until', '<=', now)]))
      .orderBy('intents.created_at')
      .limit(200)
      .execute(),
    loadProcesses(ctx.store.db),
  ])
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind === 'link' ? 'link' : 'reset',
    userId: r.user_id,
    processName: processes.find((p) => p.id === r.process_id)?.name ?? r.process_id,
    recordNumber: r.number ?? null,
    agentName: r.display_name ?? null,
    startedAt: r.created_at,
    unresolvedAt: r.unresolved_at,
  }))
}
