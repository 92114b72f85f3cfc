// G6, the sending half: a worker in every backend process (embedded and server) delivers the
// outbox rows after commit. Rows are claimed with a lease — on PostgreSQL under
// `FOR UPDATE SKIP LOCKED`, so two replicas never claim one row and each event has exactly one
// attempt sequence — and every attempt's outcome and the next attempt's time are written back to
// the row. The retry schedule therefore lives in the store, not in memory (which is why this is
// not p-retry): a restart, a crash or another replica carries the sequence on where it stopped.
// A lease that outlives its worker (SIGKILL mid-request) expires and the row is attempted again,
// so delivery is at least once; receivers deduplicate by the event id.
import { createHmac, randomUUID } from 'node:crypto'
import pg from 'pg'
import type { BackendKeys } from '../crypto/secrets'
import { unseal } from '../crypto/secrets'
import { addMs, errorFacts, type Logger } from '../rules/context'
import type { Store, StoreConfig } from '../store/database'
import { onWebhookEnqueued, WEBHOOK_NOTIFY_CHANNEL } from './webhook-outbox'

export interface WebhookWorkerOptions {
  /** How often the outbox is looked at without a wake-up (retries that fell due, other replicas' rows). */
  pollMs?: number
  requestTimeoutMs?: number
  /** A claim's life; longer than a request so a live worker's row is never taken from it. */
  leaseMs?: number
  /** Attempts before a delivery is marked failed (an admin may retry it). */
  maxAttempts?: number
  backoffBaseMs?: number
  backoffMaxMs?: number
  batchSize?: number
}

export const SIGNATURE_HEADER = 'x-resetdesk-signature'
export const TIMESTAMP_HEADER = 'x-resetdesk-timestamp'

