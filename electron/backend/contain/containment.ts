// B11 containment, retried until it is recorded (F1-F3: nothing lost, nothing misreported). A
// report is contained by one process at a time: the one that took its lease (contain_owner, with
// contain_due_at as the lease's end) by a conditional update — the request that claimed the
// token, or, once that lease has run out (the process died, the database failed mid-way), a
// sweeper on any replica. Containing re-locks the account where its store can, ends the user's
// enrolment-page sessions, and records the outcome with its audit entry and work note once: the
// recording is conditional on still holding the lease, so a holder that outlived its lease
// records nothing. A re-lock the credential store did not answer is tried again with backoff
// (supervisors see "not locked yet") before the final "lock it by hand".
import { randomUUID } from 'node:crypto'
import { sql, type Selectable, type Transaction, type Updateable } from 'kysely'
import { appendAudit, type AuditEvent } from '../audit/audit-chain'
import { addMs, errorFacts, minutes, type RuleContext } from '../rules/context'
import { addWorkNote } from '../records/work-notes'
import type { DB, ResetReportsTable } from '../store/schema'
import type { FinalRelockOutcome } from '../../../shared/domain/reported-resets'

export type ReportRow = Selectable<ResetReportsTable>

/** The work notes' author: the user acted, through ResetDesk. */
export const REPORT_AUTHOR = 'ResetDesk (user report)'

/**
 * The wait after each re-lock try the credential store did not answer, before the next. Six tries
 * in all over about 18 minutes: long enough to ride out a directory restart or a domain
 * controller failing over, short enough that an account a user says was taken over is handed to
 * a person ("lock it by hand") while the report is fresh. Supervisors see "not locked yet" from
 * the first failed try, so nobody waits on the backend to act. The sweeper's round (30 s by
 * default) is the granularity. A constant, not a desk setting: it is how long a directory outage
 * is waited out, which is no policy an admin weighs.
 */
export const CONTAIN_RETRY_DELAYS_MS = [30_000, minutes(1), minutes(2), minutes(5), minutes(10)] as const
export const CONTAIN_MAX_TRIES = CONTAIN_RETRY_DELAYS_MS.length + 1

/**
 * How long a process keeps a report's containment to itself: the intents' lease, which is kept
 * above the credential store's timeout (a live holder is never overtaken mid-lock).
 */
export const containLeaseMs = (ctx: RuleContext) => (ctx.intentLeaseSeconds ?? 120) * 1000

export const reportAudit = (row: ReportRow): Omit<AuditEvent, 'action' | 'outcome'> => ({
  agentId: null,
  recordId: row.record_id,
  userId: row.user_id,
  processId: row.process_id,
  flowId: row.flow_id,
  method: row.method,
})

/** The lease a claiming request writes with the report's flag: the fields to set in that update. */
export function newLease(ctx: RuleContext, now: Date): { contain_due_at: string; contain_owner: string } {
  return { contain_due_at: addMs(now, containLeaseMs(ctx)).toISOString(), contain_owner: randomUUID() }
}

/**
 * Takes a due report's containment for this process: only if it is still as read (due, not taken
 * or rescheduled meanwhile). Returns the lease, or null when another process has it.
 */
async function takeContainment(ctx: RuleContext, row: ReportRow): Promise<string | null> {
  const lease = newLease(ctx, ctx.now())
  const taken = await ctx.store.db
    .updateTable('reset_reports')
    .set(lease)
    .where('id', '=', row.id)
    .where('contain_due_at', '=', row.contain_due_at)
    .executeTakeFirst()
  return Number(taken.numUpdatedRows) === 1 ? lease.contain_owner : null
}

/** Records only while `owner` still holds the report's lease and nothing is recorded yet. */
async function holdsLease(trx: Transaction<DB>, row: ReportRow, owner: string, set: Updateable<ResetReportsTable>): Promise<boolean> {
  const held = await trx
    .updateTable('reset_reports')
    .set(set)
    .where('id', '=', row.id)
    .where('contain_owner', '=', owner)
    .where('contain_due_at', 'is not', null)
    .executeTakeFirst()
  return Number(held.numUpdatedRows) === 1
}

/**
 * Whoever reset the password may have signed in to the enrolment page with it to enrol their own
 * phone: those sessions end, and confirmations under way with them. Returns the report's total.
 */
async function endSessions(trx: Transaction<DB>, row: ReportRow): Promise<number> {
  const ended = await trx.deleteFrom('enrolment_sessions').where('user_id', '=', row.user_id).executeTakeFirst()
  await trx.deleteFrom('enrolment_challenges').where('user_id', '=', row.user_id).execute()
  const now = Number(ended.numDeletedRows)
  const updated = await trx
    .updateTable('reset_reports')
    .set({ sessions_revoked: sql<number>`coalesce(sessions_revoked, 0) + ${now}` })
    .where('id', '=', row.id)
    .returning('sessions_revoked')
    .executeTakeFirstOrThrow()
  return Number(updated.sessions_revoked)
}

/**
 * A reset of the user done after the report: the user was verified again (called in, most
 * likely), and that reset's own rules (R6's unlock) hold. Locking now would lock the user out
 * of the password they were just given; the report stays for the supervisor to follow up.
 */
async function resetAfterReport(ctx: RuleContext, row: ReportRow): Promise<Date | null> {
  const later = await ctx.store.db
    .selectFrom('audit')
    .select('at')
    .where('user_id', '=', row.user_id)
    .where('action', 'in', ['reset', 'reset.link_completed'])
    .where('outcome', '=', 'done')
    .where('at', '>', row.reported_at!)
    .orderBy('seq')
    .limit(1)
    .executeTakeFirst()
  return later ? new Date(later.at) : null
}

export type ContainResult = 'recorded' | 'retrying' | 'lost'

