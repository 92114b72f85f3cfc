// B10 supervisor dashboard: counts over the audit (the one record of what happened) and handle
// times over the flows table, for whole UTC days. Each audit query names one action and a range
// of `at`, so it runs on the (action, at, outcome, method) index of migration 0011_live as an
// index-only range scan, however large the log grows (bench/dashboard-bench.ts measures it).
import { sql } from 'kysely'
import type { Dashboard } from '../../../shared/domain/live'
import { loadAgent, requireRole } from '../rules/access'
import { addMs, minutes, type RuleContext } from '../rules/context'
import { loadProcesses } from '../rules/processes'

const dayMs = 86_400_000

/** Every UTC day from `from` to `to` inclusive, as YYYY-MM-DD. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = []
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += dayMs) days.push(new Date(t).toISOString().slice(0, 10))
  return days
}

export function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The dashboard's queries, each on its own so the bench can time them one by one. */
export function dashboardQueries(ctx: RuleContext, from: string, to: string) {
  const db = ctx.store.db
  const start = `${from}T00:00:00.000Z`
  // ISO strings compare as times: everything before the next day's midnight.
  const end = new Date(Date.parse(`${to}T00:00:00Z`) + dayMs).toISOString()
  // The day as written in SQL, not bound: PostgreSQL must see the select's and the group by's
  // expressions as the same one, and two sets of parameters would make them differ.
  const day = sql<string>`substr(at, 1, 10)`
  const perDay = (action: string) =>
    db
      .selectFrom('audit')
      .select((eb) => [day.as('day'), 'outcome', 'method', eb.fn.countAll().as('n')])
      .where('action', '=', action)
      .where('at', '>=', start)
      .where('at', '<', end)
      .groupBy([day, 'outcome', 'method'])
  return {
    resets: () => perDay('reset').where('outcome', 'in', ['done', 'rate_limited']).execute(),
    verification: () =>
      db
        .selectFrom('audit')
        .select(['method', 'outcome', (eb) => eb.fn.countAll().as('n')])
        .where('action', '=', 'verify.check')
        .where('at', '>=', start)
        .where('at', '<', end)
        .groupBy(['method', 'outcome'])
        .execute(),
    lockouts: () => perDay('verify.check').where('outcome', '=', 'failed_closed').execute(),
    signInThrottled: () => perDay('session.sign_in').where('outcome', '=', 'throttled').execute(),
    handleTimes: () =>
      db
        .selectFrom('flows')
        .innerJoin('agents', 'agents.id', 'flows.agent_id')
        .select(['agents.display_name', 'flows.created_at', 'flows.closed_at'])
        .where('flows.closed_at', '>=', start)
        .where('flows.closed_at', '<', end)
        // Handled means the agent closed it (R7 Exit); expired and cancelled flows are not calls handled.
        .where('flows.close_reason', '=', 'exit')
        .execute(),
    approvalsWaiting: async () => {
      const approvalProcesses = (await loadProcesses(db)).filter((p) => p.requiresApproval).map((p) => p.id)
      if (approvalProcesses.length === 0) return 0
      const row = await db
        .selectFrom('flows')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('closed_at', 'is', null)
        .where('approved_by', 'is', null)
        .where('process_id', 'in', approvalProcesses)
        .where('last_activity_at', '>', addMs(ctx.now(), -minutes(ctx.flowIdleMinutes)).toISOString())
        .executeTakeFirst()
      return Number(row?.n ?? 0)
    },
  }
}

export async function loadDashboard(ctx: RuleContext, agentId: string, range: { from: string; to: string }): Promise<Dashboard> {
  requireRole(await loadAgent(ctx, agentId), ['password_reset_supervisor', 'password_reset_admin'])
  const q = dashboardQueries(ctx, range.from, range.to)
  const [resets, verification, lockouts, throttled, handled, approvalsWaiting] = await Promise.all([
    q.resets(), q.verification(), q.lockouts(), q.signInThrottled(), q.handleTimes(), q.approvalsWaiting(),
  ])
  const days = daysOf(range.from, range.to)
  const resetsPerDay = days.map((day) => ({ day, email_link: 0, generate: 0, manual: 0 }))
  const limitsPerDay = days.map((day) => ({ day, rateLimited: 0, lockouts: 0, signInThrottled: 0 }))
  const at = (day: string) => days.indexOf(day)
  for (const r of resets) {
    const i = at(r.day)
    if (i < 0) continue
    if (r.outcome === 'rate_limited') limitsPerDay[i]!.rateLimited += Number(r.n)
    else if (r.method === 'email_link' || r.method === 'generate' || r.method === 'manual') resetsPerDay[i]![r.method] += Number(r.n)
  }
  for (const r of lockouts) if (at(r.day) >= 0) limitsPerDay[at(r.day)]!.lockouts += Number(r.n)
  for (const r of throttled) if (at(r.day) >= 0) limitsPerDay[at(r.day)]!.signInThrottled += Number(r.n)
  const byMethod = new Map<string, { method: string; passed: number; failed: number }>()
  for (const r of verification) {
    if (!r.method) continue
    const row = byMethod.get(r.method) ?? { method: r.method, passed: 0, failed: 0 }
    if (r.outcome === 'passed') row.passed += Number(r.n)
    else row.failed += Number(r.n)
    byMethod.set(r.method, row)
  }
  const perAgent = new Map<string, number[]>()
  for (const f of handled) {
    const seconds = (Date.parse(f.closed_at!) - Date.parse(f.created_at)) / 1000
    const list = perAgent.get(f.display_name)
    if (list) list.push(seconds)
    else perAgent.set(f.display_name, [seconds])
  }
  return {
    from: range.from,
    to: range.to,
    resetsPerDay,
    verification: [...byMethod.values()].sort((a, b) => a.method.localeCompare(b.method)),
    limitsPerDay,
    handleTimes: [...perAgent].map(([agentName, s]) => ({ agentName, flows: s.length, medianSeconds: Math.round(median(s)) })).sort((a, b) => a.agentName.localeCompare(b.agentName)),
    approvalsWaiting,
  }
}
