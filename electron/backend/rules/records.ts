// R2 records and R3's identify step: lists with filters, search, sort and paging; users; processes.
import { sql, type Selectable } from 'kysely'
import { AppError } from '../../../shared/errors'
import { recordCountCap, type OutputOf, type ParsedInputOf } from '../../../shared/ipc/contract'
import type { Activity, ProcessOption, RecordSummary, UserSummary } from '../../../shared/domain/types'
import type { RecordsTable } from '../store/schema'
import type { DirectoryUser } from '../credentials/credential-store'
import { containsIgnoringCase } from '../store/like'
import { loadAgent, loadRecord, loadUser, resetRefusal } from './access'
import { assignRefusal } from '../records/assign'
import { resolveCaller } from '../records/caller'
import type { RuleContext } from './context'
import { resetUsage } from './limits'
import { maskEmail } from './masking'
import { isEligible, loadProcesses } from './processes'
import { loadEnrolment, summarise } from '../enrolment/enrolment-store'
import type { EnrolmentSummary } from '../../../shared/domain/enrolment'

/** Above this many matches a search term counts as common (see searchPredicate). */
const commonTermMatches = 2_000

const sortColumns = {
  number: 'number',
  openedAt: 'opened_at',
  priority: 'priority',
  state: 'state',
  callerName: 'caller_name',
} as const

function toSummary(r: Selectable<RecordsTable>): RecordSummary {
  return {
    id: r.id,
    kind: r.kind as RecordSummary['kind'],
    number: r.number,
    shortDescription: r.short_description,
    callerId: r.caller_id,
    callerName: r.caller_name,
    state: r.state,
    priority: r.priority,
    channel: r.channel,
    assignmentGroup: r.assignment_group,
    assignedToId: r.assigned_to,
    assignedToName: r.assigned_to_name,
    openedAt: r.opened_at,
  }
}

type ListScope = Pick<ParsedInputOf<'records:list'>, 'kind' | 'filter' | 'q'>

/**
 * The rows a list holds (kind, filter, search), before sort and paging. Only "my groups" reads the
 * agent (their groups, as a literal list the planner can estimate); the other filters need no
 * more than the signed-in id, so their page is one statement.
 */
async function scopedQuery(ctx: RuleContext, agentId: string, input: ListScope, purpose: 'page' | 'count') {
  const q = input.q.trim().toLowerCase()
  let query = ctx.store.db.selectFrom('records').where('kind', '=', input.kind).where('active', '=', 1)
  if (input.filter === 'assigned_to_me') query = query.where('assigned_to', '=', agentId)
  if (input.filter === 'my_groups') {
    const { groups } = await loadAgent(ctx, agentId)
    if (groups.length === 0) return null
    query = query.where('assignment_group', 'in', groups)
  }
  if (!q) return query
  // A whole record number is answered by the unique index alone (R2 search by number).
  if (wholeNumber.test(q)) {
    const hit = await ctx.store.db.selectFrom('records').select('id').where('number', '=', q.toUpperCase()).executeTakeFirst()
    if (hit) return query.where('id', '=', hit.id)
  }
  return query.where(await searchPredicate(ctx, q, purpose))
}

const wholeNumber = /^[a-z]{3}\d{7}$/

/** Sorts whose column is never null and leads an index: pages after the first are seeks. */
const keysetSorts = new Set(['openedAt', 'number'])

export async function listRecords(ctx: RuleContext, agentId: string, input: ParsedInputOf<'records:list'>): Promise<OutputOf<'records:list'>> {
  let query = await scopedQuery(ctx, agentId, input, 'page')
  if (!query) return { rows: [] }
  const column = sortColumns[input.sort]
  const after = input.after && keysetSorts.has(input.sort) && input.after.value !== null ? input.after : null
  if (after) {
    // Row-value comparison: both dialects walk the (…, column, id) index from the last row seen.
    const cmp = input.dir === 'asc' ? sql.raw('>') : sql.raw('<')
    query = query.where(sql<boolean>`(${sql.ref(column)}, ${sql.ref('id')}) ${cmp} (${after.value}, ${after.id})`)
  }
  const rows = await query
    .selectAll()
    .orderBy(column, input.dir)
    .orderBy('id', input.dir)
    .offset(after ? 0 : input.offset)
    .limit(input.limit)
    .execute()
  return { rows: rows.map(toSummary) }
}

