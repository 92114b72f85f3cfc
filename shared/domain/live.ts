// B5 live observe and B10 dashboard: what a supervisor's console receives. Nothing here can hold
// a secret or a contact detail: users appear by initials, steps by name, counts by number.
import { z } from 'zod'
import { liveReportSchema } from './reported-resets'

export const liveStepSchema = z.enum(['verifying', 'verified', 'awaiting_approval', 'reset'])
export type LiveStep = z.infer<typeof liveStepSchema>

export const liveFlowSchema = z.object({
  flowId: z.string(),
  recordNumber: z.string(),
  agentName: z.string(),
  /** Initials only (B5: no name, email or phone of the user crosses to the observer). */
  userInitials: z.string(),
  processName: z.string(),
  step: liveStepSchema,
  methodsPassed: z.array(z.string()),
  methodsFailed: z.array(z.string()),
  /** When the flow entered its current step (ISO); the console counts the time in step from it. */
  stepSince: z.string(),
})
export type LiveFlow = z.infer<typeof liveFlowSchema>

/** One audited step of a followed flow: what happened, never its detail (which may hold masks). */
export const liveEventSchema = z.object({
  seq: z.number().int(),
  at: z.string(),
  action: z.string(),
  method: z.string().nullable(),
  outcome: z.string(),
})

export const liveSnapshotSchema = z.object({
  /** The audit sequence this snapshot reflects; the next call asks for anything after it. */
  seq: z.number().int(),
  at: z.string(),
  flows: z.array(liveFlowSchema),
  followed: z
    .object({
      flowId: z.string(),
      recordNumber: z.string(),
      open: z.boolean(),
      step: liveStepSchema.nullable(),
      events: z.array(liveEventSchema),
    })
    .nullable(),
  /** B11: resets their users reported as not theirs that no supervisor has acknowledged yet, newest first. */
  reports: z.array(liveReportSchema),
})
export type LiveSnapshot = z.infer<typeof liveSnapshotSchema>

const count = z.number().int().min(0)
export const dashboardSchema = z.object({
  from: z.string(),
  to: z.string(),
  /** One row per UTC day in the range, zeros included, so charts and CSV line up. */
  resetsPerDay: z.array(z.object({ day: z.string(), email_link: count, generate: count, manual: count })),
  verification: z.array(z.object({ method: z.string(), passed: count, failed: count })),
  limitsPerDay: z.array(z.object({ day: z.string(), rateLimited: count, lockouts: count, signInThrottled: count })),
  handleTimes: z.array(z.object({ agentName: z.string(), flows: count, medianSeconds: z.number() })),
  approvalsWaiting: count,
})
export type Dashboard = z.infer<typeof dashboardSchema>
