// R2 lists: the records a list holds (kind, filter, search), a page of them in the chosen order,
// and how many there are, counted up to a cap. Each page is one statement in the common case:
// what it needs beyond the input (the agent's groups, whether a typed number names a record,
// how common a search term is) is remembered, and an empty answer is checked against the store
// before it is believed.
import { expressionBuilder, sql, type Compilable, type Expression, type SelectQueryBuilder, type Selectable, type SqlBool } from 'kysely'
import { AppError } from '../../../shared/errors'
import { agentSchema, type RecordSummary } from '../../../shared/domain/types'
import { recordCountCap, recordSearchCountCap, type OutputOf, type ParsedInputOf } from '../../../shared/ipc/contract'
import type { DB, RecordsTable } from '../store/schema'
import { executeKept, type Store } from '../store/database'
import { containsIgnoringCase } from '../store/like'
import type { RuleContext } from '../rules/context'

/**
 * The columns a list row shows, named rather than `*`: a page carries no description or search
 * text, and a statement kept prepared keeps its result shape when a migration adds a column.
 */
const summaryColumns = [
  'id',
  'kind',
  'number',
  'short_description',
  'caller_id',
  'caller_name',
  'state',
  'priority',
  'channel',
  'assignment_group',
  'assigned_to',
  'assigned_to_name',
  'opened_at',
] as const satisfies readonly (keyof RecordsTable)[]
type SummaryRow = Pick<Selectable<RecordsTable>, (typeof summaryColumns)[number]>
/** The summary columns as a statement on `records` selects them. */
const summarySelection = summaryColumns.map((c) => `records.${c}` as const)

