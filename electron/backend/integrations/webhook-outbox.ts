// G6, the writing half: record events go into a durable outbox (webhook_deliveries) in the same
// transaction as the audit entry or work note that records them, one row per subscribed
// endpoint. A rolled-back change therefore sends nothing, and a committed one is never lost: the
// worker (webhook-worker.ts) delivers rows after commit, on whichever replica claims them first.
import { randomUUID } from 'node:crypto'
import { sql, type Transaction } from 'kysely'
import type { WebhookEventType, WebhookPayload } from '../../../shared/domain/integrations'
import type { AuditEvent } from '../audit/audit-chain'
import type { Store } from '../store/database'
import type { DB } from '../store/schema'

/** PostgreSQL delivers a NOTIFY only when its transaction commits: the wake-up never runs early. */
export const WEBHOOK_NOTIFY_CHANNEL = 'resetdesk_webhooks'

// SQLite (one process): the worker of this store is woken in-process. Its claim queues behind
// the open transaction on SQLite's single connection, so it too runs only after the commit.
const localWakers = new WeakMap<object, () => void>()
export function onWebhookEnqueued(store: Store, wake: () => void): () => void {
  localWakers.set(store.db, wake)
  return () => localWakers.delete(store.db)
}

export interface RecordEvent {
  type: WebhookEventType
  at: Date
  recordId?: string | null
  flowId?: string | null
  /** Non-secret facts only: ids, user names, outcomes, the work note's text. */
  data: Record<string, unknown>
}

/** Which audited steps are record events (R9 details never hold a secret, so they may travel). */
export function recordEventOfAudit(event: AuditEvent, at: Date): RecordEvent | null {
  const type: WebhookEventType | null =
    (event.action === 'reset' || event.action === 'reset.link_completed') && event.outcome === 'done'
      ? 'reset.done'
      : event.action === 'reset' && event.outcome === 'failed'
        ? 'reset.failed'
        : event.action === 'flow.close' && event.outcome === 'exit'
          ? 'flow.closed'
          : event.action === 'record.assign' && event.outcome === 'assigned'
            ? 'record.assigned'
            : // B11: the ITSM learns that a user reported a reset as not theirs, and, once it is
              // recorded (a re-lock the store does not answer is retried first), what containing
              // the account came to: the work note's facts, never the link's token.
              event.action === 'reset.reported' && event.outcome === 'reported'
              ? 'reset.reported'
              : event.action === 'reset.contain'
                ? 'reset.contained'
                : null
  if (!type) return null
  return {
    type,
    at,
    recordId: event.recordId ?? null,
    flowId: event.flowId ?? null,
    data: {
      action: event.action,
      outcome: event.outcome,
      agentId: event.agentId ?? null,
      userId: event.userId ?? null,
      processId: event.processId ?? null,
      flowId: event.flowId ?? null,
      method: event.method ?? null,
      ...event.detail,
    },
  }
}

/** The active endpoints as one transaction saw them: a step with a work note and an audited event reads them once. */
const endpointsOfTransaction = new WeakMap<Transaction<DB>, Promise<{ id: string; events: string }[]>>()

function activeEndpoints(trx: Transaction<DB>): Promise<{ id: string; events: string }[]> {
  let endpoints = endpointsOfTransaction.get(trx)
  if (!endpoints) {
    endpoints = trx.selectFrom('webhook_endpoints').select(['id', 'events']).where('active', '=', 1).execute()
    endpointsOfTransaction.set(trx, endpoints)
  }
  return endpoints
}

export async function enqueueRecordEvent(store: Store, trx: Transaction<DB>, event: RecordEvent): Promise<void> {
  const endpoints = await activeEndpoints(trx)
  const targets = endpoints.filter((e) => (JSON.parse(e.events) as string[]).includes(event.type))
  if (targets.length === 0) return
  const recordId =
    event.recordId ??
    (event.flowId
      ? (await trx.selectFrom('flows').select('record_id').where('id', '=', event.flowId).executeTakeFirst())?.record_id
      : null) ??
    null
  const record = recordId
    ? await trx.selectFrom('records').select(['number', 'kind']).where('id', '=', recordId).executeTakeFirst()
    : undefined
  const at = event.at.toISOString()
  const payload: WebhookPayload = {
    id: randomUUID(),
    type: event.type,
    occurredAt: at,
    record: record ? { number: record.number, kind: record.kind } : null,
    data: event.data,
  }
  const body = JSON.stringify(payload)
  await trx
    .insertInto('webhook_deliveries')
    .values(
      targets.map((t) => ({
        id: randomUUID(),
        endpoint_id: t.id,
        event_id: payload.id,
        event_type: event.type,
        record_number: record?.number ?? null,
        payload: body,
        state: 'pending',
        attempts: 0,
        next_attempt_at: at,
        lease_until: null,
        lease_owner: null,
        last_status: null,
        last_error: null,
        created_at: at,
        delivered_at: null,
      })),
    )
    .execute()
  await wakeWebhookWorkers(store, trx)
}

/** Wakes the workers: inside `trx` on PostgreSQL the wake-up is sent only if and when it commits. */
export async function wakeWebhookWorkers(store: Store, trx?: Transaction<DB>): Promise<void> {
  if (store.dialect === 'postgres') await sql`select pg_notify(${WEBHOOK_NOTIFY_CHANNEL}, '')`.execute(trx ?? store.db)
  else {
    const wake = localWakers.get(store.db)
    if (wake) setImmediate(wake)
  }
}
