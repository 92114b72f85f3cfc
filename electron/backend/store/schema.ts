// Table shapes as Kysely sees them. Timestamps are ISO-8601 UTC text and booleans are 0/1
// integers in both dialects, so one set of queries serves SQLite and PostgreSQL alike.

import type { Generated } from 'kysely'

type Bool = number

export interface AgentsTable {
  id: string
  username: string
  display_name: string
  password_hash: string
  roles: string // JSON array of Role
  groups: string // JSON array of assignment group names
}

export interface DirectoryUsersTable {
  id: string
  username: string
  display_name: string
  email: string | null
  mobiles: string // JSON array of phone numbers
  groups: string // JSON array of group names
  department: string | null
  title: string | null
  protected: Bool
  locked_at: string | null
  must_change: Bool
  password_hash: string | null
  password_changed_at: string | null
  contact_changed_at: string | null
}

/** G4: the desk's question catalogue; a question in use is deactivated, never deleted. */
export interface SecurityQuestionsTable {
  id: string
  text: string
  active: Bool
  position: number
  updated_at: string
}

/** G4: a user's enrolled answers, keyed by the directory's stable user id. */
export interface EnrolledAnswersTable {
  id: string
  user_id: string
  question_id: string
  position: number
  /** scrypt of the folded answer with its own salt. */
  answer_hash: string
  enrolled_at: string
}

/** G4: a personal email or mobile the user confirmed by code (one of each per user). */
export interface PersonalContactsTable {
  id: string
  user_id: string
  kind: string // email | mobile
  value: string
  confirmed_at: string
}

/** G4: an authenticator app (RFC 6238); the secret sealed with the backend's key. */
export interface TotpEnrolmentsTable {
  user_id: string
  secret_sealed: string
  enrolled_at: string
  last_step: number
}

/** G4: a pending confirmation on the enrolment page (code hash, or sealed pending TOTP secret). */
export interface EnrolmentChallengesTable {
  id: string
  user_id: string
  kind: string // email | mobile | totp
  target: string | null
  secret: string
  attempts_left: number
  expires_at: string
}

export interface EnrolmentSessionsTable {
  token_hash: string
  user_id: string
  expires_at: string
}

export interface ProcessesTable {
  id: string
  name: string
  config: string // JSON of Process minus id and name
  /** G7: 0 = not offered at Identify and cannot start a flow (its open flows may finish). */
  enabled: Generated<Bool>
}

export interface RecordsTable {
  id: string
  kind: string
  number: string
  short_description: string
  description: string
  caller_id: string | null
  caller_name: string | null
  state: string
  active: Bool
  priority: number | null
  channel: string | null
  assignment_group: string | null
  assigned_to: string | null
  assigned_to_name: string | null
  opened_at: string
  /** Lower-cased number, caller and description, for substring search. */
  search_text: string
}

export interface RecordActivityTable {
  id: string
  record_id: string
  at: string
  author: string
  kind: string
  text: string
}

export interface FlowsTable {
  id: string
  record_id: string
  user_id: string
  process_id: string
  agent_id: string
  state: string
  /** The user's id while the flow is open, null after: a unique index makes R3's "one open flow" race-free. */
  open_user_id: string | null
  created_at: string
  last_activity_at: string
  closed_at: string | null
  close_reason: string | null
  approved_by: string | null
  sends: number
  last_send_at: string | null
}

export interface CodesTable {
  id: string
  flow_id: string
  user_id: string
  method: string
  code_hash: string
  created_at: string
  expires_at: string
  state: string // active | used | void
}

export interface AttemptsTable {
  id: string
  user_id: string
  method: string
  flow_id: string
  agent_id: string
  at: string
  success: Bool
}

export interface ResetsTable {
  id: string
  user_id: string
  process_id: string
  flow_id: string
  agent_id: string
  method: string
  at: string
  status: string // pending | done
}

export interface ResetTokensTable {
  id: string
  token_hash: string
  user_id: string
  flow_id: string
  process_id: string
  created_at: string
  expires_at: string
  used_at: string | null
}

/**
 * B11: the "this wasn't me" link of one reset's after-reset notice (0013_reset_reports): the
 * token only as a keyed hash, single use, expiring. `reported_at` set is the reset's flag, which
 * the supervisor queue and the live view read; the lock's outcome is written after the store answers.
 */
export interface ResetReportsTable {
  id: string
  token_hash: string
  user_id: string
  process_id: string
  flow_id: string
  record_id: string | null
  /** The agent who ran the reset (null for a user's own emailed-link completion). */
  agent_id: string | null
  /** The store the password was changed in: the one to re-lock. */
  credential_store: string
  method: string | null
  /** When the reset was recorded (the notice's time). */
  reset_at: string
  expires_at: string
  reported_at: string | null
  /**
   * locked | not_supported | failed | superseded once recorded; retrying while the credential
   * store has not answered and tries are left; null while the first try is under way.
   */
  lock_outcome: string | null
  sessions_revoked: number | null
  acknowledged_at: string | null
  acknowledged_by: string | null
  /** When a process may take the containment next (a lease's end, or the next try); null once recorded (0017). */
  contain_due_at: string | null
  /** The lease of the process containing the report now. */
  contain_owner: string | null
  /** Re-lock tries the credential store did not answer. */
  contain_tries: Generated<number>
}

export interface AuditTable {
  seq: number
  at: string
  agent_id: string | null
  record_id: string | null
  user_id: string | null
  process_id: string | null
  flow_id: string | null
  action: string
  method: string | null
  outcome: string
  detail: string
  prev_hash: string
  hash: string
}

