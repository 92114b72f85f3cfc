// One router for every caller of the backend from a console (Electron's IPC and the E2E
// browser host): it refuses unknown channels and untrusted senders, parses the input with the
// channel's schema, and turns every failure into a catalogue error. It is a pure function of its
// arguments so that it can be unit-tested without Electron.
import { randomUUID } from 'node:crypto'
import type { ZodType } from 'zod'
import { AppError, toErrorData, type Result } from '../../../shared/errors'
import type { Channel } from '../../../shared/ipc/contract'
import type { Operations, Session } from '../../backend/operations'
import { isTrustedSender, type SenderInfo } from './sender'

export interface RouterLogger {
  error(event: string, fields: Record<string, unknown>): void
}

export interface RouterOptions {
  /** Origins the console is served from (app://resetdesk; the dev server only in development). */
  allowedOrigins: readonly string[]
  log?: RouterLogger
}

export type ContractLike = Record<string, { input: ZodType; output: ZodType }>
export type Handle = (channel: unknown, rawInput: unknown, sender: SenderInfo, session: Session) => Promise<Result<unknown>>

export function createRouter(contract: ContractLike, ops: Operations, options: RouterOptions): Handle {
  const log = options.log ?? { error: (event, fields) => console.error(JSON.stringify({ level: 'error', event, ...fields })) }
  return async (channel, rawInput, sender, session) => {
    const correlationId = randomUUID()
    const known = typeof channel === 'string' && Object.hasOwn(contract, channel) && Object.hasOwn(ops, channel)
    try {
      if (!isTrustedSender(sender, options.allowedOrigins)) throw new AppError('FORBIDDEN_SENDER')
      if (!known) throw new AppError('UNKNOWN_OPERATION')
      const parsed = contract[channel]!.input.safeParse(rawInput ?? {})
      if (!parsed.success) {
        // Paths and reasons only: the rejected values may be passwords or codes.
        const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }))
        throw new AppError('INVALID_INPUT', { issues })
      }
      const op = ops[channel as Channel] as (s: Session, input: unknown) => Promise<unknown>
      return { ok: true, data: await op(session, parsed.data) }
    } catch (e) {
      if (!(e instanceof AppError)) {
        // The error's name only: messages from drivers can quote SQL parameters (secrets).
        log.error('ipc_technical_error', { correlationId, channel: known ? channel : 'unknown', error: (e as Error)?.name ?? 'Error' })
      }
      return { ok: false, error: toErrorData(e, correlationId) }
    }
  }
}
