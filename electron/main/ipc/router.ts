// One router for every caller of the backend from a console (Electron's IPC and the E2E
// browser host): only the console's own main frame may call (S2); the backend's dispatch then
// refuses unknown channels, parses the input with the channel's schema and turns every failure
// into a catalogue error. A pure function of its arguments, so it is unit-tested without Electron.
import { AppError, type Result } from '../../../shared/errors'
import { dispatch } from '../../backend/dispatch'
import type { Operations, Session } from '../../backend/operations'
import type { Logger } from '../../backend/rules/context'
import { isTrustedSender, type SenderInfo } from './sender'

export interface RouterOptions {
  /** Origins the console is served from (app://resetdesk; the dev server only in development). */
  allowedOrigins: readonly string[]
  log: Pick<Logger, 'error'>
}

export type Handle = (channel: unknown, rawInput: unknown, sender: SenderInfo, session: Session) => Promise<Result<unknown>>

export function createRouter(ops: Operations, options: RouterOptions): Handle {
  return async (channel, rawInput, sender, session) => {
    if (!isTrustedSender(sender, options.allowedOrigins)) return { ok: false, error: new AppError('FORBIDDEN_SENDER').toData() }
    return dispatch(ops, options.log, session, channel, rawInput)
  }
}
