// The contract suite's two ways to reach the backend: embedded (dispatch, as main's router does)
// and the standalone server over HTTP (the remote client main uses in remote mode).
import type { AddressInfo } from 'node:net'
import { AppError } from '../../shared/errors'
import type { Channel, InputOf, OutputOf } from '../../shared/ipc/contract'
import { dispatch } from '../../electron/backend/dispatch'
import type { Session } from '../../electron/backend/operations'
import { createHttpServer } from '../../electron/backend/http/server'
import { createRemoteOperations, type FetchLike } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore, type SecretStore } from '../../electron/main/secrets/secret-store'
import type { Harness } from './backend-harness'

export interface Caller {
  session: Session
  call<C extends Channel>(channel: C, input: InputOf<C>): Promise<OutputOf<C>>
  /** Sends input that the types would not allow (bad-input tests). */
  callRaw(channel: string, input: unknown): Promise<unknown>
}

export interface Transport {
  name: 'embedded' | 'http'
  /** A fresh console: its own session (and, over HTTP, its own tokens). */
  connect(secrets?: SecretStore): Caller
  close(): Promise<void>
}

export const nodeFetch: FetchLike = (url, init) => fetch(url, init)

export function embeddedTransport(h: Harness): Transport {
  return {
    name: 'embedded',
    connect() {
      const session: Session = { agentId: null }
      const callRaw = async (channel: string, input: unknown) => {
        const result = await dispatch(h.backend.ops, h.backend.ctx.log, session, channel, input)
        if (!result.ok) throw new AppError(result.error.code, result.error.details)
        return result.data
      }
      return { session, callRaw, call: (channel, input) => callRaw(channel, input) as never }
    },
    close: async () => {},
  }
}

export async function httpTransport(h: Harness): Promise<Transport & { baseUrl: string }> {
  const server = createHttpServer(h.backend)
  await server.listen({ host: '127.0.0.1', port: 0 })
  const baseUrl = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  return {
    name: 'http',
    baseUrl,
    connect(secrets = new MemorySecretStore()) {
      const session: Session = { agentId: null }
      const ops = createRemoteOperations({ baseUrl, secrets, fetch: nodeFetch })
      const callRaw = (channel: string, input: unknown) =>
        (ops as unknown as Record<string, (s: Session, i: unknown) => Promise<unknown>>)[channel]!(session, input)
      return { session, callRaw, call: (channel, input) => callRaw(channel, input) as never }
    },
    close: () => server.close(),
  }
}