/** `sha256=<hex>` of HMAC-SHA256 over `${timestamp}.${body}` — what a receiver recomputes. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** Exponential backoff with jitter: base·2^(n−1), capped, times a random 0.5–1. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number, random = Math.random): number {
  return Math.round(Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1)) * (0.5 + random() / 2))
}

interface Deps {
  store: Store
  storeConfig: StoreConfig
  keys: BackendKeys
  now: () => Date
  log: Logger
}

interface Claimed {
  id: string
  event_id: string
  event_type: string
  payload: string
  attempts: number
  url: string
  secret_sealed: string
  endpoint_id: string
}

export class WebhookWorker {
  private readonly opts: Required<WebhookWorkerOptions>
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = true
  private listener: pg.Client | null = null
  private listening = false
  private abort = new AbortController()
  private unregister: () => void = () => {}

  constructor(
    private readonly deps: Deps,
    options: WebhookWorkerOptions = {},
  ) {
    const requestTimeoutMs = options.requestTimeoutMs ?? 10_000
    this.opts = {
      pollMs: options.pollMs ?? 1_000,
      requestTimeoutMs,
      leaseMs: options.leaseMs ?? requestTimeoutMs + 20_000,
      maxAttempts: options.maxAttempts ?? 12,
      backoffBaseMs: options.backoffBaseMs ?? 5_000,
      backoffMaxMs: options.backoffMaxMs ?? 3_600_000,
      batchSize: options.batchSize ?? 20,
    }
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.abort = new AbortController()
    this.unregister = onWebhookEnqueued(this.deps.store, () => this.kick())
    this.kick()
  }

  /** Stops polling, aborts requests in flight (their rows go back to pending) and closes the listener. */
  async stop(): Promise<void> {
    this.stopped = true
    this.unregister()
    if (this.timer) clearTimeout(this.timer)
    this.abort.abort()
    await this.running
    const listener = this.listener
    this.listener = null
    await listener?.end().catch(() => {})
  }

  /** Look at the outbox now (after a commit that enqueued something). */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    if (this.timer) clearTimeout(this.timer)
    this.running = this.loop().finally(() => {
      this.running = null
      if (this.stopped) return
      this.timer = setTimeout(() => this.kick(), this.opts.pollMs)
      // A poll timer alone never keeps a process (or a test run) alive.
      this.timer.unref()
    })
  }

  private async loop(): Promise<void> {
    if (this.deps.storeConfig.kind === 'postgres' && !this.listener && !this.listening) void this.listen()
    do {
      this.again = false
      try {
        while (!this.stopped) {
          const batch = await this.claim()
          const outcomes = await Promise.all(batch.map((row) => this.attempt(row)))
          await this.record(outcomes.filter((o) => o !== null))
          if (batch.length < this.opts.batchSize) break
        }
      } catch (e) {
        // The store is down or restarting: the next poll tries again; nothing is lost.
        if (!this.stopped) this.deps.log.error('webhook_worker_failed', errorFacts(e))
      }
    } while (this.again && !this.stopped)
  }

  /** PostgreSQL: LISTEN on a connection of its own, so every replica wakes on every commit. */
  private async listen(): Promise<void> {
    if (this.deps.storeConfig.kind !== 'postgres') return
    this.listening = true
    const client = new pg.Client({ connectionString: this.deps.storeConfig.connectionString })
    const drop = () => {
      if (this.listener === client) this.listener = null
      void client.end().catch(() => {})
    }
    client.on('error', drop)
    client.on('end', drop)
    client.on('notification', () => this.kick())
    try {
      await client.connect()
      await client.query(`listen ${WEBHOOK_NOTIFY_CHANNEL}`)
      if (this.stopped) await client.end()
      else this.listener = client
    } catch {
      drop() // polling carries on; the next loop reconnects
    } finally {
      this.listening = false
    }
  }

  private async claim(): Promise<(Claimed & { lease: string })[]> {
    const { store, now } = this.deps
    const at = now()
    const nowIso = at.toISOString()
    const lease = randomUUID()
    return store.db.transaction().execute(async (trx) => {
      let due = trx
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
        .select('webhook_deliveries.id')
        .where('webhook_deliveries.state', '=', 'pending')
        .where('webhook_deliveries.next_attempt_at', '<=', nowIso)
        .where((eb) => eb.or([eb('webhook_deliveries.lease_until', 'is', null), eb('webhook_deliveries.lease_until', '<=', nowIso)]))
        .where('webhook_endpoints.active', '=', 1)
        .orderBy('webhook_deliveries.next_attempt_at')
        .limit(this.opts.batchSize)
      // SQLite has one writer at a time, so its transaction alone makes the claim exclusive.
      if (store.dialect === 'postgres') due = due.forUpdate('webhook_deliveries').skipLocked()
      const ids = (await due.execute()).map((r) => r.id)
      if (ids.length === 0) return []
      await trx
        .updateTable('webhook_deliveries')
        .set({ lease_until: addMs(at, this.opts.leaseMs).toISOString(), lease_owner: lease })
        .where('id', 'in', ids)
        .execute()
      const rows = await trx
        .selectFrom('webhook_deliveries')
        .innerJoin('webhook_endpoints', 'webhook_endpoints.id', 'webhook_deliveries.endpoint_id')
        .select([
          'webhook_deliveries.id',
          'webhook_deliveries.event_id',
          'webhook_deliveries.event_type',
          'webhook_deliveries.payload',
          'webhook_deliveries.attempts',
          'webhook_endpoints.url',
          'webhook_endpoints.secret_sealed',
          'webhook_endpoints.id as endpoint_id',
        ])
        .where('webhook_deliveries.id', 'in', ids)
        .execute()
      return rows.map((r) => ({ ...r, lease }))
    })
  }

  /** One POST; null when the worker is stopping (the row was handed back, the attempt does not count). */
  private async attempt(row: Claimed & { lease: string }): Promise<Outcome | null> {
    const { store, keys, now } = this.deps
    const secret = unseal(keys.seal, row.secret_sealed)
    let status: number | null = null
    let error: string | null = null
    if (secret === null) {
      // Sealed under another backend secret: only a new secret (rotate) can sign again.
      error = 'secret_unreadable'
    } else {
      const timestamp = String(Math.floor(now().getTime() / 1000))
      try {
        const response = await fetch(row.url, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'ResetDesk-Webhooks/1',
            'x-resetdesk-event': row.event_type,
            'x-resetdesk-event-id': row.event_id,
            'x-resetdesk-delivery': row.id,
            [TIMESTAMP_HEADER]: timestamp,
            [SIGNATURE_HEADER]: webhookSignature(secret, timestamp, row.payload),
          },
          body: row.payload,
          signal: AbortSignal.any([AbortSignal.timeout(this.opts.requestTimeoutMs), this.abort.signal]),
        })
        status = response.status
        await response.body?.cancel().catch(() => {})
      } catch (e) {
        if (this.abort.signal.aborted) {
          await store.db
            .updateTable('webhook_deliveries')
            .set({ lease_until: null, lease_owner: null })
            .where('id', '=', row.id)
            .where('lease_owner', '=', row.lease)
            .execute()
            .catch(() => {})
          return null
        }
        error = failureReason(e)
      }
    }
    const ok = status !== null && status >= 200 && status < 300
    return { row, status, ok, error: ok ? null : (error ?? `http_${status}`) }
  }

  /** The batch's outcomes in one transaction: one turn on SQLite's single connection, not one per row. */
  private async record(outcomes: Outcome[]): Promise<void> {
    if (outcomes.length === 0) return
    const { store, now, log } = this.deps
    const at = now()
    await store.db.transaction().execute(async (trx) => {
      for (const { row, status, ok, error } of outcomes) {
        const attempts = row.attempts + 1
        const exhausted = !ok && attempts >= this.opts.maxAttempts
        await trx
          .updateTable('webhook_deliveries')
          .set({
            state: ok ? 'delivered' : exhausted ? 'failed' : 'pending',
            attempts,
            last_status: status,
            last_error: error,
            delivered_at: ok ? at.toISOString() : null,
            next_attempt_at:
              ok || exhausted
                ? at.toISOString()
                : addMs(at, backoffMs(attempts, this.opts.backoffBaseMs, this.opts.backoffMaxMs)).toISOString(),
            lease_until: null,
            lease_owner: null,
          })
          // Only while the claim is still ours: a stale worker never overwrites another's outcome.
          .where('id', '=', row.id)
          .where('lease_owner', '=', row.lease)
          .execute()
      }
    })
    for (const { row, status, ok, error } of outcomes) {
      const attempts = row.attempts + 1
      const fields = { deliveryId: row.id, endpointId: row.endpoint_id, eventType: row.event_type, attempts, status }
      if (ok) log.info('webhook_delivered', fields)
      else log.error(attempts >= this.opts.maxAttempts ? 'webhook_failed' : 'webhook_attempt_failed', { ...fields, reason: error })
    }
  }
}

interface Outcome {
  row: Claimed & { lease: string }
  status: number | null
  ok: boolean
  error: string | null
}

/** A short, non-secret reason: the error class or socket code, never a message or a URL. */
function failureReason(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: unknown } }
  if (err?.name === 'TimeoutError') return 'timeout'
  const code = err?.cause?.code
  return typeof code === 'string' ? code : errorFacts(e).error
}
