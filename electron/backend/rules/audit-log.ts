// R9: an append-only, hash-chained log of every step — never a secret. Each entry's hash covers
// its fields and the previous entry's hash, so changing or removing any row breaks the chain
// from that row on. Appends take the 'audit' lock so concurrent writers cannot fork the chain.
import { createHash } from 'node:crypto'
import type { Kysely, Selectable, Transaction } from 'kysely'
import type { AuditTable, DB } from '../store/schema'
import type { Store } from '../store/database'
import type { AuditEntry } from '../../../shared/domain/types'
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

const GENESIS = '0'.repeat(64)

export function entryHash(row: Omit<Selectable<AuditTable>, 'hash'>): string {
  const fields = [
    row.seq, row.at, row.agent_id, row.record_id, row.user_id, row.process_id, row.flow_id,
    row.action, row.method, row.outcome, row.detail, row.prev_hash,
  ]
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex')
}

export async function appendAudit(store: Store, trx: Transaction<DB>, at: Date, event: AuditEvent): Promise<void> {
  await store.lock(trx, 'audit')
  const last = await trx.selectFrom('audit').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
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
  await trx.insertInto('audit').values({ ...row, hash: entryHash(row) }).execute()
  // G6: an audited step that is a record event goes to the webhook outbox in this same transaction.
  const recordEvent = recordEventOfAudit(event, at)
  if (recordEvent) await enqueueRecordEvent(store, trx, recordEvent)
}

export async function listAudit(db: Kysely<DB>, offset: number, limit: number): Promise<{ rows: AuditEntry[]; total: number }> {
  const rows = await db.selectFrom('audit').selectAll().orderBy('seq', 'desc').offset(offset).limit(limit).execute()
  const { n } = await db.selectFrom('audit').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()
  return {
    total: Number(n),
    rows: rows.map((r) => ({
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
    })),
  }
}

/** Walks the chain in order; names the first row whose hash, link or sequence is wrong. */
export async function verifyAudit(db: Kysely<DB>): Promise<{ ok: boolean; count: number; brokenAt: number | null }> {
  let prev = GENESIS
  let expectedSeq = 1
  let count = 0
  const pageSize = 5000
  for (;;) {
    const page = await db
      .selectFrom('audit')
      .selectAll()
      .where('seq', '>=', expectedSeq)
      .orderBy('seq')
      .limit(pageSize)
      .execute()
    for (const row of page) {
      const { hash, ...rest } = row
      if (row.seq !== expectedSeq || row.prev_hash !== prev || entryHash(rest) !== hash) {
        return { ok: false, count, brokenAt: expectedSeq }
      }
      prev = hash
      expectedSeq++
      count++
    }
    if (page.length < pageSize) return { ok: true, count, brokenAt: null }
  }
}

/**
 * R9 export: the rows from `fromSeq` on, in chain order, one JSON object per line with its
 * prev_hash and hash, so anyone can re-check the chain offline (entryHash above is the recipe).
 */
export async function exportAudit(db: Kysely<DB>, fromSeq: number, limit: number) {
  const rows = await db.selectFrom('audit').selectAll().where('seq', '>=', fromSeq).orderBy('seq').limit(limit + 1).execute()
  const slice = rows.slice(0, limit)
  return {
    jsonl: slice.map((r) => JSON.stringify(r)).join('\n') + (slice.length ? '\n' : ''),
    fromSeq,
    toSeq: slice.at(-1)?.seq ?? fromSeq - 1,
    count: slice.length,
    more: rows.length > limit,
  }
}
