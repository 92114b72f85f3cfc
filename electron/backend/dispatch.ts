// One entry for every caller (main's IPC router, the standalone HTTP server, the test host):
// the channel must exist, the input must parse with its schema, and every failure leaves as a
// catalogue error — unexpected ones as TECHNICAL with a correlation id that is also logged.
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { AppError, toErrorData, type Result } from '../../shared/errors'
import { contract, isChannel, type Channel } from '../../shared/ipc/contract'
import { errorFacts, type Logger } from './rules/context'
import { isConnectionError } from './store/connection-errors'
import type { Operations, Session } from './operations'

/** An input parsed with its schema, or INVALID_INPUT naming each issue (the same for every route). */
export function parseInput<S extends z.ZodType>(schema: S, raw: unknown): z.output<S> {
  const parsed = schema.safeParse(raw)
  if (parsed.success) return parsed.data
  // Paths and reasons only: the rejected values may be secrets.
  const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
  // `source` tells a refusal by the contract from a rule's own INVALID_INPUT (an admin form's field).
  throw new AppError('INVALID_INPUT', { issues, source: 'contract' })
}

/**
 * F1: channels that only read (or, like flow:get, only touch a timestamp), so running them again
 * on a fresh connection after the database dropped the first one changes nothing twice. Every
 * other channel gets DATABASE_UNAVAILABLE and the agent decides.
 */
const idempotentChannels: ReadonlySet<string> = new Set<Channel>([
  'session:current', 'records:list', 'records:get', 'users:search', 'processes:forUser', 'flow:get',
  'approvals:list', 'intents:list', 'reports:list', 'audit:list', 'audit:verify', 'carriers:list', 'demo:mailbox',
  'live:next', 'dashboard:get',
])

/** A lost database connection is DATABASE_UNAVAILABLE; any other unexpected error stays as it is. */
export function asCatalogueError(e: unknown): unknown {
  return !(e instanceof AppError) && isConnectionError(e) ? new AppError('DATABASE_UNAVAILABLE') : e
}

export async function dispatch(ops: Operations, log: Pick<Logger, 'error'>, session: Session, channel: unknown, rawInput: unknown): Promise<Result<unknown>> {
  const correlationId = randomUUID()
  try {
    if (!isChannel(channel)) throw new AppError('UNKNOWN_OPERATION')
    const input = parseInput(contract[channel].input, rawInput === undefined ? {} : rawInput)
    const op = ops[channel] as (s: Session, input: unknown) => Promise<unknown>
    try {
      return { ok: true, data: await op(session, input) }
    } catch (e) {
      if (!idempotentChannels.has(channel) || !isConnectionError(e)) throw e
      // The pool has discarded the dead connection; one more try on a fresh one.
      log.error('database_retry', { correlationId, channel, ...errorFacts(e) })
      return { ok: true, data: await op(session, input) }
    }
  } catch (e) {
    const failure = asCatalogueError(e)
    if (!(failure instanceof AppError) || failure.code === 'DATABASE_UNAVAILABLE') {
      log.error(failure instanceof AppError ? 'database_unavailable' : 'technical_error', { correlationId, channel: isChannel(channel) ? channel : 'unknown', ...errorFacts(e) })
    }
    return { ok: false, error: toErrorData(failure, correlationId) }
  }
}
