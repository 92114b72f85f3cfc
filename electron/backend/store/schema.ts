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

export interface SecurityAnswersTable {
  id: string
  user_id: string
  position: number
  question: string
  answer_hash: string
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

export interface DB {
  agent_sessions: AgentSessionsTable
  session_tokens: SessionTokensTable
  agents: AgentsTable
  directory_users: DirectoryUsersTable
  security_answers: SecurityAnswersTable
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
  outbox: OutboxTable
  meta: MetaTable
}
