// B5: wakes supervisors' long polls when the audit grows. The audit table is the feed: a waiter
// asks for anything after the sequence it has seen, so an event is only ever seen once its
// transaction has committed (a row nobody can read yet wakes nobody), and events written by
// another replica on the same PostgreSQL arrive the same way as this process's own.
//
// Two wake-ups: `published()`, called right after an audited transaction commits in this
// process (the embedded console sees the step at once), and a short poll of the head sequence
// while someone waits, which covers other replicas and the few direct appendAudit callers.
// A poll of max(seq) is a single primary-key probe; LISTEN/NOTIFY would need a dedicated
// connection per replica and would still need the poll as a safety net after a reconnect.
import type { Kysely } from 'kysely'
import type { DB } from '../store/schema'

export interface LiveFeedOptions {
  /** How often a waiter re-reads the head sequence (cross-replica latency bound). */
  pollMs?: number
}

export class LiveFeed {
  /** Each waiter's re-check, and how to end it. */
  private readonly waiters = new Map<() => void, () => void>()
  private readonly pollMs: number
  private closed = false

  constructor(
    private readonly db: Kysely<DB>,
    options: LiveFeedOptions = {},
  ) {
    this.pollMs = options.pollMs ?? 200
  }

  /** The newest committed audit sequence (0 for an empty log). */
  async head(): Promise<number> {
    const row = await this.db
      .selectFrom('audit')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst()
    return Number(row?.seq ?? 0)
  }

  /** Called after an audited transaction committed in this process: re-check every waiter now. */
  published(): void {
    for (const check of [...this.waiters.keys()]) check()
  }

  /**
   * Resolves with the head sequence as soon as it passes `afterSeq`, or with `afterSeq` after
   * `timeoutMs` or when `signal` aborts (the client went away).
   */
  async waitBeyond(afterSeq: number, timeoutMs: number, signal?: AbortSignal): Promise<number> {
    const now = await this.head()
    if (now > afterSeq || timeoutMs <= 0 || this.closed || signal?.aborted) return now
    return new Promise<number>((resolve) => {
      let done = false
      let checking = false
      const finish = (seq: number) => {
        if (done) return
        done = true
        clearTimeout(timeout)
        clearInterval(poll)
        this.waiters.delete(check)
        signal?.removeEventListener('abort', abort)
        resolve(seq)
      }
      const check = () => {
        if (done || checking) return
        checking = true
        // A failed read (database restarting) just waits for the next tick or the timeout.
        void this.head()
          .then(
            (seq) => seq > afterSeq && finish(seq),
            () => undefined,
          )
          .finally(() => (checking = false))
      }
      const abort = () => finish(afterSeq)
      const timeout = setTimeout(abort, timeoutMs)
      const poll = setInterval(check, this.pollMs)
      this.waiters.set(check, abort)
      signal?.addEventListener('abort', abort)
    })
  }

  /** Ends every wait (the backend is closing). */
  close(): void {
    this.closed = true
    for (const abort of [...this.waiters.values()]) abort()
  }
}
