// B1: what the agent's console is told of a supervisor's decision on a protected account's reset.
import { z } from 'zod'
import { isoDate } from './types'

export const approvalDecisionSchema = z.object({
  decision: z.enum(['approved', 'rejected']),
  /** The supervisor's display name. */
  by: z.string(),
  reason: z.string().nullable(),
  at: isoDate,
})
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>
