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

/** R4: resets (pending or done) of this user with this process in the last 24 hours, oldest first (they need only the process's id, so a caller may read them with the process). */
export async function resetTimes(db: Kysely<DB> | Transaction<DB>, userId: string, processId: string, now: Date): Promise<string[]> {
  const rows = await resetTimesQuery(db, userId, processId, now).select('at').orderBy('at').execute()
  return rows.map((r) => r.at)
}

/** R4's rows of the user for every process at once, by process (oldest first). */
export async function resetTimesByProcess(db: Kysely<DB> | Transaction<DB>, userId: string, now: Date): Promise<Map<string, string[]>> {
  const rows = await db
    .selectFrom('resets')
    .select(['process_id', 'at'])
    .where('user_id', '=', userId)
    .where('at', '>', addMs(now, -RESET_WINDOW_MS).toISOString())
    .orderBy('at')
    .execute()
  const byProcess = new Map<string, string[]>()
  for (const r of rows) byProcess.set(r.process_id, [...(byProcess.get(r.process_id) ?? []), r.at])
  return byProcess
}

/** R4's counted rows (resets pending or done in the window), to select from. */
export function resetTimesQuery(db: Kysely<DB> | Transaction<DB>, userId: string, processId: string, now: Date) {
  return db
    .selectFrom('resets')
    .where('user_id', '=', userId)
    .where('process_id', '=', processId)
    .where('at', '>', addMs(now, -RESET_WINDOW_MS).toISOString())
}

const RESET_WINDOW_MS = hours(24)

export const resetUsageOf = (times: string[], process: Process): Usage => usage(times, process.settings.resetsPerDay, RESET_WINDOW_MS)

/** Failed attempts of the user inside the process's window, for one method or all of them. */
function failedAttempts(db: Kysely<DB> | Transaction<DB>, userId: string, process: Process, now: Date, method?: VerifyMethod) {
  let query = db
    .selectFrom('attempts')
    .select(['method', 'at'])
    .where('user_id', '=', userId)
    .where('success', '=', 0)
    .where('at', '>', attemptWindowStart(process, now).toISOString())
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
  return attemptUsageOf(await attemptTimes(db, userId, method, process, now), process)
}

/** The failed attempts' times, oldest first (what `attemptUsageOf` counts). */
export async function attemptTimes(
  db: Kysely<DB> | Transaction<DB>,
  userId: string,
  method: VerifyMethod,
  process: Process,
  now: Date,
): Promise<string[]> {
  return (await failedAttempts(db, userId, process, now, method)).map((r) => r.at)
}

/** R5 from failed attempts' times (oldest first) inside the process's window. */
export const attemptUsageOf = (times: string[], process: Process): Usage =>
  usage(times, process.settings.attemptsPerMethod, hours(process.settings.attemptWindowHours))

/** R5 for every method of the process from the user's failed attempts (method and time, oldest first). */
export function attemptUsagesOf(failed: { method: string; at: string }[], process: Process): Map<VerifyMethod, Usage> {
  return new Map(
    process.methods.map((m) => [
      m,
      attemptUsageOf(
        failed.filter((r) => r.method === m).map((r) => r.at),
        process,
      ),
    ]),
  )
}

/** The start of R5's window for this process: failed attempts after it count. */
export const attemptWindowStart = (process: Process, now: Date) => addMs(now, -hours(process.settings.attemptWindowHours))
