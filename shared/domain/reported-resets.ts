// B11 "Notify and contain": a reset its user reported as not theirs (the "this wasn't me" link of
// the after-reset notice), as supervisors see it. Names, times and outcomes only: no contact
// detail, no token. The live view (B5) shows the same report with the user's initials only.
import { z } from 'zod'
import { isoDate } from './types'

/**
 * What re-locking the account in its credential store came to; `pending` while the first try is
 * under way, `retrying` while the store has not answered and the backend tries again (not locked
 * yet). `superseded`: not locked because the user's password was reset again after the report
 * (the user was verified again, and that reset's own rules apply).
 */
export const relockOutcomes = ['locked', 'not_supported', 'failed', 'superseded', 'retrying', 'pending'] as const
/** The outcomes a containment ends in (recorded once, audited and noted). */
export type FinalRelockOutcome = Exclude<RelockOutcome, 'pending' | 'retrying'>
export const relockOutcomeSchema = z.enum(relockOutcomes)
export type RelockOutcome = z.infer<typeof relockOutcomeSchema>

export const reportedResetSchema = z.object({
  id: z.string(),
  recordNumber: z.string().nullable(),
  userDisplayName: z.string(),
  /** The agent who ran the reset; null when the user completed an emailed link themself. */
  agentName: z.string().nullable(),
  processName: z.string(),
  method: z.string().nullable(),
  resetAt: isoDate,
  reportedAt: isoDate,
  relock: relockOutcomeSchema,
  /** ResetDesk sessions of the user (the enrolment page) ended by the report. */
  sessionsRevoked: z.number().int(),
  acknowledgedAt: isoDate.nullable(),
  acknowledgedBy: z.string().nullable(),
})
export type ReportedReset = z.infer<typeof reportedResetSchema>

/** B5: the same report on the live view: initials, not the user's name. */
export const liveReportSchema = z.object({
  id: z.string(),
  recordNumber: z.string().nullable(),
  agentName: z.string().nullable(),
  userInitials: z.string(),
  reportedAt: isoDate,
  relock: relockOutcomeSchema,
})
export type LiveReport = z.infer<typeof liveReportSchema>
