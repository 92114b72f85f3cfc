// HTTP status for each catalogue error; the body always carries the catalogue entry itself.
import type { ErrorCode } from '../../../shared/errors'

const statusByCode: Partial<Record<ErrorCode, number>> = {
  NOT_SIGNED_IN: 401,
  INVALID_CREDENTIALS: 401,
  API_KEY_INVALID: 401,
  ROLE_MISSING: 403,
  NOT_AN_AGENT: 403,
  NO_DESK_ROLE: 403,
  SIGN_IN_THROTTLED: 429,
  NOT_ASSIGNED: 403,
  FORBIDDEN: 403,
  FORBIDDEN_SENDER: 403,
  DEMO_ONLY: 403,
  RECORD_NOT_FOUND: 404,
  USER_NOT_FOUND: 404,
  UNKNOWN_OPERATION: 404,
  FLOW_HELD: 409,
  FLOW_CLOSED: 409,
  FLOW_NOT_OBSERVABLE: 404,
  REPORT_NOT_FOUND: 404,
  SESSION_EXPIRED: 409,
  INVALID_INPUT: 400,
  RATE_LIMITED: 429,
  TOO_MANY_REQUESTS: 429,
  DIRECTORY_UNAVAILABLE: 503,
  DELIVERY_FAILED: 502,
  DATABASE_UNAVAILABLE: 503,
  OUTCOME_UNKNOWN: 502,
  TECHNICAL: 500,
}

/** Rule refusals not listed above (attempts, policy, enrolment) are 422: understood, refused. */
export function httpStatus(code: ErrorCode): number {
  return statusByCode[code] ?? 422
}
