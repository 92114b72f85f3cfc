// The error catalogue (R8): every failure reaches the agent as one of these entries —
// a stable code, a sentence, and what to do next. Never a stack trace, never a raw message.
import { z } from 'zod'

export const errorCatalogue = {
  NOT_SIGNED_IN: {
    message: 'You are not signed in.',
    next: 'Sign in again to continue.',
  },
  INVALID_CREDENTIALS: {
    message: 'The user name or password is incorrect.',
    next: 'Check your sign-in details and try again.',
  },
  SIGN_IN_THROTTLED: {
    message: 'Too many sign-in attempts from this computer or for this user name.',
    next: 'Wait until the time shown, then try again; if you forgot your password, ask your administrator.',
  },
  NOT_AN_AGENT: {
    message: "Your directory account is not in the desk's agent groups, so it cannot sign in to ResetDesk.",
    next: 'Ask your administrator to add you to one of the agent groups shown.',
  },
  NO_DESK_ROLE: {
    message: 'Your directory account is in no group that grants a ResetDesk role (service desk, administrator or supervisor).',
    next: 'Ask your administrator to add you to one of the role groups shown.',
  },
  NOT_ASSIGNED: {
    message: 'You are not the assignee of this record.',
    next: 'Assign the record to yourself, or ask its assignee to run the reset.',
  },
  ROLE_MISSING: {
    message: 'Your account does not hold a password reset role.',
    next: 'Ask your administrator for password_reset_service_desk or password_reset_admin.',
  },
  FORBIDDEN: {
    message: 'Your role does not allow this action.',
    next: 'Ask a supervisor or administrator to do it.',
  },
  NOT_IN_GROUP: {
    message: 'This record belongs to an assignment group you are not a member of.',
    next: 'Ask a member of that group, or a supervisor, to take it.',
  },
  RECORD_REASSIGNED: {
    message: 'This record was assigned to another agent, so this password reset flow was closed.',
    next: 'Nothing more was changed. Assign the record to yourself to start a new flow.',
  },
  RECORD_NOT_FOUND: {
    message: 'The record was not found.',
    next: 'Refresh the list; the record may have been closed or removed.',
  },
  USER_NOT_FOUND: {
    message: 'The user was not found in the directory.',
    next: 'Search again by name, user name or email address.',
  },
  NOT_ENROLLED: {
    message: 'The user is not enrolled for this verification method.',
    next: 'Choose another verification method.',
  },
  NOT_ELIGIBLE: {
    message: 'The user is not eligible for this password reset process.',
    next: 'Choose another process for this user.',
  },
  NO_PROCESS: {
    message: 'No password reset process applies to this user.',
    next: 'Escalate to an administrator who can reset this account.',
  },
  METHOD_NOT_ALLOWED: {
    message: 'This method is not offered by the chosen process.',
    next: 'Use one of the methods the process lists.',
  },
  RATE_LIMITED: {
    message: "This user's password has been reset the maximum number of times in 24 hours.",
    next: 'Try again after the time shown, or escalate to an administrator.',
  },
  MAX_ATTEMPTS: {
    message: 'The maximum number of verification attempts for this method has been reached.',
    next: 'Use another verification method, or try again after the time shown.',
  },
  CODE_INCORRECT: {
    message: 'The verification code is incorrect.',
    next: 'Ask the caller to read the code again; the attempts left are shown.',
  },
  CODE_EXPIRED: {
    message: 'The verification code has expired or is no longer valid.',
    next: 'Send a new code.',
  },
  MAX_RESENDS: {
    message: 'The maximum number of codes has been sent in this flow.',
    next: 'Use another verification method.',
  },
  RESEND_TOO_SOON: {
    message: 'A code was sent moments ago.',
    next: 'Wait a few seconds before sending another code.',
  },
  SMS_CARRIER_NEEDED: {
    message: 'No SMS provider is configured, so each mobile number needs its carrier.',
    next: "Select the carrier of each of the user's mobile numbers, then send the code.",
  },
  CODE_ALREADY_USED: {
    message: 'This authenticator code has already been used.',
    next: 'Ask the caller to wait for the next code in their app and read it out.',
  },
  ANSWERS_INCORRECT: {
    message: 'One or more answers are incorrect.',
    next: 'Use another verification method, or ask again if attempts are left.',
  },
  PERSONAL_DATA_INCORRECT: {
    message: 'The information given does not match the registered details.',
    next: 'Use another verification method, or ask again if attempts are left.',
  },
  DELIVERY_FAILED: {
    message: 'The message could not be delivered. No attempt was used.',
    next: 'Try again, or use another verification method.',
  },
  NOT_VERIFIED: {
    message: 'The caller has not passed enough verification methods yet.',
    next: 'Complete verification before resetting the password.',
  },
  PASSWORDS_DONT_MATCH: {
    message: 'The two passwords do not match.',
    next: 'Type the new password again in both fields.',
  },
  POLICY_VIOLATED: {
    message: 'The password does not meet the password policy.',
    next: 'Fix each rule listed and try again.',
  },
  DIRECTORY_UNAVAILABLE: {
    message: 'The directory could not be reached. Nothing was changed.',
    next: 'Try again in a moment; if it persists, contact the directory team.',
  },
  FLOW_HELD: {
    message: 'Another session holds a password reset flow for this user.',
    next: 'Wait for the other agent to finish, or ask them to close their flow.',
  },
  FLOW_CLOSED: {
    message: 'This password reset flow has already ended.',
    next: 'Start a new flow from the record.',
  },
  FLOW_NOT_OBSERVABLE: {
    message: 'This flow is not one your groups can observe, or it no longer exists.',
    next: 'Pick a flow from the Live list.',
  },
  SESSION_EXPIRED: {
    message: 'This session has expired.',
    next: 'Start the flow again from the record.',
  },
  APPROVAL_REQUIRED: {
    message: "This is a protected account: a supervisor's approval is required before the reset.",
    next: 'Ask a supervisor to approve this flow from their console, then reset.',
  },
  BACKEND_UNREACHABLE: {
    message: 'The ResetDesk server cannot be reached. Nothing was changed.',
    next: 'Check the network connection; the console reconnects on its own.',
  },
  KEYCHAIN_UNAVAILABLE: {
    message: 'The system keychain is not available, so ResetDesk cannot keep you signed in securely.',
    next: 'Unlock the keychain (or sign in to the desktop again), then retry.',
  },
  DEMO_ONLY: {
    message: 'This is available only on the demo desk.',
    next: 'Use the real mailbox or phone of the user.',
  },
  DESK_ALREADY_SET: {
    message: 'This console is already set up for a desk.',
    next: 'To change it, edit settings.json or connectors.json in the data folder, then restart ResetDesk.',
  },
  SETTINGS_UNWRITABLE: {
    message: 'ResetDesk could not save its settings.',
    next: 'Check that settings.json in the data folder is valid JSON and writable, then try again.',
  },
  DESK_SECRET_INVALID: {
    message: "The desk's keying secret in the system keychain is damaged.",
    next: 'Delete the keychain entry "backend-secret" (service ResetDesk) and restart; codes and links sent before then stop working.',
  },
  PROCESS_NOT_FOUND: {
    message: 'The password reset process was not found.',
    next: 'Refresh the list; another administrator may have deleted it.',
  },
  PROCESS_DISABLED: {
    message: 'This password reset process has been disabled by an administrator.',
    next: 'Choose another process for this user.',
  },
  PROCESS_IN_USE: {
    message: 'This process has been used by reset flows, so it cannot be deleted.',
    next: 'Disable it instead: it is then no longer offered, and its history stays intact.',
  },
  INVALID_INPUT: {
    message: 'Some of the information entered is not valid.',
    next: 'Correct the highlighted fields and try again.',
  },
  UNKNOWN_OPERATION: {
    message: 'The console asked for an operation that does not exist.',
    next: 'Update ResetDesk; if it persists, report it with the reference shown.',
  },
  FORBIDDEN_SENDER: {
    message: 'The request did not come from the ResetDesk console.',
    next: 'Restart ResetDesk.',
  },
  DATABASE_UNAVAILABLE: {
    message: "The desk's database could not be reached.",
    next: 'Try again in a moment; if it persists, tell your administrator.',
  },
  OUTCOME_UNKNOWN: {
    message: 'The password change was sent, but whether the directory applied it could not be confirmed.',
    next: 'Do not retry. A supervisor sees this reset in the unresolved queue, and it is checked again automatically.',
  },
  REPORT_NOT_FOUND: {
    message: 'This reported reset was not found.',
    next: 'Refresh the queue of reported resets.',
  },
  API_KEY_INVALID: {
    message: 'The API key is missing, revoked or not valid for this route.',
    next: 'Ask a ResetDesk administrator for a new integration API key.',
  },
  TOO_MANY_REQUESTS: {
    message: 'Too many requests were made with this API key.',
    next: 'Wait until the time given (Retry-After), then send the request again.',
  },
  TECHNICAL: {
    message: 'A technical error occurred. Nothing was changed.',
    next: 'Try again; if it persists, report it with the reference shown.',
  },
} as const satisfies Record<string, { message: string; next: string }>

export type ErrorCode = keyof typeof errorCatalogue
export const errorCodes = Object.keys(errorCatalogue) as [ErrorCode, ...ErrorCode[]]

export const appErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  next: z.string(),
  details: z.record(z.string(), z.unknown()).default({}),
})
export type AppErrorData = z.infer<typeof appErrorSchema>

/** A catalogue error. Details carry only non-secret facts (attempts left, when a limit frees up). */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details: Record<string, unknown>
  constructor(code: ErrorCode, details: Record<string, unknown> = {}) {
    super(errorCatalogue[code].message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }
  toData(): AppErrorData {
    const entry = errorCatalogue[this.code]
    return { code: this.code, message: entry.message, next: entry.next, details: this.details }
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError
}

/** The wire form of any failure: a catalogue error, or TECHNICAL with a correlation id. */
export function toErrorData(e: unknown, correlationId: string): AppErrorData {
  if (isAppError(e)) return e.toData()
  return new AppError('TECHNICAL', { correlationId }).toData()
}

export type Result<T> = { ok: true; data: T } | { ok: false; error: AppErrorData }
