// R2 records and R3's identify step: lists with filters, search, sort and paging; users; processes.
import { sql, type Selectable } from 'kysely'
import { AppError } from '../../../shared/errors'
import { recordCountCap, type OutputOf, type ParsedInputOf } from '../../../shared/ipc/contract'
import type { ProcessOption, RecordSummary, UserSummary } from '../../../shared/domain/types'
import type { RecordsTable } from '../store/schema'
import type { DirectoryUser } from '../credentials/credential-store'
import { containsIgnoringCase } from '../store/like'
import { loadAgent, loadRecord, resetRefusal } from './access'
import type { RuleContext } from './context'
import { loadUser } from './flows'
import { resetUsage } from './limits'
import { maskEmail } from './masking'
import { isEligible, loadProcesses } from './processes'
import { loadEnrolment, summarise } from '../enrolment/enrolment-store'
import type { EnrolmentSummary } from '../../../shared/domain/enrolment'

/** Above this many matches a search term counts as common (see searchPredicate); measured on 100k rows. */
const commonTermMatches = 5_000

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

export async function listRecords(ctx: RuleContext, agentId: string, input: ParsedInputOf<'records:list'>): Promise<OutputOf<'records:list'>> {
  const agent = await loadAgent(ctx, agentId)
  const q = input.q.trim().toLowerCase()
  let query = ctx.store.db.selectFrom('records').where('kind', '=', input.kind).where('active', '=', 1)
  if (input.filter === 'assigned_to_me') query = query.where('assigned_to', '=', agent.id)
  if (input.filter === 'my_groups') {
    if (agent.groups.length === 0) return { rows: [], total: 0, totalCapped: false }
    query = query.where('assignment_group', 'in', agent.groups)
  }
  if (q) query = query.where(await searchPredicate(ctx, q))
  const column = sortColumns[input.sort]
  const [rows, count] = await Promise.all([
    query.selectAll().orderBy(column, input.dir).orderBy('id', input.dir).offset(input.offset).limit(input.limit).execute(),
    ctx.store.db
      .selectFrom(query.select(sql.lit(1).as('one')).limit(recordCountCap + 1).as('capped'))
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow(),
  ])
  const n = Number(count.n)
  return { rows: rows.map(toSummary), total: Math.min(n, recordCountCap), totalCapped: n > recordCountCap }
}

/**
 * Substring search. SQLite: the FTS5 trigram index answers a quoted phrase as a substring match
 * for three or more characters. PostgreSQL: LIKE uses the pg_trgm GIN index. Shorter terms scan.
 */
async function searchPredicate(ctx: RuleContext, q: string) {
  if (ctx.store.dialect === 'sqlite' && [...q].length >= 3) {
    const phrase = `"${q.replaceAll('"', '""')}"`
    // SQLite drives the query from the matches by default: best for a rare term, but a common one
    // (one record in ten) means fetching and sorting thousands of rows. Then the unary plus makes
    // it walk the list's own index and merely probe the matches. The match count is cheap (<1 ms).
    const { n } = await sql<{ n: number }>`select count(*) as n from records_fts where records_fts match ${phrase}`
      .execute(ctx.store.db)
      .then((r) => r.rows[0]!)
    return Number(n) > commonTermMatches
      ? sql<boolean>`+records.rowid in (select rowid from records_fts where records_fts match ${phrase})`
      : sql<boolean>`records.rowid in (select rowid from records_fts where records_fts match ${phrase})`
  }
  return containsIgnoringCase('search_text', q, true)
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
  return {
    record: { ...toSummary(record), description: record.description },
    activity: activity.map((a) => ({ id: a.id, at: a.at, author: a.author, kind: a.kind as 'comment' | 'work_note', text: a.text })),
    canReset: resetRefusal(agent, record) === null,
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
  const eligible = (await loadProcesses(ctx.store.db)).filter((p) => isEligible(p, user))
  if (eligible.length === 0) throw new AppError('NO_PROCESS')
  const now = ctx.now()
  return Promise.all(
    eligible.map(async (process) => {
      const usage = await resetUsage(ctx.store.db, user.id, process, now)
      return { process, usesLeft: usage.left, nextFreeAt: usage.freesAt }
    }),
  )
}
