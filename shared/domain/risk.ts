// B2 risk signals shown at Identify: what the backend found, each with the reason it is shown.
import { z } from 'zod'
import { isoDate, userSummarySchema } from './types'

export const riskSignalKinds = [
  'locked',
  'contact_changed',
  'contact_change_unknown',
  'recent_resets',
  'recent_failed_verifications',
  'not_the_caller',
  'reported_reset',
] as const
export const riskSignalSchema = z.object({
  kind: z.enum(riskSignalKinds),
  /** `warning` asks the agent to take care; `info` only says what is not known. */
  level: z.enum(['warning', 'info']),
  /** The sentence the agent reads: what was found and why it matters. */
  reason: z.string(),
})
export type RiskSignal = z.infer<typeof riskSignalSchema>

/** R3 + B2: the user's card at Identify (who, status, enrolment) with the risk signals. */
export const userRiskSchema = z.object({
  user: userSummarySchema,
  /** The directory asks the user to change the password at next sign-in. */
  mustChange: z.boolean(),
  signals: z.array(riskSignalSchema),
  /** Resets of this user by any agent and any process in the last 24 hours. */
  resetsLast24h: z.number().int(),
  failedVerificationsLast24h: z.number().int(),
  lastReset: isoDate.nullable(),
})
export type UserRisk = z.infer<typeof userRiskSchema>
