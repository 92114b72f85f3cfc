// B2: risk signals at Identify. The rules are one pure function over facts the backend gathers
// (unit-tested without a store); the query below reads those facts in three indexed look-ups.
import type { RiskSignal, UserRisk } from '../../../shared/domain/risk'
import type { DirectoryUser } from '../credentials/credential-store'
import { loadAgent, loadRecord, loadUser } from '../rules/access'
import { addMs, hours, type RuleContext } from '../rules/context'
import { toUserSummary } from '../rules/records'
import { loadEnrolment, summarise } from '../enrolment/enrolment-store'

export const CONTACT_CHANGE_DAYS = 7
export const RECENT_HOURS = 24
/** B11: a reset the user reported as not theirs stays a signal this long. */
export const REPORTED_DAYS = 30

export interface RiskFacts {
  locked: boolean
  /** The latest change of the user's contact details, or null when none is recorded. */
  contactChangedAt: string | null
  /** False where the store keeps no change time (LDAP without an accesslog): the signal is unknown. */
  contactChangesKnown: boolean
  /** Times of resets of this user in the last 24 hours, by any agent. */
  recentResets: string[]
  recentFailedVerifications: number
  /** The record's caller as a directory id (null when the record names none or an unmatched one). */
  recordCallerId: string | null
  userId: string
  /** B11: the latest reset of this user they reported as not theirs ("this wasn't me"), if any. */
  reportedResetAt?: string | null
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

export function riskSignals(facts: RiskFacts, now: Date): RiskSignal[] {
  const signals: RiskSignal[] = []
  if (facts.locked) {
    signals.push({
      kind: 'locked',
      level: 'warning',
      reason: 'The account is locked: someone may have been guessing the password. Ask the caller what happened before resetting.',
    })
  }
  if (!facts.contactChangesKnown && facts.contactChangedAt === null) {
    signals.push({
      kind: 'contact_change_unknown',
      level: 'info',
      reason: `Unknown whether the contact details changed in the last ${CONTACT_CHANGE_DAYS} days: the directory keeps no change time.`,
    })
  } else if (
    facts.contactChangedAt !== null &&
    new Date(facts.contactChangedAt).getTime() > addMs(now, -CONTACT_CHANGE_DAYS * hours(24)).getTime()
  ) {
    signals.push({
      kind: 'contact_changed',
      level: 'warning',
      reason: `Contact details changed in the last ${CONTACT_CHANGE_DAYS} days: a code may go to an address an attacker added.`,
    })
  }
  if (facts.recentResets.length > 0) {
    signals.push({
      kind: 'recent_resets',
      level: 'warning',
      reason: `${plural(facts.recentResets.length, 'reset', 'resets')} of this password in the last ${RECENT_HOURS} hours, by any agent.`,
    })
  }
  if (facts.recentFailedVerifications > 0) {
    signals.push({
      kind: 'recent_failed_verifications',
      level: 'warning',
      reason: `${plural(facts.recentFailedVerifications, 'failed verification', 'failed verifications')} of this user in the last ${RECENT_HOURS} hours, by any agent.`,
    })
  }
  if (facts.reportedResetAt && new Date(facts.reportedResetAt).getTime() > addMs(now, -REPORTED_DAYS * hours(24)).getTime()) {
    signals.push({
      kind: 'reported_reset',
      level: 'warning',
      reason: `The user reported a reset of this password as not theirs in the last ${REPORTED_DAYS} days: someone may be posing as them. Verify with care and tell a supervisor.`,
    })
  }
  if (facts.recordCallerId !== null && facts.recordCallerId !== facts.userId) {
    signals.push({
      kind: 'not_the_caller',
      level: 'warning',
      reason: "This user is not the record's caller: make sure the caller may act for them.",
    })
  }
  return signals
}

/** The latest of the directory's change time and the enrolled contacts' confirmation times. */
function latest(...times: (string | null | undefined)[]): string | null {
  const known = times.filter((t): t is string => !!t).sort()
  return known.at(-1) ?? null
}

export async function userRisk(ctx: RuleContext, agentId: string, input: { userId: string; recordId: string }): Promise<UserRisk> {
  await loadAgent(ctx, agentId)
  const user: DirectoryUser = await loadUser(ctx, input.userId)
  const record = await loadRecord(ctx, input.recordId)
  const now = ctx.now()
  const since = addMs(now, -hours(RECENT_HOURS)).toISOString()
  const db = ctx.store.db
  const [resets, failed, contact, enrolment, reported] = await Promise.all([
    // Confirmed resets only: a reservation that was handed back (F3) changed nothing.
    db
      .selectFrom('resets')
      .select('at')
      .where('user_id', '=', user.id)
      .where('at', '>', since)
      .where('status', '=', 'done')
      .orderBy('at')
      .execute(),
    db
      .selectFrom('attempts')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', user.id)
      .where('success', '=', 0)
      .where('at', '>', since)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('personal_contacts')
      .select((eb) => eb.fn.max('confirmed_at').as('at'))
      .where('user_id', '=', user.id)
      .executeTakeFirst(),
    loadEnrolment(db, user),
    db
      .selectFrom('reset_reports')
      .select((eb) => eb.fn.max('reported_at').as('at'))
      .where('user_id', '=', user.id)
      .where('reported_at', 'is not', null)
      .executeTakeFirst(),
  ])
  const facts: RiskFacts = {
    locked: user.locked,
    contactChangedAt: latest(user.contactChangedAt, contact?.at as string | null | undefined),
    contactChangesKnown: user.contactChangesKnown !== false,
    recentResets: resets.map((r) => r.at),
    recentFailedVerifications: Number(failed.n),
    recordCallerId: record.caller_id,
    userId: user.id,
    reportedResetAt: (reported?.at as string | null | undefined) ?? null,
  }
  return {
    user: toUserSummary(user, summarise(enrolment)),
    mustChange: user.mustChange,
    signals: riskSignals(facts, now),
    resetsLast24h: resets.length,
    failedVerificationsLast24h: facts.recentFailedVerifications,
    lastReset: resets.at(-1)?.at ?? null,
  }
}
