// R9 and F5: an append-only, keyed hash chain of every step — never a secret. Each entry's hash
// is an HMAC-SHA256, under a key derived from the desk secret, over its fields and the previous
// entry's hash: without the secret nobody can recompute the chain after an edit or append a row
// that verifies. The database refuses UPDATE and DELETE on the table (migration 0009); what an
// owner of the database could still do — drop the trigger and cut the tail, or empty the table —
// a signed checkpoint of the head, kept outside the database by the administrator, reveals.
// Appends take the 'audit' lock so concurrent writers cannot fork the chain.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import { AppError } from '../../../shared/errors'
import type { AuditTable, DB } from '../store/schema'
import type { Store } from '../store/database'
import type { AuditCheckpoint, AuditEntry } from '../../../shared/domain/types'
import type { BackendKeys } from '../crypto/secrets'
import { enqueueRecordEvent, recordEventOfAudit } from '../integrations/webhook-outbox'

export interface AuditEvent {
  agentId?: string | null
  recordId?: string | null
  userId?: string | null
  processId?: string | null
  flowId?: string | null
  action: string
  method?: string | null
  outcome: string
  /** Non-secret facts only (attempts left, sent-to masks, reasons). */
  detail?: Record<string, unknown>
}

/** What appending and checking the chain need: the store and the desk's keys. */
export interface AuditSink {
  store: Store
  keys: Pick<BackendKeys, 'audit'>
  /** B5: the live feed, told to look again (it reads committed entries only; see live/live-feed.ts). */
  live?: { published(): void }
}

const GENESIS = '0'.repeat(64)
/** meta key: rows below this seq were written before the chain was keyed (plain SHA-256). */
export const AUDIT_KEYED_FROM = 'audit_keyed_from'

const hashedFields = (row: Omit<Selectable<AuditTable>, 'hash'>) =>
  JSON.stringify([
    row.seq,
    row.at,
    row.agent_id,
    row.record_id,
    row.user_id,
    row.process_id,
    row.flow_id,
    row.action,
    row.method,
    row.outcome,
    row.detail,
    row.prev_hash,
  ])

/** The keyed hash of one entry (hex): the recipe for checking an export offline with the key. */
export function entryHash(key: Buffer, row: Omit<Selectable<AuditTable>, 'hash'>): string {
  return createHmac('sha256', key).update(hashedFields(row)).digest('hex')
}

/** Entries written before migration 0009 were hashed without a key; they stay checkable as such. */
export const legacyEntryHash = (row: Omit<Selectable<AuditTable>, 'hash'>) => createHash('sha256').update(hashedFields(row)).digest('hex')

export async function appendAudit(sink: AuditSink, trx: Transaction<DB>, at: Date, event: AuditEvent): Promise<void> {
  // G6: an audited step that is a record event goes to the webhook outbox in this same
  // transaction; first, so the chain's lock below is held for as short a time as can be.
  const recordEvent = recordEventOfAudit(event, at)
  if (recordEvent) await enqueueRecordEvent(sink.store, trx, recordEvent)
  const last = await lockedHead(sink.store, trx)
  const row = {
    seq: (last?.seq ?? 0) + 1,
    at: at.toISOString(),
    agent_id: event.agentId ?? null,
    record_id: event.recordId ?? null,
    user_id: event.userId ?? null,
    process_id: event.processId ?? null,
    flow_id: event.flowId ?? null,
    action: event.action,
    method: event.method ?? null,
    outcome: event.outcome,
    detail: JSON.stringify(event.detail ?? {}),
    prev_hash: last?.hash ?? GENESIS,
  }
  await trx
    .insertInto('audit')
    .values({ ...row, hash: entryHash(sink.keys.audit, row) })
    .execute()
  // B5: live views look again. Nothing is handed over here: the feed reads the audit, so the
  // entry is seen only once this transaction has committed (on SQLite the read waits for the
  // commit; on PostgreSQL it sees the old head and the next look, after the commit, finds it).
  sink.live?.published()
}

/**
 * Takes the chain's lock, then reads its head (the last entry), so concurrent writers cannot fork
 * it. On PostgreSQL one round trip (audit_lock_head, migration 0016): the chain's lock is held
 * from here to the commit, and every audited step of the desk waits for it.
 */
async function lockedHead(store: Store, trx: Transaction<DB>): Promise<{ seq: number; hash: string } | undefined> {
  if (store.dialect === 'postgres') {
    const { rows } = await sql<{ seq: number | null; hash: string | null }>`select seq, hash from audit_lock_head()`.execute(trx)
    const head = rows[0]
    return head && head.seq !== null ? { seq: Number(head.seq), hash: head.hash! } : undefined
  }
  await store.lock(trx, 'audit')
  return trx.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
}

/** What an audited transaction needs: the sink and the clock. A RuleContext is one. */
export type AuditClock = AuditSink & { now: () => Date }

/** Runs `work` in a transaction and appends its audit entry there, so both land or neither. */
export async function auditedTransaction<T>(
  ctx: AuditClock,
  event: AuditEvent | ((result: T) => AuditEvent),
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  const result = await ctx.store.db.transaction().execute(async (trx) => {
    const result = await work(trx)
    await appendAudit(ctx, trx, ctx.now(), typeof event === 'function' ? event(result) : event)
    return result
  })
  // B5: published after the commit, never before: a live view may now read the entry.
  ctx.live?.published()
  return result
}

/** An audit entry on its own, in its own transaction (a refusal, a failure, an export). */
export function recordAudit(ctx: AuditClock, event: AuditEvent): Promise<void> {
  return auditedTransaction(ctx, event, async () => {})
}

