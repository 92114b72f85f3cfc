// The renderer's only door to main: unwraps Result and throws ApiError carrying catalogue data,
// so react-query sees failures as errors and components show catalogue text, never raw text.
import { errorCatalogue, type AppErrorData } from '../../../shared/errors'
import type { Channel, InputOf, OutputOf } from '../../../shared/ipc/contract'
import { useConnectionStore } from '../stores/connection-store'

export class ApiError extends Error {
  constructor(readonly data: AppErrorData) {
    super(data.message)
    this.name = 'ApiError'
  }
  get code() {
    return this.data.code
  }
}

/** Any thrown value as catalogue data: unexpected ones become TECHNICAL. */
export function errorData(e: unknown): AppErrorData {
  if (e instanceof ApiError) return e.data
  const t = errorCatalogue.TECHNICAL
  return { code: 'TECHNICAL', message: t.message, next: t.next, details: {} }
}

export async function call<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>> {
  const result = await window.resetDesk.invoke(channel, input)
  useConnectionStore.getState().setReachable(result.ok || result.error.code !== 'BACKEND_UNREACHABLE')
  if (!result.ok) throw new ApiError(result.error)
  return result.data
}
