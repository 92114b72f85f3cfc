// B10 supervisor dashboard: counts over the audit (the one record of what happened) and handle
// times over the flows table, for whole UTC days. Ended days are rolled up once (audit_daily,
// flow_daily) since an append-only log never changes them; yesterday and today are read from the
// audit on its (action, at, outcome, method) index and from flows on their closed_at index, so a
// range costs its number of days, not its number of rows (bench/dashboard-bench.ts measures it).
import { sql } from 'kysely'
import type { Dashboard } from '../../../shared/domain/live'
import { loadAgent, requireRole } from '../rules/access'
import { addMs, minutes, type RuleContext } from '../rules/context'
import { loadProcesses } from '../rules/processes'

const dayMs = 86_400_000

/** Every UTC day from `from` to `to` inclusive, as YYYY-MM-DD. */
export function daysOf(from: string, to: string): string[] {
  const days: string[] = []
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += dayMs)
    days.push(new Date(t).toISOString().slice(0, 10))
  return days
}

export function median(values: number[]): number {
  if (values.length === 0) return 0
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The audit actions the dashboard counts (resets, verification checks, sign-ins). */
const countedActions = ['reset', 'verify.check', 'session.sign_in']
export interface DayCount {
  day: string
  action: string
  outcome: string
  method: string
  n: number
}

/**
 * Counts of the counted actions per day, outcome and method. A day that has ended (before
 * yesterday, UTC, so a late commit or a replica's clock cannot still add to it) never changes
 * again in an append-only log: it is counted once into `audit_daily` and read from there, so a
 * range costs its number of days, not its number of audit rows. Yesterday and today are counted
 * from the audit itself, on the (action, at, outcome, method) index.
 */
/** The range's ended days (read from the rollups) and its open ones (read from the source). */
function splitDays(ctx: RuleContext, from: string, to: string) {
  const settledBefore = new Date(ctx.now().getTime() - dayMs).toISOString().slice(0, 10)
  return { settled: daysOf(from, to).filter((d) => d < settledBefore), live: daysOf(from, to).filter((d) => d >= settledBefore) }
}

async function dayCounts(ctx: RuleContext, from: string, to: string): Promise<DayCount[]> {
  const db = ctx.store.db
  const { settled, live } = splitDays(ctx, from, to)
  const [rolled, fresh] = await Promise.all([
    settled.length
      ? db
          .selectFrom('audit_daily')
          .select(['day', 'action', 'outcome', 'method', 'n'])
          .where('day', '>=', settled[0]!)
          .where('day', '<=', settled.at(-1)!)
          .execute()
      : [],
    live.length ? countAudit(ctx, live[0]!, live.at(-1)!) : [],
  ])
  return [...rolled, ...fresh].map((r) => ({ ...r, n: Number(r.n) }))
}

/** Counts straight from the audit for whole days `from` to `to` (ISO strings compare as times). */
function countAudit(ctx: RuleContext, from: string, to: string) {
  // The day as written in SQL, not bound: PostgreSQL must see the select's and the group by's
  // expressions as the same one, and two sets of parameters would make them differ.
  const day = sql<string>`substr(at, 1, 10)`
  return ctx.store.db
    .selectFrom('audit')
    .select((eb) => [
      day.as('day'),
      'action',
      'outcome',
      eb.fn.coalesce('method', sql<string>`''`).as('method'),
      eb.fn.countAll<number>().as('n'),
    ])
    .where('action', 'in', countedActions)
    .where('at', '>=', `${from}T00:00:00.000Z`)
    .where('at', '<', new Date(Date.parse(`${to}T00:00:00Z`) + dayMs).toISOString())
    .groupBy([day, 'action', 'outcome', 'method'])
    .execute()
}

/** The flows agents closed (R7 Exit) on whole days `from` to `to`; expired and cancelled flows are not calls handled. */
function closedFlows(ctx: RuleContext, from: string, to: string) {
  return ctx.store.db
    .selectFrom('flows')
    .select(['agent_id', 'created_at', 'closed_at'])
    .where('closed_at', '>=', `${from}T00:00:00.000Z`)
    .where('closed_at', '<', new Date(Date.parse(`${to}T00:00:00Z`) + dayMs).toISOString())
    .where('close_reason', '=', 'exit')
    .execute()
}
const durationSeconds = (f: { created_at: string; closed_at: string | null }) =>
  (Date.parse(f.closed_at!) - Date.parse(f.created_at)) / 1000

/** Counts the ended days not counted yet into audit_daily (replicas racing insert the same rows once). */
async function settleDays(ctx: RuleContext, days: string[]): Promise<void> {
  const db = ctx.store.db
  const done = new Set(
    (await db.selectFrom('audit_daily_done').select('day').where('day', '>=', days[0]!).where('day', '<=', days.at(-1)!).execute()).map(
      (r) => r.day,
    ),
  )
  const missing = days.filter((d) => !done.has(d))
  if (missing.length === 0) return
  const wanted = new Set(missing)
  const rows = (await countAudit(ctx, missing[0]!, missing.at(-1)!)).filter((r) => wanted.has(r.day)).map((r) => ({ ...r, n: Number(r.n) }))
  // Handle times are kept whole (a median does not add up): each ended day's durations per agent.
  const perDayAgent = new Map<string, { day: string; agent_id: string; seconds: number[] }>()
  for (const f of await closedFlows(ctx, missing[0]!, missing.at(-1)!)) {
    const day = f.closed_at!.slice(0, 10)
    if (!wanted.has(day)) continue
    const key = `${day} ${f.agent_id}`
    const entry = perDayAgent.get(key) ?? { day, agent_id: f.agent_id, seconds: [] }
    entry.seconds.push(durationSeconds(f))
    perDayAgent.set(key, entry)
  }
  const durations = [...perDayAgent.values()].map((e) => ({ day: e.day, agent_id: e.agent_id, seconds: JSON.stringify(e.seconds) }))
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < durations.length; i += 1000) {
      await trx
        .insertInto('flow_daily')
        .values(durations.slice(i, i + 1000))
        .onConflict((oc) => oc.columns(['day', 'agent_id']).doNothing())
        .execute()
    }
    for (let i = 0; i < rows.length; i += 1000) {
      await trx
        .insertInto('audit_daily')
        .values(rows.slice(i, i + 1000))
        .onConflict((oc) => oc.columns(['day', 'action', 'outcome', 'method']).doNothing())
        .execute()
    }
    for (let i = 0; i < missing.length; i += 1000) {
      await trx
        .insertInto('audit_daily_done')
        .values(missing.slice(i, i + 1000).map((day) => ({ day })))
        .onConflict((oc) => oc.column('day').doNothing())
        .execute()
    }
  })
}

