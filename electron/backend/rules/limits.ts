// The counted limits: R4 (resets per user and process in a rolling 24 hours) and R5's attempts
// per user and method in a rolling window. Both are counted from rows, inside a transaction that
// holds the counter's lock, so concurrent callers on any replica see each other (S6).
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../store/schema'
import type { Process, VerifyMethod } from '../../../shared/domain/types'
import { addMs, hours } from './context'

export interface Usage {
  left: number
  /** When the oldest counted use leaves the window, if none are left. */
  freesAt: string | null
}

function usage(timestamps: string[], limit: number, windowMs: number): Usage {
  const left = Math.max(0, limit - timestamps.length)
  const oldestBlocking = timestamps[timestamps.length - limit]
  const freesAt = left === 0 && oldestBlocking ? addMs(new Date(oldestBlocking), windowMs).toISOString() : null
  return { left, freesAt }
}

export const resetLockKey = (userId: string, processId: string) => `resets:${userId}:${processId}`
export const attemptLockKey = (userId: string, method: string) => `attempts:${userId}:${method}`

/** R4: resets (pending or done) of this user with this process in the last 24 hours. */
export async function resetUsage(db: Kysely<DB> | Transaction<DB>, userId: string, process: Process, now: Date): Promise<Usage> {
  const windowMs = hours(24)
  const rows = await db
    .selectFrom('resets')
    .select('at')
    .where('user_id', '=', userId)
    .where('process_id', '=', process.id)
    .where('at', '>', addMs(now, -windowMs).toISOString())
    .orderBy('at')
    .execute()
  return usage(rows.map((r) => r.at), process.settings.resetsPerDay, windowMs)
}

/** Failed attempts of the user inside the process's window, for one method or all of them. */
function failedAttempts(db: Kysely<DB> | Transaction<DB>, userId: string, process: Process, now: Date, method?: VerifyMethod) {
  let query = db
    .selectFrom('attempts')
    .select(['method', 'at'])
    .where('user_id', '=', userId)
    .where('success', '=', 0)
    .where('at', '>', addMs(now, -hours(process.settings.attemptWindowHours)).toISOString())
  if (method) query = query.where('method', '=', method)
  return query.orderBy('at').execute()
}

/** R5: failed attempts of this user with this method in the process's window, across flows and agents. */
export async function attemptUsage(
  db: Kysely<DB> | Transaction<DB>,
  userId: string,
  method: VerifyMethod,
  process: Process,
  now: Date,
): Promise<Usage> {
  const rows = await failedAttempts(db, userId, process, now, method)
  return usage(rows.map((r) => r.at), process.settings.attemptsPerMethod, hours(process.settings.attemptWindowHours))
}

/** R5 for every method of the process at once (one query), as the flow view needs them. */
export async function attemptUsages(
  db: Kysely<DB> | Transaction<DB>,
  userId: string,
  process: Process,
  now: Date,
): Promise<Map<VerifyMethod, Usage>> {
  const rows = await failedAttempts(db, userId, process, now)
  const windowMs = hours(process.settings.attemptWindowHours)
  return new Map(
    process.methods.map((m) => [m, usage(rows.filter((r) => r.method === m).map((r) => r.at), process.settings.attemptsPerMethod, windowMs)]),
  )
}
