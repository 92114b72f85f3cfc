// Words for what the live view and the dashboard show (the audit's action names are internal).
import type { LiveStep } from '../../../../shared/domain/live'
import type { RelockOutcome } from '../../../../shared/domain/reported-resets'

export const stepLabels: Record<LiveStep, string> = {
  verifying: 'Verifying',
  verified: 'Verified',
  awaiting_approval: 'Awaiting approval',
  reset: 'Password reset',
}

export const methodNames: Record<string, string> = {
  email_code: 'Email code',
  sms_code: 'SMS code',
  security_questions: 'Security questions',
  personal_data_verify: 'Personal data',
  personal_data_confirm: 'Email confirmation',
  totp_code: 'Authenticator app',
  email_link: 'Email with instructions',
  generate: 'Auto-generated',
  manual: 'Manual',
}
export const methodName = (m: string | null) => (m ? (methodNames[m] ?? m) : '')

const actionLabels: Record<string, string> = {
  'flow.start': 'Flow started',
  'verify.send': 'Code sent',
  'verify.check': 'Verification',
  'flow.approve': 'Approved by a supervisor',
  reset: 'Reset',
  'reset.done': 'Reset completed',
  'reset.failed': 'Reset failed',
  'reset.notice': 'User notified',
  'reset.reported': "User reported: \u201cthis wasn't me\u201d",
  'reset.contain': 'Account contained',
  'reset.contain_retry': 'Re-lock tried, store did not answer',
  'reset.report_ack': 'Report acknowledged',
  'reset.link_completed': 'User set a new password',
  'flow.close': 'Flow closed',
  'flow.closed': 'Flow closed',
  'flow.expire': 'Flow expired',
}
export const actionLabel = (a: string) => actionLabels[a] ?? a

const outcomeLabels: Record<string, string> = {
  passed: 'passed',
  failed: 'failed',
  failed_closed: 'failed, method closed',
  sent: 'sent',
  done: 'done',
  rate_limited: 'refused: limit reached',
  exit: 'closed by the agent',
  approved: 'approved',
  expired: 'expired',
  reported: 'reported',
  locked: 'account re-locked',
  not_supported: 'store cannot lock',
  superseded: 'not locked: reset again after the report',
  acknowledged: 'acknowledged',
}
export const outcomeLabel = (o: string) => outcomeLabels[o] ?? o.replace(/_/g, ' ')

/** B11: what re-locking an account after a "this wasn't me" report came to. */
export const relockLabels: Record<RelockOutcome, string> = {
  locked: 'Re-locked',
  not_supported: 'Not locked: the credential store cannot lock accounts',
  failed: 'Not locked: the credential store did not answer; lock it by hand',
  superseded: 'Not locked: the password was reset again after the report',
  retrying: 'Not locked yet: the credential store did not answer; trying again',
  pending: 'Locking…',
}

/** "1 min 05 s" style durations for time in step and handle time. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`
}
