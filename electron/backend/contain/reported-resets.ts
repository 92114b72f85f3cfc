// B11: the supervisors' queue of resets their users reported as not theirs, newest first, until a
// supervisor acknowledges one (audited). Names the user, the agent who reset, the process and
// what containment came to; never a contact detail or a token.
import { AppError } from '../../../shared/errors'
import { relockOutcomes, type RelockOutcome, type ReportedReset } from '../../../shared/domain/reported-resets'
import { loadAgent, requireRole } from '../rules/access'
import { appendAudit } from '../audit/audit-chain'
import type { RuleContext } from '../rules/context'
import { loadProcesses } from '../rules/processes'

export const relockOf = (outcome: string | null): RelockOutcome =>
  (relockOutcomes as readonly string[]).includes(outcome ?? '') ? (outcome as RelockOutcome) : 'pending'

function reportsQuery(ctx: RuleContext) {
  return ctx.store.db
    .selectFrom('reset_reports')
    .leftJoin('records', 'records.id', 'reset_reports.record_id')
    .leftJoin('agents as resetter', 'resetter.id', 'reset_reports.agent_id')
    .leftJoin('agents as acknowledger', 'acknowledger.id', 'reset_reports.acknowledged_by')
    .select([
      'reset_reports.id',
      'reset_reports.user_id',
      'reset_reports.process_id',
      'reset_reports.method',
      'reset_reports.reset_at',
      'reset_reports.reported_at',
      'reset_reports.lock_outcome',
      'reset_reports.sessions_revoked',
      'reset_reports.acknowledged_at',
      'records.number',
      'resetter.display_name as resetter_name',
      'acknowledger.display_name as acknowledger_name',
    ])
    .where('reset_reports.reported_at', 'is not', null)
}

type Row = Awaited<ReturnType<ReturnType<typeof reportsQuery>['execute']>>[number]

async function toViews(ctx: RuleContext, rows: Row[]): Promise<ReportedReset[]> {
  const processes = rows.length ? await loadProcesses(ctx.store.db) : []
  // One directory read per distinct user (a queue of reports is short).
  const names = new Map<string, Promise<string>>()
  const nameOf = (userId: string) => {
    let name = names.get(userId)
    if (!name)
      names.set(
        userId,
        (name = ctx.directory.get(userId).then(
          (u) => u?.displayName ?? 'User no longer in the directory',
          () => 'User not readable now',
        )),
      )
    return name
  }
  return Promise.all(
    rows.map(async (r) => ({
      id: r.id,
      recordNumber: r.number ?? null,
      userDisplayName: await nameOf(r.user_id),
      agentName: r.resetter_name ?? null,
      processName: processes.find((p) => p.id === r.process_id)?.name ?? r.process_id,
      method: r.method,
      resetAt: r.reset_at,
      reportedAt: r.reported_at!,
      relock: relockOf(r.lock_outcome),
      sessionsRevoked: r.sessions_revoked ?? 0,
      acknowledgedAt: r.acknowledged_at,
      acknowledgedBy: r.acknowledger_name ?? null,
    })),
  )
}

export async function listReportedResets(ctx: RuleContext, agentId: string): Promise<ReportedReset[]> {
  requireRole(await loadAgent(ctx, agentId), ['password_reset_supervisor'])
  const rows = await reportsQuery(ctx)
    .where('reset_reports.acknowledged_at', 'is', null)
    .orderBy('reset_reports.reported_at', 'desc')
    .limit(100)
    .execute()
  return toViews(ctx, rows)
}

/** The supervisor has followed the report up (called the user, checked the account): it leaves the queue. */
export async function acknowledgeReportedReset(ctx: RuleContext, agentId: string, reportId: string): Promise<ReportedReset> {
  const supervisor = await loadAgent(ctx, agentId)
  requireRole(supervisor, ['password_reset_supervisor'])
  const now = ctx.now()
  const found = await ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('reset_reports')
      .selectAll()
      .where('id', '=', reportId)
      .where('reported_at', 'is not', null)
      .executeTakeFirst()
    if (!row) return false
    // Acknowledged once: a second supervisor's click changes nothing and audits nothing.
    const won = await trx
      .updateTable('reset_reports')
      .set({ acknowledged_at: now.toISOString(), acknowledged_by: supervisor.id })
      .where('id', '=', row.id)
      .where('acknowledged_at', 'is', null)
      .executeTakeFirst()
    if (Number(won.numUpdatedRows) === 1) {
      await appendAudit(ctx, trx, now, {
        agentId: supervisor.id,
        recordId: row.record_id,
        userId: row.user_id,
        processId: row.process_id,
        flowId: row.flow_id,
        action: 'reset.report_ack',
        outcome: 'acknowledged',
        detail: { reportId: row.id },
      })
    }
    return true
  })
  if (!found) throw new AppError('REPORT_NOT_FOUND')
  ctx.live?.published()
  const [view] = await toViews(ctx, await reportsQuery(ctx).where('reset_reports.id', '=', reportId).execute())
  return view!
}