/**
 * One try at containing a report whose lease `owner` holds. Records the outcome (audit, work
 * note, lock_outcome) once, or schedules the next try when the store did not answer and tries
 * are left. 'lost': the lease was taken over meanwhile; the new holder records. Throws when the
 * database fails: the lease then runs out and a sweeper tries again.
 */
export async function containReport(ctx: RuleContext, row: ReportRow, owner: string): Promise<ContainResult> {
  const thisTry = row.contain_tries + 1
  const store = ctx.credentialStores[row.credential_store]
  const resetAgainAt = await resetAfterReport(ctx, row)
  let relock: FinalRelockOutcome | 'retrying'
  if (resetAgainAt) {
    relock = 'superseded'
  } else if (!store?.lock) {
    relock = 'not_supported'
  } else {
    try {
      await store.lock(row.user_id)
      relock = 'locked'
    } catch (e) {
      relock = thisTry < CONTAIN_MAX_TRIES ? 'retrying' : 'failed'
      ctx.log.error('wasnt_me_lock_failed', { reportId: row.id, try: thisTry, of: CONTAIN_MAX_TRIES, ...errorFacts(e) })
    }
  }
  const now = ctx.now()
  const result = await ctx.store.db.transaction().execute(async (trx): Promise<ContainResult> => {
    if (relock === 'retrying') {
      const nextTryAt = addMs(now, CONTAIN_RETRY_DELAYS_MS[thisTry - 1]!).toISOString()
      const set = { lock_outcome: 'retrying', contain_tries: thisTry, contain_due_at: nextTryAt, contain_owner: null }
      if (!(await holdsLease(trx, row, owner, set))) return 'lost'
      // The sessions end now: they need no directory.
      const sessionsRevoked = await endSessions(trx, row)
      await appendAudit(ctx, trx, now, {
        ...reportAudit(row),
        action: 'reset.contain_retry',
        outcome: 'failed',
        detail: { reportId: row.id, try: thisTry, of: CONTAIN_MAX_TRIES, nextTryAt, sessionsRevoked },
      })
      return 'retrying'
    }
    const unanswered = relock === 'failed' ? thisTry : row.contain_tries
    const set = { lock_outcome: relock, contain_tries: unanswered, contain_due_at: null, contain_owner: null }
    if (!(await holdsLease(trx, row, owner, set))) return 'lost'
    const sessionsRevoked = await endSessions(trx, row)
    const reportedAt = new Date(row.reported_at!)
    await appendAudit(ctx, trx, now, {
      ...reportAudit(row),
      action: 'reset.contain',
      outcome: relock,
      detail: {
        reportId: row.id,
        reportedAt: row.reported_at,
        credentialStore: row.credential_store,
        sessionsRevoked,
        ...(unanswered > 0 ? { unansweredTries: unanswered } : {}),
        ...(resetAgainAt ? { resetAgainAt: resetAgainAt.toISOString() } : {}),
      },
    })
    if (row.record_id)
      await addWorkNote(
        ctx,
        trx,
        row.record_id,
        REPORT_AUTHOR,
        reportNote(reportedAt, relock, sessionsRevoked, row.credential_store, { unansweredTries: unanswered, resetAgainAt }),
      )
    return 'recorded'
  })
  // B5: supervisors' views look again once it is committed.
  if (result !== 'lost') ctx.live?.published()
  return result
}

export interface ContainSweep {
  /** Reports whose outcome this round recorded. */
  contained: number
  /** Re-lock tries the store did not answer this round, with another scheduled. */
  retrying: number
}

/**
 * The sweeper's share of B11: every report whose containment is due (its holder's lease ran out,
 * or its next re-lock try is due) is taken, one process at a time, and tried.
 */
export async function sweepReportedResets(ctx: RuleContext): Promise<ContainSweep> {
  const sweep: ContainSweep = { contained: 0, retrying: 0 }
  const due = await ctx.store.db
    .selectFrom('reset_reports')
    .selectAll()
    .where('contain_due_at', '<=', ctx.now().toISOString())
    .orderBy('contain_due_at')
    .limit(100)
    .execute()
  for (const row of due) {
    const owner = await takeContainment(ctx, row)
    if (!owner) continue
    try {
      const result = await containReport(ctx, row, owner)
      if (result === 'recorded') sweep.contained++
      else if (result === 'retrying') sweep.retrying++
    } catch (e) {
      // Its lease runs out and a later round tries again; the other reports go on.
      ctx.log.error('wasnt_me_contain_failed', { reportId: row.id, by: 'sweeper', ...errorFacts(e) })
    }
  }
  return sweep
}

const utc = (d: Date) => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`

export function reportNote(
  at: Date,
  relock: FinalRelockOutcome,
  sessionsRevoked: number,
  credentialStore: string,
  facts: { unansweredTries?: number; resetAgainAt?: Date | null } = {},
): string {
  const tries = facts.unansweredTries ?? 0
  const outcome =
    relock === 'locked'
      ? 'account re-locked.'
      : relock === 'not_supported'
        ? `the account was not re-locked: its credential store ("${credentialStore}") cannot lock accounts. Lock it in the directory by hand.`
        : relock === 'superseded'
          ? `the account was not re-locked: the user's password was reset again after the report${facts.resetAgainAt ? `, at ${utc(facts.resetAgainAt)}` : ''}. Make sure that reset was the user's.`
          : `re-locking the account failed (the credential store did not answer${tries > 1 ? ` ${tries} tries` : ''}). Lock it in the directory by hand.`
  const sessions = sessionsRevoked > 0 ? ` Enrolment-page sessions ended: ${sessionsRevoked}.` : ''
  return `The user reported this reset as not theirs at ${utc(at)}; ${outcome}${sessions}`
}