/**
 * A checkpoint is the head (seq and hash) signed with the audit key under a label of its own, so
 * it cannot be made from the database alone nor mistaken for an entry hash.
 */
function checkpointSignature(key: Buffer, seq: number, hash: string): string {
  return createHmac('sha256', key).update(`resetdesk audit checkpoint v1\n${seq}\n${hash}`).digest('hex')
}

function signCheckpoint(key: Buffer, seq: number, hash: string, at: Date): AuditCheckpoint {
  return { seq, hash, at: at.toISOString(), signature: checkpointSignature(key, seq, hash) }
}

function checkpointIsGenuine(key: Buffer, c: AuditCheckpoint): boolean {
  const expected = Buffer.from(checkpointSignature(key, c.seq, c.hash), 'hex')
  const given = Buffer.from(c.signature, 'hex')
  return given.length === expected.length && timingSafeEqual(given, expected)
}

/** An audit row as the console and the export show it. */
export function auditEntryOf(r: Selectable<AuditTable>): AuditEntry {
  return {
    seq: r.seq,
    at: r.at,
    agentId: r.agent_id,
    recordId: r.record_id,
    userId: r.user_id,
    processId: r.process_id,
    flowId: r.flow_id,
    action: r.action,
    method: r.method,
    outcome: r.outcome,
    detail: r.detail,
    hash: r.hash,
  }
}

export async function listAudit(db: Kysely<DB>, offset: number, limit: number): Promise<{ rows: AuditEntry[]; total: number }> {
  const rows = await db.selectFrom('audit').selectAll().orderBy('seq', 'desc').offset(offset).limit(limit).execute()
  const { n } = await db
    .selectFrom('audit')
    .select((eb) => eb.fn.countAll().as('n'))
    .executeTakeFirstOrThrow()
  return {
    total: Number(n),
    rows: rows.map(auditEntryOf),
  }
}

export interface AuditVerification {
  ok: boolean
  count: number
  /** The first entry whose hash, link or sequence is wrong. */
  brokenAt: number | null
  /** F5: the chain ends before the checkpoint's entry (the tail or everything was deleted). */
  truncated: boolean
  /** The checkpoint's entry is no longer the one that was signed (rewritten). */
  checkpointMismatch: boolean
  /** The signed head now: the administrator keeps it and passes it to the next check. */
  checkpoint: AuditCheckpoint | null
}

/**
 * Walks the chain in order and names the first row whose hash, link or sequence is wrong; with a
 * checkpoint kept from an earlier check or export, also reports a chain cut short of it or
 * rewritten up to it. A checkpoint not signed by this desk is refused.
 */
export async function verifyAudit(sink: AuditSink & { now: () => Date }, given?: AuditCheckpoint): Promise<AuditVerification> {
  const key = sink.keys.audit
  if (given && !checkpointIsGenuine(key, given)) throw new AppError('INVALID_INPUT', { reason: 'checkpoint not signed by this desk' })
  const db = sink.store.db
  const keyedFrom = Number((await db.selectFrom('meta').select('value').where('key', '=', AUDIT_KEYED_FROM).executeTakeFirst())?.value ?? 1)
  let prev = GENESIS
  let expectedSeq = 1
  let count = 0
  let brokenAt: number | null = null
  let checkpointMismatch = false
  const pageSize = 5000
  walk: for (;;) {
    const page = await db.selectFrom('audit').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(pageSize).execute()
    for (const row of page) {
      const { hash, ...rest } = row
      const recomputed = row.seq < keyedFrom ? legacyEntryHash(rest) : entryHash(key, rest)
      if (row.seq !== expectedSeq || row.prev_hash !== prev || recomputed !== hash) {
        brokenAt = expectedSeq
        break walk
      }
      if (given && row.seq === given.seq && row.hash !== given.hash) checkpointMismatch = true
      prev = hash
      expectedSeq++
      count++
    }
    if (page.length < pageSize) break
  }
  const truncated = given !== undefined && brokenAt === null && count < given.seq
  return {
    ok: brokenAt === null && !truncated && !checkpointMismatch,
    count,
    brokenAt,
    truncated,
    checkpointMismatch,
    // Only an intact chain is signed: a checkpoint must never bless a cut or a rewrite.
    checkpoint: brokenAt === null && !truncated && !checkpointMismatch && count > 0 ? signCheckpoint(key, count, prev, sink.now()) : null,
  }
}

/**
 * R9 export: the rows from `fromSeq` on, in chain order, one JSON object per line with its
 * prev_hash and hash (entryHash above is the recipe, with the desk's audit key), and a signed
 * checkpoint of the last row exported, which the administrator keeps outside the database.
 */
export async function exportAudit(sink: AuditSink & { now: () => Date }, fromSeq: number, limit: number) {
  const rows = await sink.store.db
    .selectFrom('audit')
    .selectAll()
    .where('seq', '>=', fromSeq)
    .orderBy('seq')
    .limit(limit + 1)
    .execute()
  const slice = rows.slice(0, limit)
  const last = slice.at(-1)
  return {
    jsonl: slice.map((r) => JSON.stringify(r)).join('\n') + (slice.length ? '\n' : ''),
    fromSeq,
    toSeq: last?.seq ?? fromSeq - 1,
    count: slice.length,
    more: rows.length > limit,
    checkpoint: last ? signCheckpoint(sink.keys.audit, last.seq, last.hash, sink.now()) : null,
  }
}
