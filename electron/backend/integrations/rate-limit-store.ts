// The store behind @fastify/rate-limit on the integration routes: counts live in the backend's
// own store (one row per key and fixed window, incremented atomically), so a key's limit is one
// limit for the whole desk, however many replicas serve it — not one per process.
import type { FastifyRateLimitOptions, FastifyRateLimitStore } from '@fastify/rate-limit'
import type { Kysely } from 'kysely'
import type { DB } from '../store/schema'

export function storeBackedRateLimit(db: Kysely<DB>, now: () => Date) {
  return class StoreRateLimit implements FastifyRateLimitStore {
    constructor(private readonly options: FastifyRateLimitOptions) {}

    incr(key: string, callback: (error: Error | null, result?: { current: number; ttl: number }) => void, timeWindow: number): void {
      // The plugin passes the window in milliseconds.
      const windowMs = Number(timeWindow)
      const at = now().getTime()
      const start = Math.floor(at / windowMs) * windowMs
      const expires = new Date(start + windowMs).toISOString()
      db.insertInto('integration_rate_buckets')
        .values({ bucket: `${key}:${start}`, count: 1, expires_at: expires })
        .onConflict((oc) => oc.column('bucket').doUpdateSet((eb) => ({ count: eb('integration_rate_buckets.count', '+', 1) })))
        .returning('count')
        .executeTakeFirstOrThrow()
        .then(async ({ count }) => {
          // A new window: tidy away the ended ones (a handful of rows per key).
          if (count === 1) await db.deleteFrom('integration_rate_buckets').where('expires_at', '<', new Date(at).toISOString()).execute()
          callback(null, { current: Number(count), ttl: start + windowMs - at })
        })
        .catch((e: Error) => callback(e))
    }

    child(routeOptions: object): FastifyRateLimitStore {
      return new StoreRateLimit({ ...this.options, ...routeOptions })
    }
  }
}
