// R9 for people: the audit log's readable labels and the filters of `audit:search`.
import { z } from 'zod'
import { auditEntrySchema } from './types'

/** Readable labels for the actions the backend writes; an unknown action shows as written. */
export const auditActionLabels: Record<string, string> = {
  'session.sign_in': 'Sign-in',
  'session.sign_out': 'Sign-out',
  'session.revoke': 'Session revoked',
  'flow.start': 'Reset started',
  'flow.close': 'Reset closed',
  'flow.expire': 'Reset expired (idle)',
  'flow.approve': 'Reset approved',
  'flow.reject': 'Reset rejected',
  'verify.send': 'Verification code sent',
  'verify.check': 'Identity check',
  reset: 'Password reset',
  'reset.link_completed': 'Password set from emailed link',
  'reset.notice': 'User notified of reset',
  'reset.reported': "User reported the reset: \u201cthis wasn't me\u201d",
  'reset.contain': 'Account contained after a report',
  'reset.report_ack': 'Reported reset acknowledged',
  'record.assign': 'Record taken',
  'record.create': 'Interaction created',
  'audit.export': 'Audit log exported',
  'enrolment.questions': 'Security questions enrolled',
  'admin.questions.save': 'Question catalogue saved',
  'admin.settings.save': 'Desk settings saved',
  'admin.processes.create': 'Process created',
  'admin.processes.update': 'Process changed',
  'admin.processes.delete': 'Process deleted',
  'admin.processes.enable': 'Process enabled',
  'admin.processes.disable': 'Process disabled',
  'integration.record.get': 'ITSM read a record',
  'integration.record.put': 'ITSM wrote a record',
}

export function auditActionLabel(action: string): string {
  return auditActionLabels[action] ?? action
}

/** "failed_closed" → "Failed closed". */
export function auditOutcomeLabel(outcome: string): string {
  const words = outcome.replaceAll('_', ' ')
  return words.charAt(0).toUpperCase() + words.slice(1)
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .regex(/^[^\p{Cc}]*$/u, 'one line of text')
/** A calendar day (YYYY-MM-DD): 2026-02-30 is no day, and would fail in the store as an invalid date. */
const day = z.iso.date('a date as YYYY-MM-DD').max(10)

export const auditSearchInputSchema = z
  .object({
    offset: z.number().int().min(0).max(1_000_000).default(0),
    limit: z.number().int().min(1).max(200).default(50),
    /** Part of an agent's name or user name. */
    agent: text(100).optional(),
    /** Part of a user's name, user name or email, as the directory search finds it. */
    user: text(100).optional(),
    action: text(64).optional(),
    /** A record number, exactly (INC0010004). */
    record: text(32).optional(),
    /** Inclusive days, in UTC. */
    from: day.optional(),
    to: day.optional(),
  })
  .strict()
export type AuditSearchInput = z.infer<typeof auditSearchInputSchema>

export const auditRowSchema = auditEntrySchema.extend({
  agentName: z.string().nullable(),
  userName: z.string().nullable(),
  recordNumber: z.string().nullable(),
  processName: z.string().nullable(),
})
export type AuditRow = z.infer<typeof auditRowSchema>
