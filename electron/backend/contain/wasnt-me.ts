// B11 "Notify and contain": every after-reset notice carries one "this wasn't me" link for its
// reset. Its token is 256 random bits kept only as a keyed hash (as R6.1's reset links), works
// once and expires (desk setting, default 7 days). Following it and confirming (wasnt-me-page.ts)
// flags the reset, re-locks the account where its credential store can lock, ends ResetDesk's own
// sessions of the user (the enrolment page), writes a work note on the reset's record and tells
// the supervisors (their queue and the live view read the flag). Unknown, used and expired links
// get one answer, and tries are throttled per client address.
import { randomUUID } from 'node:crypto'
import { loadDeskSettings } from '../admin/desk-settings'
import type { DeskSettings } from '../../../shared/domain/desk-settings'
import { keyedHash, randomToken } from '../crypto/secrets'
import { appendAudit, type AuditEvent } from '../audit/audit-chain'
import { addMs, errorFacts, hours, minutes, type RuleContext } from '../rules/context'
import { reserveAttempt, throttleKey } from '../throttle/attempt-throttle'
import { containReport, newLease, reportAudit } from './containment'

export { REPORT_AUTHOR } from './containment'

export const WASNT_ME_THROTTLE = {
  /** Tries per client address inside the window; the next is refused until the oldest leaves it. */
  limit: 10,
  windowMs: minutes(15),
}

/** The page lives under the reset-link page's path, so whatever serves (or proxies) one serves both. */
export function wasntMeLinkBase(resetLinkBase: string): string {
  return `${resetLinkBase.replace(/\/+$/, '')}/wasnt-me`
}

/**
 * A new link for one reset, or null when none could be made (the notice then goes without it:
 * the reset happened and the user must still be told). The token is in the URL fragment, which
 * browsers send to no server and in no Referer.
 */
export async function wasntMeLinkFor(
  ctx: RuleContext,
  userId: string,
  reset: Pick<AuditEvent, 'agentId' | 'recordId' | 'processId' | 'flowId' | 'method'>,
  credentialStore: string,
  /** The desk's settings, when the caller read them in this request. */
  knownSettings?: DeskSettings,
): Promise<{ link: string; daysValid: number } | null> {
  if (!reset.processId || !reset.flowId) return null
  try {
    const db = ctx.store.db
    const [settings, flow] = await Promise.all([
      knownSettings ?? loadDeskSettings(db),
      // A user's own completion of an emailed link has no record of its own: its flow's is it.
      reset.recordId ? null : db.selectFrom('flows').select('record_id').where('id', '=', reset.flowId).executeTakeFirst(),
    ])
    const token = randomToken()
    const now = ctx.now()
    await db
      .insertInto('reset_reports')
      .values({
        id: randomUUID(),
        token_hash: keyedHash(ctx.keys.codes, token),
        user_id: userId,
        process_id: reset.processId,
        flow_id: reset.flowId,
        record_id: reset.recordId ?? flow?.record_id ?? null,
        agent_id: reset.agentId ?? null,
        credential_store: credentialStore,
        method: reset.method ?? null,
        reset_at: now.toISOString(),
        expires_at: addMs(now, hours(24 * settings.wasntMeLinkDays)).toISOString(),
        reported_at: null,
        lock_outcome: null,
        sessions_revoked: null,
        acknowledged_at: null,
        acknowledged_by: null,
        contain_due_at: null,
        contain_owner: null,
      })
      .execute()
    return { link: `${wasntMeLinkBase(ctx.resetLinkBase)}#token=${token}`, daysValid: settings.wasntMeLinkDays }
  } catch (e) {
    ctx.log.error('wasnt_me_link_failed', { flowId: reset.flowId, ...errorFacts(e) })
    return null
  }
}

export type WasntMeAnswer = 'reported' | 'invalid' | 'throttled'

/** Takes one try for the address (a keyed hash of it), or refuses when the window is full. */
async function takeTry(ctx: RuleContext, address: string): Promise<boolean> {
  return (await reserveAttempt(ctx, [{ key: throttleKey(ctx, 'wasnt-me address', address), ...WASNT_ME_THROTTLE }])).ok
}

/**
 * The user confirmed "this wasn't me" on the page. The token is claimed and the reset flagged in
 * one transaction (a second use, concurrent or later, finds it claimed), which also gives this
 * request the containment's lease; then the account is contained (containment.ts). Whatever
 * stops that half-way (the process dies, the database fails) leaves the lease to run out, and a
 * sweeper contains the report. Every refusal is the same 'invalid' (S5).
 */
export async function reportWasntMe(ctx: RuleContext, token: string, address: string): Promise<WasntMeAnswer> {
  if (!(await takeTry(ctx, address))) return 'throttled'
  const now = ctx.now()
  const nowIso = now.toISOString()
  const tokenHash = keyedHash(ctx.keys.codes, token)
  const lease = newLease(ctx, now)
  const claimed = await ctx.store.db.transaction().execute(async (trx) => {
    const row = await trx.selectFrom('reset_reports').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst()
    if (!row || row.reported_at !== null || row.expires_at <= nowIso) return null
    const won = await trx
      .updateTable('reset_reports')
      .set({ reported_at: nowIso, ...lease })
      .where('id', '=', row.id)
      .where('reported_at', 'is', null)
      .executeTakeFirst()
    if (Number(won.numUpdatedRows) !== 1) return null
    await appendAudit(ctx, trx, now, {
      ...reportAudit(row),
      action: 'reset.reported',
      outcome: 'reported',
      detail: { reportId: row.id, resetAt: row.reset_at },
    })
    return { ...row, reported_at: nowIso, ...lease }
  })
  if (!claimed) return 'invalid'
  // B5: supervisors' live views see the flag now, before the directory is asked.
  ctx.live?.published()
  try {
    await containReport(ctx, claimed, lease.contain_owner)
  } catch (e) {
    // The reset is flagged whatever happens next: supervisors see it with its lock outcome
    // pending, the user is told it is reported, which it is, and a sweeper contains it once
    // this request's lease has run out.
    ctx.log.error('wasnt_me_contain_failed', { reportId: claimed.id, ...errorFacts(e) })
  }
  return 'reported'
}
