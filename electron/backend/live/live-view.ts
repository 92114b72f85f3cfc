// B5 live observe: the open flows of a supervisor's groups, read from the flows and the audit
// (the same entries that write the chain), and the steps of one followed flow. Read only: nothing
// here writes, and nothing here returns a secret, an audit detail or a contact detail.
import { AppError } from '../../../shared/errors'
import type { LiveFlow, LiveSnapshot, LiveStep } from '../../../shared/domain/live'
import type { Process, VerifyMethod } from '../../../shared/domain/types'
import { loadAgent, loadUser, requireRole } from '../rules/access'
import { addMs, minutes, type RuleContext } from '../rules/context'
import { isVerified } from '../rules/flows'
import { loadProcesses } from '../rules/processes'
import type { LiveFeed } from './live-feed'
import { relockOf } from '../contain/reported-resets'

interface AuditStep {
  seq: number
  at: string
  flow_id: string | null
  action: string
  method: string | null
  outcome: string
}

/** "Drew Patel" → "D. P.": enough to tell two calls apart, not enough to identify the caller. */
export function initials(displayName: string): string {
  const parts = displayName.trim().split(/\s+/).filter(Boolean)
  return parts.length ? parts.map((p) => `${[...p][0]!.toUpperCase()}.`).join(' ') : '—'
}

/** Replays a flow's audited steps into where it stands now and since when. */
export function replaySteps(process: Process | undefined, approvedBy: string | null, startedAt: string, steps: AuditStep[]) {
  const passed = new Set<string>()
  const failed = new Set<string>()
  let step: LiveStep = 'verifying'
  let since = startedAt
  let approved = false
  for (const s of steps) {
    if (s.action === 'verify.check' && s.method) {
      if (s.outcome === 'passed') {
        passed.add(s.method)
        failed.delete(s.method)
      } else if (!passed.has(s.method)) failed.add(s.method)
    }
    if (s.action === 'flow.approve') approved = true
    const verified = process ? isVerified(process, passed as Set<VerifyMethod>) : false
    const next: LiveStep =
      s.action === 'reset' && s.outcome === 'done'
        ? 'reset'
        : step === 'reset'
          ? 'reset'
          : verified && process?.requiresApproval && !approved && !approvedBy
            ? 'awaiting_approval'
            : verified
              ? 'verified'
              : 'verifying'
    if (next !== step) {
      step = next
      since = s.at
    }
  }
  return { step, since, passed: [...passed], failed: [...failed] }
}

const inGroups = (groups: string[], group: string | null) =>
  // B5: a supervisor with no groups oversees the whole desk.
  groups.length === 0 || (group !== null && groups.some((g) => g.toLowerCase() === group.toLowerCase()))

