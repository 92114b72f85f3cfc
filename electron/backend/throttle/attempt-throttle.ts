// The one store-backed throttle: "at most `limit` attempts per key inside a sliding window",
// shared by agent sign-in (G3), the enrolment page (G4: sign-in, code sends) and the wasn't-me
// page (B11: tries per address). Each attempt is a row of throttle_attempts, reserved before the
// attempt is judged and under the store's lock for its keys, so concurrent attempts count one by
// one on SQLite and on every replica of one PostgreSQL (S6). An attempt that should not count (a success, a fault) is released.
// Keys are keyed hashes: what is counted is often typed text, and a typed name is often a password.
import { randomUUID } from 'node:crypto'
import { keyedHash } from '../crypto/secrets'
import { addMs, type RuleContext } from '../rules/context'

export interface ThrottleCounter {
  /** From throttleKey(). */
  key: string
  /** Attempts allowed inside the window; the next one is refused. */
  limit: number
  windowMs: number
}

export type ThrottleReservation =
  | { ok: true; release(): Promise<void> }
  /** `full`: the keys whose window is full; `freesAt`: when every one of them takes another try. */
  | { ok: false; full: string[]; freesAt: string }

/** The stored key for `value` counted under `scope` (e.g. 'sign-in name', 'enrolment send'). */
export function throttleKey(ctx: Pick<RuleContext, 'keys'>, scope: string, value: string): string {
  return keyedHash(ctx.keys.codes, `${scope}\0${value}`)
}

/**
 * Reserves one attempt under every counter at once, or none when any counter is full: a refused
 * attempt takes nothing (so it never fills another key's window).
 */
export async function reserveAttempt(ctx: Pick<RuleContext, 'store' | 'now'>, counters: ThrottleCounter[]): Promise<ThrottleReservation> {
  const now = ctx.now()
  const keys = counters.map((c) => c.key)
  const ids = counters.map(() => randomUUID())
  const refusal = await ctx.store.db.transaction().execute(async (trx) => {
    // Sorted, so two reservations never wait for each other's locks in opposite order.
    for (const key of [...new Set(keys)].sort()) await ctx.store.lock(trx, `throttle:${key}`)
    // Attempts that left their window count no more: drop them so the table stays small.
    for (const { key, windowMs } of counters) {
      await trx.deleteFrom('throttle_attempts').where('key', '=', key).where('at', '<=', addMs(now, -windowMs).toISOString()).execute()
    }
    const rows = await trx.selectFrom('throttle_attempts').select(['key', 'at']).where('key', 'in', keys).orderBy('at').execute()
    const full: string[] = []
    let freesAt = ''
    for (const { key, limit, windowMs } of counters) {
      const at = rows.filter((r) => r.key === key).map((r) => r.at)
      if (at.length < limit) continue
      full.push(key)
      // The window frees a try when the attempt that filled it ages out.
      const frees = addMs(new Date(at[at.length - limit]!), windowMs).toISOString()
      if (frees > freesAt) freesAt = frees
    }
    if (full.length > 0) return { ok: false as const, full, freesAt }
    await trx
      .insertInto('throttle_attempts')
      .values(counters.map(({ key }, i) => ({ id: ids[i]!, key, at: now.toISOString() })))
      .execute()
    return null
  })
  if (refusal) return refusal
  return {
    ok: true,
    release: async () => {
      await ctx.store.db.deleteFrom('throttle_attempts').where('id', 'in', ids).execute()
    },
  }
}