/** The dashboard's queries, each on its own so the bench can time them one by one. */
export function dashboardQueries(ctx: RuleContext, from: string, to: string) {
  const db = ctx.store.db
  // The range's ended days are rolled up once, whichever query asks first.
  let settling: Promise<void> | null = null
  const settle = () => {
    const { settled } = splitDays(ctx, from, to)
    return (settling ??= settled.length ? settleDays(ctx, settled) : Promise.resolve())
  }
  return {
    dayCounts: async () => {
      await settle()
      return dayCounts(ctx, from, to)
    },
    /** Durations in seconds per agent: ended days from flow_daily, the open ones from flows. */
    handleTimes: async () => {
      await settle()
      const { settled, live } = splitDays(ctx, from, to)
      const [rolled, fresh] = await Promise.all([
        settled.length
          ? db
              .selectFrom('flow_daily')
              .select(['agent_id', 'seconds'])
              .where('day', '>=', settled[0]!)
              .where('day', '<=', settled.at(-1)!)
              .execute()
          : [],
        live.length ? closedFlows(ctx, live[0]!, live.at(-1)!) : [],
      ])
      const perAgent = new Map<string, number[]>()
      const add = (agentId: string, seconds: number[]) => {
        const list = perAgent.get(agentId)
        if (list) list.push(...seconds)
        else perAgent.set(agentId, [...seconds])
      }
      for (const r of rolled) add(r.agent_id, JSON.parse(r.seconds) as number[])
      for (const f of fresh) add(f.agent_id, [durationSeconds(f)])
      const ids = [...perAgent.keys()]
      // The few agents' names are read apart, not joined per flow.
      const names = new Map(
        ids.length
          ? (await db.selectFrom('agents').select(['id', 'display_name']).where('id', 'in', ids).execute()).map((a) => [
              a.id,
              a.display_name,
            ])
          : [],
      )
      return [...perAgent].map(([agentId, seconds]) => ({ agentName: names.get(agentId) ?? agentId, seconds }))
    },
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
  const [counts, handled, approvalsWaiting] = await Promise.all([q.dayCounts(), q.handleTimes(), q.approvalsWaiting()])
  const days = daysOf(range.from, range.to)
  const resetsPerDay = days.map((day) => ({ day, email_link: 0, generate: 0, manual: 0 }))
  const limitsPerDay = days.map((day) => ({ day, rateLimited: 0, lockouts: 0, signInThrottled: 0 }))
  const byMethod = new Map<string, { method: string; passed: number; failed: number }>()
  for (const c of counts) {
    const i = days.indexOf(c.day)
    if (i < 0) continue
    if (c.action === 'reset') {
      if (c.outcome === 'rate_limited') limitsPerDay[i]!.rateLimited += c.n
      else if (c.outcome === 'done' && (c.method === 'email_link' || c.method === 'generate' || c.method === 'manual'))
        resetsPerDay[i]![c.method] += c.n
    } else if (c.action === 'verify.check' && c.method) {
      if (c.outcome === 'failed_closed') limitsPerDay[i]!.lockouts += c.n
      const row = byMethod.get(c.method) ?? { method: c.method, passed: 0, failed: 0 }
      if (c.outcome === 'passed') row.passed += c.n
      else row.failed += c.n
      byMethod.set(c.method, row)
    } else if (c.action === 'session.sign_in' && c.outcome === 'throttled') limitsPerDay[i]!.signInThrottled += c.n
  }
  return {
    from: range.from,
    to: range.to,
    resetsPerDay,
    verification: [...byMethod.values()].sort((a, b) => a.method.localeCompare(b.method)),
    limitsPerDay,
    handleTimes: handled
      .map(({ agentName, seconds }) => ({ agentName, flows: seconds.length, medianSeconds: Math.round(median(seconds)) }))
      .sort((a, b) => a.agentName.localeCompare(b.agentName)),
    approvalsWaiting,
  }
}