/** B10: counts per ended day of the audit actions the dashboard shows (0011_live). */
export interface AuditDailyTable {
  day: string
  action: string
  outcome: string
  /** '' where the entry has no method. */
  method: string
  n: number
}

export interface AuditDailyDoneTable {
  day: string
}

/** B10: an ended day's handle times of one agent (0011_live). */
export interface FlowDailyTable {
  day: string
  agent_id: string
  /** JSON array of seconds from flow start to Exit. */
  seconds: string
}

export interface OutboxTable {
  id: string
  at: string
  user_id: string | null
  channel: string
  recipient: string
  subject: string | null
  /** AES-GCM sealed with a key held only in memory: a copied data file reveals no code. */
  body_sealed: string
}

export interface MetaTable {
  key: string
  value: string
}

export interface AgentSessionsTable {
  id: string
  agent_id: string
  created_at: string
  expires_at: string
  revoked_at: string | null
  revoke_reason: string | null
}

export interface SessionTokensTable {
  token_hash: string
  session_id: string
  kind: string // access | refresh
  expires_at: string
  used_at: string | null
}

/** G5: the last number handed out per prefix (INC, IMS). */
export interface RecordNumbersTable {
  prefix: string
  last: number
}

/** F2: a credential-store change in flight or settled (migration 0008_intents). */
export interface IntentsTable {
  id: string
  kind: string // reset | link
  agent_id: string | null
  user_id: string
  process_id: string
  flow_id: string
  record_id: string | null
  /** The R4 reservation (resets row) this change confirms or hands back. */
  reset_id: string | null
  /** The reset link (reset_tokens row) this change spends or gives back. */
  token_id: string | null
  credential_store: string
  method: string
  /** JSON: what to record when applied (audit detail, work note, notice wording). No secret. */
  plan: string
  created_at: string
  /** Until then the process that wrote it is still at work; after it, any sweeper may resolve it. */
  lease_until: string
  status: string // open | applied | not_applied
  /** When the agent was told OUTCOME_UNKNOWN (the supervisor queue). */
  unresolved_at: string | null
  resolved_at: string | null
  resolved_by: string | null
}

export interface ApiKeysTable {
  id: string
  name: string
  prefix: string
  /** SHA-256 of the key: the key itself is shown once and never stored (G5). */
  key_hash: string
  created_at: string
  created_by: string | null
  last_used_at: string | null
  revoked_at: string | null
}

export interface WebhookEndpointsTable {
  id: string
  name: string
  url: string
  events: string // JSON array of WebhookEventType
  active: Bool
  /** Sealed under the backend key: signing needs the secret itself, so it cannot be hashed. */
  secret_sealed: string
  created_at: string
  updated_at: string
}

export interface WebhookDeliveriesTable {
  id: string
  endpoint_id: string
  event_id: string
  event_type: string
  record_number: string | null
  payload: string // JSON WebhookPayload, no secret inside
  state: string // pending | delivered | failed
  attempts: number
  next_attempt_at: string
  /** A worker's claim: until then no other worker (on any replica) attempts this row. */
  lease_until: string | null
  lease_owner: string | null
  last_status: number | null
  last_error: string | null
  created_at: string
  delivered_at: string | null
}

export interface IntegrationRateBucketsTable {
  bucket: string // `${keyId}:${windowStart}`
  count: number
  expires_at: string
}

/**
 * One attempt counted by the attempt throttle (throttle/attempt-throttle.ts): an agent's or an
 * enrolment page user's sign-in try, an enrolment code send, a try on the wasn't-me page.
 * Reserved before the attempt is judged; removed again when it should not count
 * (0014_throttle_attempts).
 */
export interface ThrottleAttemptsTable {
  id: string
  /** throttleKey(): a keyed hash of the scope and the counted value (name, address, user). */
  key: string
  at: string
}

export interface DB {
  intents: IntentsTable
  api_keys: ApiKeysTable
  integration_rate_buckets: IntegrationRateBucketsTable
  webhook_endpoints: WebhookEndpointsTable
  webhook_deliveries: WebhookDeliveriesTable
  agent_sessions: AgentSessionsTable
  session_tokens: SessionTokensTable
  agents: AgentsTable
  directory_users: DirectoryUsersTable
  security_questions: SecurityQuestionsTable
  enrolled_answers: EnrolledAnswersTable
  personal_contacts: PersonalContactsTable
  totp_enrolments: TotpEnrolmentsTable
  enrolment_challenges: EnrolmentChallengesTable
  enrolment_sessions: EnrolmentSessionsTable
  processes: ProcessesTable
  records: RecordsTable
  record_numbers: RecordNumbersTable
  record_activity: RecordActivityTable
  flows: FlowsTable
  codes: CodesTable
  attempts: AttemptsTable
  resets: ResetsTable
  reset_tokens: ResetTokensTable
  audit: AuditTable
  audit_daily: AuditDailyTable
  audit_daily_done: AuditDailyDoneTable
  flow_daily: FlowDailyTable
  outbox: OutboxTable
  meta: MetaTable
  throttle_attempts: ThrottleAttemptsTable
  approval_decisions: ApprovalDecisionsTable
  reset_reports: ResetReportsTable
}

/** B1: a supervisor's decision on a protected account's reset (0012_wizard). */
export interface ApprovalDecisionsTable {
  flow_id: string
  decision: string // approved | rejected
  agent_id: string
  agent_name: string
  reason: string | null
  at: string
}