export async function liveSnapshot(ctx: RuleContext, agentId: string, follow?: string): Promise<LiveSnapshot> {
  const supervisor = await loadAgent(ctx, agentId)
  requireRole(supervisor, ['password_reset_supervisor'])
  const db = ctx.store.db
  // The sequence is read first: anything committed after it is asked for by the next call.
  const seq = Number(
    (
      await db
        .selectFrom('audit')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst()
    )?.seq ?? 0,
  )
  const idleSince = addMs(ctx.now(), -minutes(ctx.flowIdleMinutes)).toISOString()
  const [rows, processes, reportRows] = await Promise.all([
    db
      .selectFrom('flows')
      .innerJoin('records', 'records.id', 'flows.record_id')
      .innerJoin('agents', 'agents.id', 'flows.agent_id')
      .select([
        'flows.id',
        'flows.user_id',
        'flows.process_id',
        'flows.created_at',
        'flows.approved_by',
        'records.number',
        'records.assignment_group',
        'agents.display_name',
      ])
      .where('flows.closed_at', 'is', null)
      // An idle flow expires on its next touch: nobody is working it.
      .where('flows.last_activity_at', '>', idleSince)
      .orderBy('flows.created_at')
      .limit(200)
      .execute(),
    loadProcesses(db),
    // B11: resets reported as not their users', until a supervisor acknowledges them.
    db
      .selectFrom('reset_reports')
      .leftJoin('records', 'records.id', 'reset_reports.record_id')
      .leftJoin('agents', 'agents.id', 'reset_reports.agent_id')
      .select([
        'reset_reports.id',
        'reset_reports.user_id',
        'reset_reports.reported_at',
        'reset_reports.lock_outcome',
        'records.number',
        'records.assignment_group',
        'agents.display_name',
      ])
      .where('reset_reports.reported_at', 'is not', null)
      .where('reset_reports.acknowledged_at', 'is', null)
      .orderBy('reset_reports.reported_at', 'desc')
      .limit(50)
      .execute(),
  ])
  const visible = rows.filter((r) => inGroups(supervisor.groups, r.assignment_group))
  const ids = visible.map((r) => r.id)
  if (follow && !ids.includes(follow)) ids.push(follow)
  const steps = ids.length
    ? await db
        .selectFrom('audit')
        .select(['seq', 'at', 'flow_id', 'action', 'method', 'outcome'])
        .where('flow_id', 'in', ids)
        .where('seq', '<=', seq)
        .orderBy('seq')
        .execute()
    : []
  const stepsOf = (flowId: string) => steps.filter((s) => s.flow_id === flowId)
  const flows: LiveFlow[] = await Promise.all(
    visible.map(async (r) => {
      const process = processes.find((p) => p.id === r.process_id)
      const replay = replaySteps(process, r.approved_by, r.created_at, stepsOf(r.id))
      const user = await loadUser(ctx, r.user_id).catch(() => null)
      return {
        flowId: r.id,
        recordNumber: r.number,
        agentName: r.display_name,
        userInitials: user ? initials(user.displayName) : '—',
        processName: process?.name ?? 'Unknown process',
        step: replay.step,
        methodsPassed: replay.passed,
        methodsFailed: replay.failed,
        stepSince: replay.since,
      }
    }),
  )
  const reports = await Promise.all(
    reportRows
      .filter((r) => inGroups(supervisor.groups, r.assignment_group ?? null))
      .map(async (r) => {
        const user = await loadUser(ctx, r.user_id).catch(() => null)
        return {
          id: r.id,
          recordNumber: r.number ?? null,
          agentName: r.display_name ?? null,
          userInitials: user ? initials(user.displayName) : '—',
          reportedAt: r.reported_at!,
          relock: relockOf(r.lock_outcome),
        }
      }),
  )
  let followed: LiveSnapshot['followed'] = null
  if (follow) {
    const flow = await db
      .selectFrom('flows')
      .innerJoin('records', 'records.id', 'flows.record_id')
      .select([
        'flows.id',
        'flows.closed_at',
        'flows.process_id',
        'flows.approved_by',
        'flows.created_at',
        'records.number',
        'records.assignment_group',
      ])
      .where('flows.id', '=', follow)
      .executeTakeFirst()
    // A flow outside the supervisor's groups is refused like a missing one: no probing by id.
    if (!flow || !inGroups(supervisor.groups, flow.assignment_group)) throw new AppError('FLOW_NOT_OBSERVABLE')
    const own = stepsOf(flow.id)
    const replay = replaySteps(
      processes.find((p) => p.id === flow.process_id),
      flow.approved_by,
      flow.created_at,
      own,
    )
    followed = {
      flowId: flow.id,
      recordNumber: flow.number,
      open: flow.closed_at === null,
      step: flow.closed_at === null ? replay.step : null,
      events: own.map((s) => ({ seq: s.seq, at: s.at, action: s.action, method: s.method, outcome: s.outcome })),
    }
  }
  return { seq, at: ctx.now().toISOString(), flows, followed, reports }
}

/** The long poll behind `live:next`: waits for an audit entry after `afterSeq`, then answers. */
export async function nextLive(
  ctx: RuleContext,
  feed: LiveFeed,
  agentId: string,
  input: { afterSeq: number; follow?: string; waitMs: number },
  signal?: AbortSignal,
): Promise<LiveSnapshot> {
  // Refuse before waiting: a desk agent must not hold a request open for 25 s to learn "no".
  requireRole(await loadAgent(ctx, agentId), ['password_reset_supervisor'])
  await feed.waitBeyond(input.afterSeq, input.waitMs, signal)
  return liveSnapshot(ctx, agentId, input.follow)
}
