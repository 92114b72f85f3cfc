// One migration set for both dialects. Only portable types are used (text, integer), so the
// same queries run on SQLite and PostgreSQL; dialect-only extras take the `dialect` argument.
import { sql, type Kysely, type Migration } from 'kysely'
import type { Dialect } from './database'

export function migrations(dialect: Dialect): Record<string, Migration> {
  return {
    '0001_initial': {
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('agents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('roles', 'text', (c) => c.notNull())
          .addColumn('groups', 'text', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('directory_users')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('username', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('email', 'text')
          .addColumn('mobiles', 'text', (c) => c.notNull())
          .addColumn('groups', 'text', (c) => c.notNull())
          .addColumn('department', 'text')
          .addColumn('title', 'text')
          .addColumn('protected', 'integer', (c) => c.notNull())
          .addColumn('locked_at', 'text')
          .addColumn('must_change', 'integer', (c) => c.notNull())
          .addColumn('password_hash', 'text')
          .addColumn('password_changed_at', 'text')
          .addColumn('contact_changed_at', 'text')
          .execute()

        await db.schema
          .createTable('security_answers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull().references('directory_users.id'))
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('question', 'text', (c) => c.notNull())
          .addColumn('answer_hash', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('security_answers_user').on('security_answers').column('user_id').execute()

        await db.schema
          .createTable('processes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('config', 'text', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('records')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('number', 'text', (c) => c.notNull().unique())
          .addColumn('short_description', 'text', (c) => c.notNull())
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('caller_id', 'text')
          .addColumn('caller_name', 'text')
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('priority', 'integer')
          .addColumn('channel', 'text')
          .addColumn('assignment_group', 'text')
          .addColumn('assigned_to', 'text')
          .addColumn('assigned_to_name', 'text')
          .addColumn('opened_at', 'text', (c) => c.notNull())
          .addColumn('search_text', 'text', (c) => c.notNull())
          .execute()
        // The list filters of R2, each ending in the default sort (opened_at, id) so a first
        // page is an index range scan with no sort; numbers have their own unique index.
        await db.schema
          .createIndex('records_kind_assignee')
          .on('records')
          .columns(['kind', 'assigned_to', 'active', 'opened_at', 'id'])
          .execute()
        await db.schema
          .createIndex('records_kind_group')
          .on('records')
          .columns(['kind', 'assignment_group', 'active', 'opened_at', 'id'])
          .execute()
        await db.schema.createIndex('records_kind_active').on('records').columns(['kind', 'active', 'opened_at', 'id']).execute()
        await db.schema.createIndex('records_kind_active_number').on('records').columns(['kind', 'active', 'number']).execute()
        // Substring search over number, caller and text through a trigram index in each dialect.
        if (dialect === 'postgres') {
          await sql`create extension if not exists pg_trgm`.execute(db)
          await sql`create index records_search_trgm on records using gin (search_text gin_trgm_ops)`.execute(db)
        } else {
          await sql`create virtual table records_fts using fts5(search_text, content='records', content_rowid='rowid', tokenize='trigram')`.execute(
            db,
          )
          await sql`create trigger records_fts_insert after insert on records begin
            insert into records_fts(rowid, search_text) values (new.rowid, new.search_text); end`.execute(db)
          await sql`create trigger records_fts_delete after delete on records begin
            insert into records_fts(records_fts, rowid, search_text) values ('delete', old.rowid, old.search_text); end`.execute(db)
          await sql`create trigger records_fts_update after update of search_text on records begin
            insert into records_fts(records_fts, rowid, search_text) values ('delete', old.rowid, old.search_text);
            insert into records_fts(rowid, search_text) values (new.rowid, new.search_text); end`.execute(db)
        }

        await db.schema
          .createTable('record_activity')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('record_id', 'text', (c) => c.notNull().references('records.id'))
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('author', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('text', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('record_activity_record').on('record_activity').columns(['record_id', 'at']).execute()

        await db.schema
          .createTable('flows')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('record_id', 'text', (c) => c.notNull().references('records.id'))
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('process_id', 'text', (c) => c.notNull().references('processes.id'))
          .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('open_user_id', 'text', (c) => c.unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('last_activity_at', 'text', (c) => c.notNull())
          .addColumn('closed_at', 'text')
          .addColumn('close_reason', 'text')
          .addColumn('approved_by', 'text')
          .addColumn('sends', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('last_send_at', 'text')
          .execute()

        await db.schema
          .createTable('codes')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('flow_id', 'text', (c) => c.notNull().references('flows.id'))
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('code_hash', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('codes_flow').on('codes').columns(['flow_id', 'method', 'state']).execute()

        await db.schema
          .createTable('attempts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('flow_id', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('success', 'integer', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('attempts_user_method').on('attempts').columns(['user_id', 'method', 'at']).execute()

        await db.schema
          .createTable('resets')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('process_id', 'text', (c) => c.notNull())
          .addColumn('flow_id', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text', (c) => c.notNull())
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('resets_user_process').on('resets').columns(['user_id', 'process_id', 'at']).execute()

        await db.schema
          .createTable('reset_tokens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('flow_id', 'text', (c) => c.notNull())
          .addColumn('process_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute()

        await db.schema
          .createTable('audit')
          .addColumn('seq', 'integer', (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text')
          .addColumn('record_id', 'text')
          .addColumn('user_id', 'text')
          .addColumn('process_id', 'text')
          .addColumn('flow_id', 'text')
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('method', 'text')
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('detail', 'text', (c) => c.notNull())
          .addColumn('prev_hash', 'text', (c) => c.notNull())
          .addColumn('hash', 'text', (c) => c.notNull())
          .execute()

        await db.schema
          .createTable('outbox')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('at', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text')
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('recipient', 'text', (c) => c.notNull())
          .addColumn('subject', 'text')
          .addColumn('body_sealed', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('outbox_user').on('outbox').columns(['user_id', 'at']).execute()

        await db.schema
          .createTable('meta')
          .addColumn('key', 'text', (c) => c.primaryKey())
          .addColumn('value', 'text', (c) => c.notNull())
          .execute()
      },
    },
    '0002_agent_sessions': {
      // The standalone server's agent sessions (S3/S4): a short-lived access token and a rotating
      // refresh token per session, stored as SHA-256 hashes; reuse of a spent refresh token
      // revokes the whole session.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('agent_sessions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('revoked_at', 'text')
          .addColumn('revoke_reason', 'text')
          .execute()
        await db.schema
          .createTable('session_tokens')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('session_id', 'text', (c) => c.notNull().references('agent_sessions.id'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('used_at', 'text')
          .execute()
        await db.schema.createIndex('session_tokens_session').on('session_tokens').column('session_id').execute()
      },
    },
    '0004_enrolment': {
      // G4: enrolment keyed by the directory's stable user id (opaque: entryUUID, objectGUID or the
      // local id), with no foreign key to the demo table, so directory users can enrol too.
      // The old demo-only `security_answers` rows move into the catalogue and the answers table.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('security_questions')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('position', 'integer', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('enrolled_answers')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('question_id', 'text', (c) => c.notNull().references('security_questions.id'))
          .addColumn('position', 'integer', (c) => c.notNull())
          // scrypt$N$r$p$salt$hash of the folded answer (per-answer salt); never the answer.
          .addColumn('answer_hash', 'text', (c) => c.notNull())
          .addColumn('enrolled_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('enrolled_answers_user_question')
          .unique()
          .on('enrolled_answers')
          .columns(['user_id', 'question_id'])
          .execute()
        await db.schema.createIndex('enrolled_answers_question').on('enrolled_answers').column('question_id').execute()
        await db.schema
          .createTable('personal_contacts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull()) // email | mobile
          .addColumn('value', 'text', (c) => c.notNull())
          .addColumn('confirmed_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('personal_contacts_user_kind').unique().on('personal_contacts').columns(['user_id', 'kind']).execute()
        await db.schema
          .createTable('totp_enrolments')
          .addColumn('user_id', 'text', (c) => c.primaryKey())
          .addColumn('secret_sealed', 'text', (c) => c.notNull())
          .addColumn('enrolled_at', 'text', (c) => c.notNull())
          // The last RFC 6238 time step accepted: a step is never accepted twice.
          .addColumn('last_step', 'integer', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('enrolment_challenges')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('kind', 'text', (c) => c.notNull()) // email | mobile | totp
          .addColumn('target', 'text')
          // A keyed hash of the code sent (email, mobile) or the sealed pending TOTP secret.
          .addColumn('secret', 'text', (c) => c.notNull())
          .addColumn('attempts_left', 'integer', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createIndex('enrolment_challenges_user_kind')
          .unique()
          .on('enrolment_challenges')
          .columns(['user_id', 'kind'])
          .execute()
        await db.schema
          .createTable('enrolment_sessions')
          .addColumn('token_hash', 'text', (c) => c.primaryKey())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('enrolment_throttle')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('enrolment_throttle_key').on('enrolment_throttle').columns(['key', 'at']).execute()

        const old = (await db.selectFrom('security_answers').selectAll().orderBy('user_id').orderBy('position').execute()) as {
          id: string
          user_id: string
          position: number
          question: string
          answer_hash: string
        }[]
        const now = new Date().toISOString()
        const byText = new Map<string, string>()
        for (const row of old) {
          if (!byText.has(row.question)) {
            const id = `q${byText.size + 1}`
            byText.set(row.question, id)
            await db
              .insertInto('security_questions')
              .values({ id, text: row.question, active: 1, position: byText.size, updated_at: now })
              .execute()
          }
          await db
            .insertInto('enrolled_answers')
            .values({
              id: row.id,
              user_id: row.user_id,
              question_id: byText.get(row.question),
              position: row.position,
              answer_hash: row.answer_hash,
              enrolled_at: now,
            })
            .execute()
        }
        await db.schema.dropTable('security_answers').execute()
      },
    },
    '0005_records_in': {
      // G5: record numbers (INC…, IMS…) from a counter row per prefix. Allocation increments the
      // row inside the creating transaction, so PostgreSQL's row lock orders replicas and no two
      // records get the same number; the unique index on records.number is the backstop.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('record_numbers')
          .addColumn('prefix', 'text', (c) => c.primaryKey())
          .addColumn('last', 'integer', (c) => c.notNull())
          .execute()
      },
    },
    '0009_audit_guard': {
      // F5: the audit table is append-only in the database itself: UPDATE and DELETE (and on
      // PostgreSQL TRUNCATE) are refused, whoever asks. Rows written before the chain was keyed
      // are remembered, so they stay checkable under the unkeyed recipe and no later one is.
      async up(db: Kysely<any>) {
        if (dialect === 'postgres') {
          await sql`create function audit_append_only() returns trigger language plpgsql as $$
            begin raise exception 'audit is append-only' using errcode = 'P0001'; end $$`.execute(db)
          await sql`create trigger audit_no_change before update or delete on audit for each row execute function audit_append_only()`.execute(
            db,
          )
          await sql`create trigger audit_no_truncate before truncate on audit for each statement execute function audit_append_only()`.execute(
            db,
          )
        } else {
          await sql`create trigger audit_no_update before update on audit begin select raise(abort, 'audit is append-only'); end`.execute(
            db,
          )
          await sql`create trigger audit_no_delete before delete on audit begin select raise(abort, 'audit is append-only'); end`.execute(
            db,
          )
        }
        await sql`insert into meta (key, value) select 'audit_keyed_from', cast(coalesce(max(seq), 0) + 1 as text) from audit`.execute(db)
      },
    },
    '0010_admin': {
      // G7: an administrator disables a process instead of deleting one that flows used. A column
      // (not a field of the config JSON) so that Identify filters on it in SQL.
      async up(db: Kysely<any>) {
        await db.schema
          .alterTable('processes')
          .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
          .execute()
        await db.schema.createIndex('flows_process').on('flows').column('process_id').execute()
      },
    },
    '0008_intents': {
      // F2/F3: one row per credential-store change, committed before the store is touched, so a
      // change whose answer was lost (or whose process died) is resolved by asking the store, and
      // the R4 use or reset link it holds is confirmed or handed back exactly once. Never a password.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('intents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('kind', 'text', (c) => c.notNull()) // reset (agent's reset:run) | link (emailed link completed)
          .addColumn('agent_id', 'text')
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('process_id', 'text', (c) => c.notNull())
          .addColumn('flow_id', 'text', (c) => c.notNull())
          .addColumn('record_id', 'text')
          .addColumn('reset_id', 'text')
          .addColumn('token_id', 'text')
          .addColumn('credential_store', 'text', (c) => c.notNull())
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('plan', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('lease_until', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull()) // open | applied | not_applied
          .addColumn('unresolved_at', 'text')
          .addColumn('resolved_at', 'text')
          .addColumn('resolved_by', 'text')
          .execute()
        await db.schema.createIndex('intents_status').on('intents').columns(['status', 'lease_until']).execute()
      },
    },
    '0006_integrations': {
      // G5 API keys (SHA-256 of the key only) and G6 webhooks: endpoints with their sealed signing
      // secret, and the durable outbox of deliveries, one row per event and endpoint, written in
      // the transaction of the change it reports.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('api_keys')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('key_hash', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('created_by', 'text')
          .addColumn('last_used_at', 'text')
          .addColumn('revoked_at', 'text')
          .execute()
        await db.schema
          .createTable('webhook_endpoints')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('name', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('events', 'text', (c) => c.notNull())
          .addColumn('active', 'integer', (c) => c.notNull())
          .addColumn('secret_sealed', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute()
        await db.schema
          .createTable('webhook_deliveries')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
          .addColumn('event_id', 'text', (c) => c.notNull())
          .addColumn('event_type', 'text', (c) => c.notNull())
          .addColumn('record_number', 'text')
          .addColumn('payload', 'text', (c) => c.notNull())
          .addColumn('state', 'text', (c) => c.notNull())
          .addColumn('attempts', 'integer', (c) => c.notNull())
          .addColumn('next_attempt_at', 'text', (c) => c.notNull())
          .addColumn('lease_until', 'text')
          .addColumn('lease_owner', 'text')
          .addColumn('last_status', 'integer')
          .addColumn('last_error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('delivered_at', 'text')
          .execute()
        // The worker's claim walks due pending rows; the admin log pages by endpoint and time.
        await db.schema.createIndex('webhook_deliveries_due').on('webhook_deliveries').columns(['state', 'next_attempt_at']).execute()
        await db.schema.createIndex('webhook_deliveries_endpoint').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute()
        // The integration API's per-key request counts, one row per key and time window, shared
        // by every replica so a key's limit holds for the whole desk.
        await db.schema
          .createTable('integration_rate_buckets')
          .addColumn('bucket', 'text', (c) => c.primaryKey())
          .addColumn('count', 'integer', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .execute()
      },
    },
    '0003_sign_in_throttle': {
      // G3: sign-in tries per user name and per client address, counted in the store so the
      // limit holds across replicas. Keys are keyed hashes: a typed user name is often a password.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('sign_in_attempts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('sign_in_attempts_key_at').on('sign_in_attempts').columns(['key', 'at']).execute()
      },
    },
    '0011_live': {
      // B5 and B10. The live view reads a flow's audited steps by flow and sequence; the
      // dashboard counts one action over a range of days, grouped by outcome and method, which
      // this index answers without touching the table (PostgreSQL index-only scan, SQLite
      // covering index). Handle times read the flows closed in a range.
      async up(db: Kysely<any>) {
        await db.schema.createIndex('audit_flow_seq').on('audit').columns(['flow_id', 'seq']).execute()
        await db.schema.createIndex('audit_action_at').on('audit').columns(['action', 'at', 'outcome', 'method']).execute()
        // Covering: the handle-time query reads nothing else of a closed flow.
        await db.schema
          .createIndex('flows_closed_at')
          .on('flows')
          .columns(['closed_at', 'close_reason', 'agent_id', 'created_at'])
          .execute()
        // B10: per-day counts of ended days, made once from the append-only audit (see
        // dashboard/dashboard-queries.ts), and which days have been counted (a day may count zero).
        await db.schema
          .createTable('audit_daily')
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('action', 'text', (c) => c.notNull())
          .addColumn('outcome', 'text', (c) => c.notNull())
          .addColumn('method', 'text', (c) => c.notNull())
          .addColumn('n', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('audit_daily_pk', ['day', 'action', 'outcome', 'method'])
          .execute()
        await db.schema
          .createTable('audit_daily_done')
          .addColumn('day', 'text', (c) => c.primaryKey())
          .execute()
        // B10: each ended day's handle times per agent, in seconds (a JSON array: medians do not add up).
        await db.schema
          .createTable('flow_daily')
          .addColumn('day', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text', (c) => c.notNull())
          .addColumn('seconds', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('flow_daily_pk', ['day', 'agent_id'])
          .execute()
      },
    },
    '0012_wizard': {
      // B1: a supervisor's decision on a protected account's reset (approved, or rejected with a
      // reason), kept by flow so the agent's console can say who decided and why.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('approval_decisions')
          .addColumn('flow_id', 'text', (c) => c.primaryKey())
          .addColumn('decision', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text', (c) => c.notNull())
          .addColumn('agent_name', 'text', (c) => c.notNull())
          .addColumn('reason', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .execute()
        // R9 for people: the audit log filtered by user, agent or record, newest first, by index.
        await db.schema.createIndex('audit_user_seq').on('audit').columns(['user_id', 'seq']).execute()
        await db.schema.createIndex('audit_agent_seq').on('audit').columns(['agent_id', 'seq']).execute()
        await db.schema.createIndex('audit_record_seq').on('audit').columns(['record_id', 'seq']).execute()
        await db.schema.createIndex('audit_at').on('audit').column('at').execute()
      },
    },
    '0013_reset_reports': {
      // B11: one row per after-reset notice, holding its "this wasn't me" link as a keyed hash.
      // Reported rows are the supervisors' queue (unacknowledged, newest first).
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('reset_reports')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('token_hash', 'text', (c) => c.notNull().unique())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('process_id', 'text', (c) => c.notNull())
          .addColumn('flow_id', 'text', (c) => c.notNull())
          .addColumn('record_id', 'text')
          .addColumn('agent_id', 'text')
          .addColumn('credential_store', 'text', (c) => c.notNull())
          .addColumn('method', 'text')
          .addColumn('reset_at', 'text', (c) => c.notNull())
          .addColumn('expires_at', 'text', (c) => c.notNull())
          .addColumn('reported_at', 'text')
          .addColumn('lock_outcome', 'text')
          .addColumn('sessions_revoked', 'integer')
          .addColumn('acknowledged_at', 'text')
          .addColumn('acknowledged_by', 'text')
          .execute()
        await db.schema.createIndex('reset_reports_queue').on('reset_reports').columns(['acknowledged_at', 'reported_at']).execute()
        await db.schema.createIndex('reset_reports_user').on('reset_reports').columns(['user_id', 'reported_at']).execute()
      },
    },
    '0014_throttle_attempts': {
      // One attempt throttle for agent sign-in (G3), the wasn't-me page (B11) and the enrolment
      // page (G4): one table for sign_in_attempts and enrolment_throttle. sign_in_attempts' rows
      // (sign-in's and the wasn't-me page's) carry over, their keys are the same keyed hashes.
      // The enrolment page's do not: their keys were the typed login, the
      // address and the user id in clear, and the migration cannot hash them (the key is the
      // desk's secret). They are counts of the last hour at most; those windows start afresh.
      async up(db: Kysely<any>) {
        await db.schema
          .createTable('throttle_attempts')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('key', 'text', (c) => c.notNull())
          .addColumn('at', 'text', (c) => c.notNull())
          .execute()
        await db.schema.createIndex('throttle_attempts_key_at').on('throttle_attempts').columns(['key', 'at']).execute()
        await db
          .insertInto('throttle_attempts')
          .columns(['id', 'key', 'at'])
          .expression(db.selectFrom('sign_in_attempts').select(['id', 'key', 'at']))
          .execute()
        await db.schema.dropTable('sign_in_attempts').execute()
        await db.schema.dropTable('enrolment_throttle').execute()
      },
    },
    '0015_list_indexes': {
      // R2: each list (all open, assigned to me, my groups) in each sort the console offers is a
      // walk of its own index, so a first page, and the rows a jump skips, are an index range
      // whatever the sort. Before, only "opened" had one per list and a sort by priority, state
      // or caller sorted the whole list (seconds at 1M records); one shared index per sort is not
      // enough either: SQLite's planner then sorts a small agent's list rather than walk it.
      // Lists show open records only, so the indexes hold open records only (partial, `active =
      // 1`, which list queries state as a literal): a desk keeps far more closed records than
      // open ones. Each ends in id, the order's tie-break, which a jump reads from the index.
      async up(db: Kysely<any>) {
        for (const old of ['records_kind_assignee', 'records_kind_group', 'records_kind_active', 'records_kind_active_number'])
          await db.schema.dropIndex(old).execute()
        const lists = { all: [], assignee: ['assigned_to'], group: ['assignment_group'] }
        const sorts = { opened: 'opened_at', number: 'number', priority: 'priority', state: 'state', caller: 'caller_name' }
        for (const [list, filter] of Object.entries(lists)) {
          for (const [name, column] of Object.entries(sorts)) {
            await db.schema
              .createIndex(`records_open_${list}_${name}`)
              .on('records')
              .columns(['kind', ...filter, column, 'id'])
              .where(sql.ref('active'), '=', sql.lit(1))
              .execute()
          }
        }
      },
    },
    '0016_audit_head': {
      // Issue 14: an audit append takes the chain's lock and reads its head in one round trip on
      // PostgreSQL. A VOLATILE plpgsql function takes a fresh snapshot for each statement inside
      // it, so the head is read after the lock is granted (one statement with both would read it
      // from a snapshot taken before the wait, and fork the chain). The lock is the one
      // store.lock(trx, 'audit') takes. SQLite needs nothing: its transactions run one at a time.
      async up(db: Kysely<any>) {
        if (dialect === 'postgres') {
          await sql`create function audit_lock_head(out seq integer, out hash text) language plpgsql volatile as $$
            begin
              perform pg_advisory_xact_lock(hashtextextended('audit', 0));
              select a.seq, a.hash into seq, hash from audit a order by a.seq desc limit 1;
            end $$`.execute(db)
        }
      },
    },
    '0017_report_containment': {
      // B11 and F1-F3: a reported reset's containment (re-lock, end sessions, audit, work note)
      // is retried until it completes. contain_due_at: when a process may take it next — the end
      // of the lease of the process that holds it, or the time of the next re-lock try — and null
      // once its outcome is recorded; the sweeper walks it by the partial index. contain_owner:
      // the holder's lease, so a holder that outlived its lease records nothing.
      // contain_tries: re-lock tries the credential store did not answer.
      async up(db: Kysely<any>) {
        await db.schema.alterTable('reset_reports').addColumn('contain_due_at', 'text').execute()
        await db.schema.alterTable('reset_reports').addColumn('contain_owner', 'text').execute()
        await db.schema
          .alterTable('reset_reports')
          .addColumn('contain_tries', 'integer', (c) => c.notNull().defaultTo(0))
          .execute()
        // Reports left "Locking…" by a process that died before this migration are due now.
        await db
          .updateTable('reset_reports')
          .set({ contain_due_at: sql.ref('reported_at') })
          .where('reported_at', 'is not', null)
          .where('lock_outcome', 'is', null)
          .execute()
        await db.schema
          .createIndex('reset_reports_contain_due')
          .on('reset_reports')
          .column('contain_due_at')
          .where(sql.ref('contain_due_at'), 'is not', null)
          .execute()
      },
    },
    '0018_search_statistics': {
      // Issue 14: PostgreSQL plans a search from the share of search_text's sampled histogram that
      // contains the term. At the default 100 entries a term in 4% of records is seen 4 times, and
      // about one ANALYZE in ten sees it once or not at all: the planner then drives from the
      // trigram index and sorts every match (85 ms at 1M) instead of walking the list in order
      // (1.5 ms), until the next ANALYZE. 1,000 entries keep common terms common (measured at 1M:
      // estimates within ±40% over ten ANALYZEs) for about 0.2 ms more planning and a longer
      // ANALYZE (4 s at 1M, in autovacuum). SQLite picks its plan itself (records/list.ts).
      async up(db: Kysely<any>) {
        if (dialect === 'postgres') {
          await sql`alter table records alter column search_text set statistics 1000`.execute(db)
          await sql`analyze records`.execute(db)
        }
      },
    },
    '0019_open_search_index': {
      // Issue 14: a search finds open records only (records/list.ts), so PostgreSQL's trigram index
      // holds the open ones alone. A common term's count builds a bitmap of every match before it
      // reads the first 1,001: at 1M, 40k matches of which 28k open, 8.6 → 5.8 ms; the index is 40%
      // smaller and closing a record no longer keeps its trigrams. The FTS table on SQLite follows
      // the records table (its triggers), and its plan counts matches there (records/list.ts).
      async up(db: Kysely<any>) {
        if (dialect === 'postgres') {
          await sql`create index records_search_open on records using gin (search_text gin_trgm_ops) where active = 1`.execute(db)
          await sql`drop index records_search_trgm`.execute(db)
        }
      },
    },
  }
}