/** R2: the size of a list, counted up to the cap (an exact count of 100k rows costs more than a page). */
export async function countRecords(ctx: RuleContext, agentId: string, input: ParsedInputOf<'records:count'>): Promise<OutputOf<'records:count'>> {
  const query = await scopedQuery(ctx, agentId, input, 'count')
  if (!query) return { total: 0, totalCapped: false }
  const count = await ctx.store.db
    .selectFrom(query.select(sql.lit(1).as('one')).limit(recordCountCap + 1).as('capped'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow()
  const n = Number(count.n)
  return { total: Math.min(n, recordCountCap), totalCapped: n > recordCountCap }
}

/**
 * Substring search. SQLite: the FTS5 trigram index answers a quoted phrase as a substring match
 * for three or more characters; PostgreSQL: LIKE uses the pg_trgm GIN index, and its planner
 * weighs the index against walking the list in order by itself. Shorter terms scan.
 *
 * SQLite drives the query from the matches, which suits a rare term; for a page of a common one
 * (more than `commonTermMatches`, counted with a cap) it walks the list's own index in sort order
 * and tests each row's search_text until the page is full — cost follows 1 / selectivity, the
 * same at 100k rows as at 1M, instead of fetching and sorting every match. A count always goes by
 * the matches: it has to see them all anyway, up to the cap.
 */
async function searchPredicate(ctx: RuleContext, q: string, purpose: 'page' | 'count') {
  const like = containsIgnoringCase('search_text', q, true)
  if (ctx.store.dialect !== 'sqlite' || [...q].length < 3) return like
  const phrase = `"${q.replaceAll('"', '""')}"`
  const byMatches = sql<boolean>`records.rowid in (select rowid from records_fts where records_fts match ${phrase})`
  if (purpose === 'count') return byMatches
  const { n } = await sql<{ n: number }>`select count(*) as n from (select rowid from records_fts where records_fts match ${phrase} limit ${commonTermMatches + 1})`
    .execute(ctx.store.db)
    .then((r) => r.rows[0]!)
  return Number(n) > commonTermMatches ? like : byMatches
}

export async function getRecord(ctx: RuleContext, agentId: string, recordId: string): Promise<OutputOf<'records:get'>> {
  const agent = await loadAgent(ctx, agentId)
  const record = await loadRecord(ctx, recordId)
  const activity = await ctx.store.db
    .selectFrom('record_activity')
    .selectAll()
    .where('record_id', '=', recordId)
    .orderBy('at', 'desc')
    .limit(200)
    .execute()
  const refusal = resetRefusal(agent, record)
  return {
    record: { ...toSummary(record), description: record.description },
    activity: activity.map((a) => ({ id: a.id, at: a.at, author: a.author, kind: a.kind as Activity['kind'], text: a.text })),
    canReset: refusal === null,
    resetRefusal: refusal ? (refusal.code as 'NOT_ASSIGNED' | 'ROLE_MISSING') : null,
    canAssignToMe: record.assigned_to !== agent.id && assignRefusal(agent, record) === null,
    caller: await resolveCaller(ctx, record),
  }
}

export function toUserSummary(u: DirectoryUser, enrolment: EnrolmentSummary): UserSummary {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    department: u.department,
    emailMasked: maskEmail(u.email),
    locked: u.locked,
    protected: u.protected,
    enrolment,
  }
}

export async function searchUsers(ctx: RuleContext, agentId: string, input: { q: string; limit: number }): Promise<UserSummary[]> {
  await loadAgent(ctx, agentId)
  const users = await ctx.directory.search(input.q, input.limit)
  // G4: Identify shows what each user is enrolled in.
  return Promise.all(users.map(async (u) => toUserSummary(u, summarise(await loadEnrolment(ctx.store.db, u)))))
}

/** G4: what Identify shows of the user's enrolment. */
export async function userEnrolment(ctx: RuleContext, agentId: string, userId: string): Promise<EnrolmentSummary> {
  await loadAgent(ctx, agentId)
  return summarise(await loadEnrolment(ctx.store.db, await loadUser(ctx, userId)))
}

/** R3 + R4: the processes that apply to the user, each with its uses left today. */
export async function processesForUser(ctx: RuleContext, agentId: string, userId: string): Promise<ProcessOption[]> {
  await loadAgent(ctx, agentId)
  const user = await loadUser(ctx, userId)
  // G7: a disabled process is not offered; read on every call, so a change shows at once.
  const eligible = (await loadProcesses(ctx.store.db, { enabledOnly: true })).filter((p) => isEligible(p, user))
  if (eligible.length === 0) throw new AppError('NO_PROCESS')
  const now = ctx.now()
  return Promise.all(
    eligible.map(async (process) => {
      const usage = await resetUsage(ctx.store.db, user.id, process, now)
      return { process, usesLeft: usage.left, nextFreeAt: usage.freesAt }
    }),
  )
}
