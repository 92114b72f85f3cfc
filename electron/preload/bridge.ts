// The shape of window.resetDesk, derived from the contract. Type-only for the renderer; the
// preload builds the value, and the E2E host's init script implements the same shape over fetch.
import type { Result } from '../../shared/errors'
import type { Channel, InputOf, OutputOf } from '../../shared/ipc/contract'

export interface ResetDeskBridge {
  invoke<C extends Channel>(channel: C, input: InputOf<C>): Promise<Result<OutputOf<C>>>
}