export function toSummary(r: SummaryRow): RecordSummary {
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

const sortColumns = {
  number: 'number',
  openedAt: 'opened_at',
  priority: 'priority',
  state: 'state',
  callerName: 'caller_name',
} as const

/** Sort columns that may be NULL: their keyset pages run in two segments (see keysetPage). */
const nullableSorts = new Set<keyof typeof sortColumns>(['priority', 'callerName'])

const wholeNumber = /^[a-z]{3}\d{7}$/

type ListScope = Pick<ParsedInputOf<'records:list'>, 'kind' | 'filter' | 'q'>
type RecordsQuery = SelectQueryBuilder<DB, 'records', object>

// ---- What a list remembers between calls, per store --------------------------------------

interface AgentGroups {
  /** agents.groups as stored (JSON): the statement checks that it still reads so. */
  text: string
  list: string[]
}

interface TermCount {
  /**
   * The term's matches: on SQLite in the FTS index, counted up to `probed` (so exact when below
   * it); on PostgreSQL the planner's estimate of its open records (`probed` is Infinity).
   */
  matches: number
  probed: number
  until: number
}

interface ListMemory {
  groups: Map<string, AgentGroups>
  terms: Map<string, TermCount>
  /** How many records a term's matches are weighed against (see recordsSearched). */
  records: { n: number; until: number } | null
}

const memories = new WeakMap<Store, ListMemory>()
const memoryOf = (store: Store) => {
  let m = memories.get(store)
  if (!m) memories.set(store, (m = { groups: new Map(), terms: new Map(), records: null }))
  return m
}

/** Keeps a small map small: the oldest entry goes first. */
function remember<K, V>(map: Map<K, V>, key: K, value: V, max: number) {
  map.delete(key)
  if (map.size >= max) map.delete(map.keys().next().value as K)
  map.set(key, value)
}

async function readGroups(ctx: RuleContext, agentId: string): Promise<AgentGroups> {
  const row = await ctx.store.db.selectFrom('agents').select('groups').where('id', '=', agentId).executeTakeFirst()
  if (!row) throw new AppError('NOT_SIGNED_IN')
  const groups = { text: row.groups, list: agentSchema.shape.groups.parse(JSON.parse(row.groups)) }
  remember(memoryOf(ctx.store).groups, agentId, groups, 1_000)
  return groups
}

// ---- The list's rows ----------------------------------------------------------------------

interface Assumed {
  groups: AgentGroups | null
  /** Whether `groups` was read for this call (else it is remembered and may be stale). */
  groupsFresh: boolean
  /** A whole record number is looked up by number alone, as long as a record has it. */
  byNumber: boolean
}

/** What a list holds, as a condition on `records`, and the search term still to apply (if any). */
interface Rows {
  where: Expression<SqlBool>
  text: string | null
}

/**
 * Runs `run` on the list's rows and returns its answer; an empty answer is confirmed first. It may
 * rest on something assumed: the agent's groups as last read (the statement itself checks they
 * still read so, and finds nothing if not) or that a typed whole number is a record's number
 * (else the term is searched as text). Then the assumption is checked and, if wrong, the list
 * asked again.
 */
async function withRows<R>(
  ctx: RuleContext,
  agentId: string,
  input: ListScope,
  run: (rows: Rows) => Promise<R>,
  isEmpty: (r: R) => boolean,
  empty: R,
): Promise<R> {
  const q = input.q.trim().toLowerCase()
  const remembered = input.filter === 'my_groups' ? (memoryOf(ctx.store).groups.get(agentId) ?? null) : null
  const assumed: Assumed = {
    groups: remembered ?? (input.filter === 'my_groups' ? await readGroups(ctx, agentId) : null),
    groupsFresh: !remembered,
    byNumber: wholeNumber.test(q),
  }
  const eb = expressionBuilder<DB, 'records'>()
  for (;;) {
    if (assumed.groups && assumed.groups.list.length === 0) {
      // No groups, no rows: a remembered empty list is read again first.
      if (assumed.groupsFresh) return empty
      assumed.groups = await readGroups(ctx, agentId)
      assumed.groupsFresh = true
      continue
    }
    // Open records only; `1` as a literal, which lets the planner use the partial list indexes.
    const where = [eb('records.kind', '=', input.kind), eb('records.active', '=', sql.lit(1))]
    if (input.filter === 'assigned_to_me') where.push(eb('records.assigned_to', '=', agentId))
    if (assumed.groups) {
      // The groups as a literal list, which the planner can estimate; valid while the agent's row says so.
      const { text, list } = assumed.groups
      where.push(eb('records.assignment_group', 'in', list))
      where.push(eb.exists(eb.selectFrom('agents').select('agents.id').where('agents.id', '=', agentId).where('agents.groups', '=', text)))
    }
    // R2 search by number: a whole record number is answered by the number's unique index alone.
    if (assumed.byNumber) where.push(eb('records.number', '=', q.toUpperCase()))
    const result = await run({ where: eb.and(where), text: q && !assumed.byNumber ? q : null })
    if (!isEmpty(result)) return result
    let again = false
    if (assumed.groups && !assumed.groupsFresh) {
      const now = await readGroups(ctx, agentId)
      again = now.text !== assumed.groups.text
      assumed.groups = now
      assumed.groupsFresh = true
    }
    if (assumed.byNumber) {
      const named = await ctx.store.db.selectFrom('records').select('id').where('number', '=', q.toUpperCase()).executeTakeFirst()
      if (!named) {
        assumed.byNumber = false
        again = true
      }
    }
    if (!again) return result
  }
}

/**
 * The statement's rows: the list, and the search by its plan (see searchPlan). Driven from the
 * FTS matches on SQLite, they come first in a CROSS JOIN, which SQLite keeps as the outer loop;
 * else its planner may walk a list index and test every row against the matches. On PostgreSQL
 * the matches are the LIKE, which the trigram index answers (see matchesOnly).
 */
function rowsQuery(ctx: RuleContext, rows: Rows, plan: NoSearch | Like | ByMatches): RecordsQuery {
  if (plan.kind === 'matches' && ctx.store.dialect === 'sqlite') {
    const matches = sql<{ rowid: number }>`(select rowid from records_fts where records_fts match ${phraseOf(plan.term)})`.as('matches')
    // Typed as the records alone: nothing but the join reads `matches`.
    return ctx.store.db
      .selectFrom(matches)
      .crossJoin('records')
      .where(sql<boolean>`records.rowid = matches.rowid`)
      .where(rows.where) as unknown as RecordsQuery
  }
  const query = ctx.store.db.selectFrom('records').where(rows.where)
  return plan.kind === 'none' ? query : query.where(containsIgnoringCase('records.search_text', plan.term, true))
}

/**
 * Runs a statement driven from the matches: on PostgreSQL, on the store's search connections,
 * whose planner reads the table through a bitmap only. Left to itself, it may walk a list's index
 * or the table from a point of its own and test each row, betting that a term it expects to be
 * common turns up early; a term whose records cluster elsewhere (a number prefix matches
 * consecutive records) then costs a walk of the whole list (220–440 ms at 1M).
 */
const matchesOnly = <O>(ctx: RuleContext, query: Compilable<O>): Promise<O[]> => ctx.store.searchDb.executeQuery(query).then((r) => r.rows)

export async function listRecords(
  ctx: RuleContext,
  agentId: string,
  input: ParsedInputOf<'records:list'>,
): Promise<OutputOf<'records:list'>> {
  const rows = await withRows(
    ctx,
    agentId,
    input,
    (rows) => page(ctx, rows, input),
    (r) => r.length === 0,
    [] as SummaryRow[],
  )
  return { rows: rows.map(toSummary) }
}

type Narrow = (q: RecordsQuery) => RecordsQuery

async function page(ctx: RuleContext, rows: Rows, input: ParsedInputOf<'records:list'>): Promise<SummaryRow[]> {
  const column = `records.${sortColumns[input.sort]}` as const
  const ordered = <Q extends RecordsQuery>(q: Q) => q.orderBy(column, input.dir).orderBy('records.id', input.dir) as Q
  const after = input.after ?? null
  const offset = after ? 0 : input.offset
  const plan: SearchPlan = await searchPlan(ctx, rows.text, offset + input.limit)
  /** A list's statement is kept prepared; one driven from the matches goes by matchesOnly. */
  const run = <O>(q: Compilable<O>, by: SearchPlan['kind'] = plan.kind): Promise<O[]> =>
    by === 'none' ? executeKept(ctx.store.db, q) : by === 'matches' ? matchesOnly(ctx, q) : ctx.store.db.executeQuery(q).then((r) => r.rows)
  // The limit is a literal (1–200), so a kept statement is planned for it; the offset stays a parameter.
  const select = (q: RecordsQuery, limit: number, by?: SearchPlan['kind']) =>
    run(ordered(q).select(summarySelection).limit(sql.lit(limit)), by)
  /** The first `limit` rows of the list narrowed by `narrow` (a cursor), by the search's plan. */
  const rowsOf = async (narrow: Narrow, limit: number): Promise<SummaryRow[]> => {
    if (plan.kind !== 'walk') return select(narrow(rowsQuery(ctx, rows, plan)), limit)
    const list = narrow(rowsQuery(ctx, rows, none))
    const found = await boundedWalk(ctx, ordered(list), plan, input, limit)
    if (found.length === limit) return found
    // A short page: the list ended within the budget (an agent's own list is often short), and
    // this is all of it; or the walk spent its budget first (the term is rarer in this list than
    // in the store), and the matches answer, at a cost bounded by their number. Which of the two
    // is told by the list's index alone.
    if ((await listUpTo(ctx, list, plan.budget)) < plan.budget) return found
    return select(narrow(rowsQuery(ctx, rows, matchesOf(plan.term))), limit, 'matches')
  }
  if (after) return keysetPage(ctx, input, after, rowsOf)
  // A common term's page further down (the console asks by `after`; another client may jump): the
  // walk, bounded as ever, for every row up to the page's end (at 1M, a jump of 900 for a term in
  // 4% of records: 40–50 ms on SQLite, 75–90 on PostgreSQL; for one whose records cluster at the
  // far end, 75–160 ms, where the store's own plan for the LIKE took 240–450).
  if (offset === 0 || plan.kind === 'walk') return (await rowsOf((q) => q, offset + input.limit)).slice(offset)
  // A list's page further down (a jump; scrolling goes by `after`): the rows to skip are walked in
  // the list's index alone, ids only, and just the page's rows are read.
  const ids = ordered(rowsQuery(ctx, rows, plan))
    .select('records.id')
    .limit(sql.lit(input.limit))
    .offset(offset)
  return run(ordered(ctx.store.db.selectFrom('records').innerJoin(ids.as('page'), 'page.id', 'records.id')).select(summarySelection))
}

/**
 * A common term's page: the list's index walked in order, each row tested, at most `budget` rows
 * (the walk stops as soon as the page is full: a co-routine on SQLite, a pull through a Limit on
 * PostgreSQL). A term common in the store may be rare in this list (another group's word, or a
 * caller whose records are closed): unbounded, the walk would then test the whole list.
 */
function boundedWalk(
  ctx: RuleContext,
  list: RecordsQuery,
  plan: Walk,
  input: ParsedInputOf<'records:list'>,
  limit: number,
): Promise<SummaryRow[]> {
  const walked = list.select([...summarySelection, 'records.search_text']).limit(sql.lit(plan.budget))
  return ctx.store.db
    .selectFrom(walked.as('walked'))
    .select(summaryColumns.map((c) => `walked.${c}` as const))
    .where(containsIgnoringCase('walked.search_text', plan.term, true))
    .orderBy(`walked.${sortColumns[input.sort]}`, input.dir)
    .orderBy('walked.id', input.dir)
    .limit(sql.lit(limit))
    .execute()
}

/**
 * The page after a row already seen (keyset): a seek on the list's (…, column, id) index, as cheap
 * wherever the row is as the first page. A column that may be NULL orders in two segments, its
 * NULLs and its values, each a range of the index: SQLite sorts NULLs lowest and PostgreSQL
 * highest, so which comes first depends on the store and the direction. The page is the rest of
 * the cursor's segment, topped up from the start of the next one; one OR'd condition would
 * instead make the planners walk the index from its start.
 */
async function keysetPage(
  ctx: RuleContext,
  input: ParsedInputOf<'records:list'>,
  after: { value: string | number | null; id: string },
  rowsOf: (narrow: Narrow, limit: number) => Promise<SummaryRow[]>,
): Promise<SummaryRow[]> {
  const column = sql.ref(`records.${sortColumns[input.sort]}`)
  const id = sql.ref('records.id')
  const cmp = sql.raw(input.dir === 'asc' ? '>' : '<')
  const nullable = nullableSorts.has(input.sort)
  const nullsFirst = (ctx.store.dialect === 'sqlite') === (input.dir === 'asc')
  // Row-value comparison: a NULL in the column compares as unknown, so it keeps to the values.
  const rest: Narrow =
    after.value === null
      ? (q) => q.where(sql<boolean>`${column} is null`).where(sql<boolean>`${id} ${cmp} ${after.id}`)
      : (q) => q.where(sql<boolean>`(${column}, ${id}) ${cmp} (${after.value}, ${after.id})`)
  const rows = await rowsOf(rest, input.limit)
  const next =
    !nullable || rows.length === input.limit ? null : after.value === null ? (nullsFirst ? 'values' : null) : nullsFirst ? null : 'nulls'
  if (next === null) return rows
  const following: Narrow = (q) => q.where(sql<boolean>`${column} is ${sql.raw(next === 'nulls' ? 'null' : 'not null')}`)
  // A full page's limit, not what is missing: the statement stays one kept statement, not one per gap.
  return [...rows, ...(await rowsOf(following, input.limit))].slice(0, input.limit)
}

/** R2: the size of a list, counted up to the cap (an exact count of 100k rows costs more than a page). */
export async function countRecords(
  ctx: RuleContext,
  agentId: string,
  input: ParsedInputOf<'records:count'>,
): Promise<OutputOf<'records:count'>> {
  // A search is counted to a lower cap: each match is a row to read, where a list counts in its index.
  const cap = input.q.trim() ? recordSearchCountCap : recordCountCap
  const n = await withRows(
    ctx,
    agentId,
    input,
    (rows) => countUpTo(ctx, rows, cap + 1),
    (n) => n === 0,
    0,
  )
  return { total: Math.min(n, cap), totalCapped: n > cap }
}

/**
 * PostgreSQL's count of a term walks the list only when the term is very common: the walk reads
 * and tests a table row for each row of the list (about 0.7 µs at 1M, the table being larger
 * than PostgreSQL's buffers), where each match costs a bitmap entry (about 0.13 µs), since the
 * count then reads only `upTo` of the rows. Measured at 1M: a term in 4% of the open records
 * counts in 7 ms from its matches; one in 9%, in 8 ms by the walk and 13 ms from its matches.
 */
const countWalkCost = 5

/**
 * The list's rows counted up to `upTo`. SQLite drives from the FTS matches in rowid order: each
 * match is read and tested, and the count stops at `upTo` (an `in (…)` list would collect every
 * match first). PostgreSQL's trigram index builds a bitmap of every match before the first is
 * read, so a common term walks the list instead, bounded as a page's walk is (searchPlan).
 */
async function countUpTo(ctx: RuleContext, rows: Rows, upTo: number): Promise<number> {
  const one = sql<number>`1`.as('one')
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any source: the list, or its walk
  const counted = (ones: SelectQueryBuilder<any, any, { one: number }>) =>
    ctx.store.db.selectFrom(ones.limit(sql.lit(upTo)).as('capped')).select((eb) => eb.fn.countAll().as('n'))
  const n = (result: { n: string | number | bigint }[]) => Number(result[0]!.n)
  if (rows.text === null) return n(await executeKept(ctx.store.db, counted(rowsQuery(ctx, rows, none).select(one))))
  const plan =
    ctx.store.dialect === 'sqlite'
      ? indexAnswers(rows.text)
        ? matchesOf(rows.text)
        : likeOf(rows.text)
      : await searchPlan(ctx, rows.text, upTo, countWalkCost)
  if (plan.kind === 'walk') {
    const list = rowsQuery(ctx, rows, none)
    const walked = ctx.store.db
      .selectFrom(list.select('records.search_text').limit(sql.lit(plan.budget)).as('walked'))
      .where(containsIgnoringCase('walked.search_text', plan.term, true))
      .select(one)
    const found = n(await counted(walked).execute())
    if (found >= upTo || (await listUpTo(ctx, list, plan.budget)) < plan.budget) return found
  }
  if (plan.kind === 'like') return n(await counted(rowsQuery(ctx, rows, plan).select(one)).execute())
  return n(await matchesOnly(ctx, counted(rowsQuery(ctx, rows, matchesOf(rows.text)).select(one))))
}

/** How many rows the list holds, counted up to `upTo` in its index alone. */
async function listUpTo(ctx: RuleContext, list: RecordsQuery, upTo: number): Promise<number> {
  const { n } = await ctx.store.db
    .selectFrom(list.select('records.id').limit(sql.lit(upTo)).as('listed'))
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow()
  return Number(n)
}

// ---- Search ---------------------------------------------------------------------------------

type ByMatches = { kind: 'matches'; term: string }
/** A common term: walk the list in order, testing each row, at most `budget` rows. */
type Walk = { kind: 'walk'; term: string; budget: number }
type NoSearch = { kind: 'none' }
type Like = { kind: 'like'; term: string }
type SearchPlan = NoSearch | Like | ByMatches | Walk
const none: NoSearch = { kind: 'none' }
const likeOf = (term: string): Like => ({ kind: 'like', term })
const matchesOf = (term: string): ByMatches => ({ kind: 'matches', term })
/** SQLite's FTS5 trigram index answers a quoted phrase as a substring match. */
const phraseOf = (term: string) => `"${term.replaceAll('"', '""')}"`
/** Both stores' trigram indexes answer a term from three characters; a shorter one is scanned. */
const indexAnswers = (term: string) => [...term].length >= 3

/** For how long a term's count serves: both plans give the same rows, a stale count only costs time. */
const termCountMs = 60_000

/**
 * Substring search, by one of two plans. Driving from the matches (the trigram index) costs a
 * read per match, M of them, and a sort; walking the list's own index in sort order and testing
 * each row costs about rows·N/M to find the first `rows` matches among N records. The walk wins
 * when M > K = √(rows·N), weighed by what testing a row costs against reading a match
 * (`walkCost`). So M is found first: on SQLite counted in the FTS index up to K, which costs at
 * most what the cheaper plan would; on PostgreSQL as the planner estimates it (its statistics
 * sample the search text), since a trigram match must be read from the table to be counted.
 *
 * The walk's bet is that the term is spread along the list. A term may cluster instead (a number
 * prefix matches consecutive records, a word may belong to closed records or another group), so
 * the walk is bounded: twice the rows it expects to test, then the matches answer (boundedWalk).
 * A search so costs at most a little more than the cheaper plan would, whatever the data.
 * Neither store's planner is left the choice: each would bet on a walk without a bound.
 */
async function searchPlan(ctx: RuleContext, term: string | null, rows: number, walkCost = 1): Promise<SearchPlan> {
  if (term === null) return none
  if (!indexAnswers(term)) return likeOf(term)
  const records = Math.max(await recordsSearched(ctx), 1)
  const walkFrom = Math.ceil(Math.sqrt(walkCost * rows * records))
  const { matches } = await termCount(ctx, term, walkFrom)
  if (matches < walkFrom) return matchesOf(term)
  const expected = (rows * records) / Math.max(matches, 1)
  return { kind: 'walk', term, budget: Math.ceil(2 * Math.min(expected, walkFrom)) }
}

/**
 * The term's matches, counted (SQLite) up to `bound`, or estimated (PostgreSQL), and kept a
 * minute: a kept count serves while it is either exact or already past what this page needs.
 */
async function termCount(ctx: RuleContext, term: string, bound: number): Promise<TermCount> {
  const terms = memoryOf(ctx.store).terms
  const now = performance.now()
  const kept = terms.get(term)
  if (kept && kept.until > now && (kept.matches < kept.probed || kept.matches >= bound)) return kept
  const counted =
    ctx.store.dialect === 'sqlite'
      ? { matches: await countedInFts(ctx, term, bound), probed: bound }
      : {
          matches: await plannedRows(ctx, openRecords(ctx).where(containsIgnoringCase('records.search_text', term, true))),
          probed: Infinity,
        }
  const entry = { ...counted, until: now + termCountMs }
  remember(terms, term, entry, 512)
  return entry
}

const countedInFts = (ctx: RuleContext, term: string, bound: number) =>
  sql<{ n: number }>`select count(*) as n from (select rowid from records_fts where records_fts match ${phraseOf(term)} limit ${bound})`
    .execute(ctx.store.db)
    .then((r) => Number(r.rows[0]!.n))

/**
 * How many records a term's matches are weighed against, kept as long as a term's count (one
 * read for every term, not one per term). SQLite: the highest rowid (its FTS index holds every
 * record). PostgreSQL: the open records, as the planner estimates them (a search finds open
 * records only, and the trigram index holds only those).
 */
async function recordsSearched(ctx: RuleContext): Promise<number> {
  const memory = memoryOf(ctx.store)
  const now = performance.now()
  if (memory.records && memory.records.until > now) return memory.records.n
  const n =
    ctx.store.dialect === 'sqlite'
      ? await sql<{ n: number | null }>`select max(rowid) as n from records`.execute(ctx.store.db).then((r) => Number(r.rows[0]!.n ?? 0))
      : await plannedRows(ctx, openRecords(ctx))
  memory.records = { n, until: now + termCountMs }
  return n
}

const openRecords = (ctx: RuleContext) => ctx.store.db.selectFrom('records').select('records.id').where('records.active', '=', sql.lit(1))

async function plannedRows(ctx: RuleContext, query: Compilable<unknown>): Promise<number> {
  const compiled = query.compile()
  const { rows } = await ctx.store.db.executeQuery<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>({
    ...compiled,
    sql: `explain (format json) ${compiled.sql}`,
  })
  return rows[0]!['QUERY PLAN'][0].Plan['Plan Rows']
}
