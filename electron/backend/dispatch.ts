// One entry for every caller (main's IPC router, the standalone HTTP server, the test host):
// the channel must exist, the input must parse with its schema, and every failure leaves as a
// catalogue error — unexpected ones as TECHNICAL with a correlation id that is also logged.
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import { AppError, toErrorData, type Result } from '../../shared/errors'
import { contract, isChannel } from '../../shared/ipc/contract'
import { errorFacts, type Logger } from './rules/context'
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

export async function dispatch(ops: Operations, log: Pick<Logger, 'error'>, session: Session, channel: unknown, rawInput: unknown): Promise<Result<unknown>> {
  const correlationId = randomUUID()
  try {
    if (!isChannel(channel)) throw new AppError('UNKNOWN_OPERATION')
    const input = parseInput(contract[channel].input, rawInput === undefined ? {} : rawInput)
    const op = ops[channel] as (s: Session, input: unknown) => Promise<unknown>
    return { ok: true, data: await op(session, input) }
  } catch (e) {
    if (!(e instanceof AppError)) {
      log.error('technical_error', { correlationId, channel: isChannel(channel) ? channel : 'unknown', ...errorFacts(e) })
    }
    return { ok: false, error: toErrorData(e, correlationId) }
  }
}
