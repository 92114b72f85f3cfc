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
 * F1: whether a channel only reads (or, like flow:get, only touches a timestamp), so running it
 * again on a fresh connection after the database dropped the first one changes nothing twice.
 * Every other channel gets DATABASE_UNAVAILABLE and the agent decides. A Record over every
 * channel, so a new channel does not compile until someone has decided which it is.
 */
const retryOnDroppedConnection: Record<Channel, boolean> = {
  'session:signIn': false,
  'session:current': true,
  'session:signOut': false,
  'records:list': true,
  'records:count': true,
  'records:get': true,
  'records:createInteraction': false,
  'records:assignToMe': false,
  'users:search': true,
  'users:enrolment': true,
  'users:risk': true,
  'processes:forUser': true,
  'flow:start': false,
  'flow:get': true,
  'flow:approve': false,
  'flow:reject': false,
  'flow:close': false,
  'verify:sendCode': false,
  'verify:checkCode': false,
  'verify:answerQuestions': false,
  'verify:personalData': false,
  'verify:confirmPersonalData': false,
  'verify:checkTotp': false,
  'approvals:decision': false,
  'approvals:list': true,
  'intents:list': true,
  'reports:list': true,
  'reports:acknowledge': false,
  'policy:check': true,
  'reset:run': false,
  'audit:list': true,
  'audit:search': true,
  'audit:verify': true,
  'audit:export': false,
  'carriers:list': true,
  'demo:mailbox': true,
  'live:next': true,
  'dashboard:get': true,
  'console:settings': true,
  'console:chooseDesk': false,
  'admin:questions:list': true,
  'admin:questions:save': false,
  'admin:processes:list': true,
  'admin:processes:save': false,
  'admin:processes:delete': false,
  'admin:processes:setEnabled': false,
  'admin:credentialStores:list': true,
  'admin:settings:get': true,
  'admin:settings:save': false,
  'admin:apiKeys:list': true,
  'admin:apiKeys:create': false,
  'admin:apiKeys:revoke': false,
  'admin:webhooks:list': true,
  'admin:webhooks:deliveries': true,
  'admin:webhooks:save': false,
  'admin:webhooks:delete': false,
  'admin:webhooks:retry': false,
}

/** A lost database connection is DATABASE_UNAVAILABLE; any other unexpected error stays as it is. */
export function asCatalogueError(e: unknown): unknown {
  return !(e instanceof AppError) && isConnectionError(e) ? new AppError('DATABASE_UNAVAILABLE') : e
}

export async function dispatch(
  ops: Operations,
  log: Pick<Logger, 'error'>,
  session: Session,
  channel: unknown,
  rawInput: unknown,
): Promise<Result<unknown>> {
  const correlationId = randomUUID()
  try {
    if (!isChannel(channel)) throw new AppError('UNKNOWN_OPERATION')
    const input = parseInput(contract[channel].input, rawInput === undefined ? {} : rawInput)
    const op = ops[channel] as (s: Session, input: unknown) => Promise<unknown>
    try {
      return { ok: true, data: await op(session, input) }
    } catch (e) {
      if (!retryOnDroppedConnection[channel] || !isConnectionError(e)) throw e
      // The pool has discarded the dead connection; one more try on a fresh one.
      log.error('database_retry', { correlationId, channel, ...errorFacts(e) })
      return { ok: true, data: await op(session, input) }
    }
  } catch (e) {
    const failure = asCatalogueError(e)
    if (!(failure instanceof AppError) || failure.code === 'DATABASE_UNAVAILABLE') {
      log.error(failure instanceof AppError ? 'database_unavailable' : 'technical_error', {
        correlationId,
        channel: isChannel(channel) ? channel : 'unknown',
        ...errorFacts(e),
      })
    }
    return { ok: false, error: toErrorData(failure, correlationId) }
  }
}
