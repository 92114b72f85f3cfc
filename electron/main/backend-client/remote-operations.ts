// Remote mode (S3, S4): the console's operations served by the standalone backend over HTTPS.
// Main holds the access token in memory and the rotating refresh token in the OS keychain; the
// renderer sees the same Operations as in embedded mode and never a token.
import { AppError, appErrorSchema, type AppErrorData } from '../../../shared/errors'
import { contract, type Channel } from '../../../shared/ipc/contract'
import { agentSchema, type Agent } from '../../../shared/domain/types'
import type { Operations, Session } from '../../backend/operations'
import type { SecretStore } from '../secrets/secret-store'

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
) => Promise<{ status: number; json(): Promise<unknown> }>

export type ConnectionState = 'online' | 'unreachable'

export interface RemoteOptions {
  baseUrl: string
  secrets: SecretStore
  /** Electron's net.fetch in the app (system proxy and trust store, so corporate CAs work). */
  fetch: FetchLike
  onConnection?: (state: ConnectionState) => void
}

interface Tokens {
  accessToken: string
  refreshToken: string
}

export function createRemoteOperations(options: RemoteOptions): Operations {
  const base = options.baseUrl.replace(/\/+$/, '')
  const account = `refresh-token:${base}`
  let access: string | null = null
  let state: ConnectionState = 'online'
  const report = (next: ConnectionState) => {
    if (next !== state) options.onConnection?.((state = next))
  }

  async function post(
    path: string,
    body: unknown,
    withToken: boolean,
  ): Promise<{ ok: true; data: unknown } | { ok: false; error: AppErrorData }> {
    let response
    try {
      response = await options.fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(withToken && access ? { authorization: `Bearer ${access}` } : {}) },
        body: JSON.stringify(body ?? {}),
      })
    } catch {
      // Refused, reset, DNS, TLS: nothing reached the backend, so nothing was changed.
      report('unreachable')
      throw new AppError('BACKEND_UNREACHABLE')
    }
    report('online')
    const payload = (await response.json().catch(() => null)) as { ok?: boolean; data?: unknown; error?: unknown } | null
    if (payload?.ok === true) return { ok: true, data: payload.data }
    const error = appErrorSchema.safeParse(payload?.error)
    return { ok: false, error: error.success ? error.data : new AppError('TECHNICAL', { status: response.status }).toData() }
  }

  const raise = (error: AppErrorData): never => {
    throw new AppError(error.code, error.details)
  }

  /**
   * Trades the keychain's refresh token for a new pair; false when there is none or it is refused.
   * F6: single-flight. Calls that find their access token lapsed at the same moment share one
   * refresh: each presenting the same refresh token would look like a stolen copy being reused,
   * and the server would revoke the session.
   */
  let refreshing: Promise<boolean> | null = null
  function refresh(): Promise<boolean> {
    refreshing ??= rotate().finally(() => {
      refreshing = null
    })
    return refreshing
  }
  async function rotate(): Promise<boolean> {
    const refreshToken = await options.secrets.get(account)
    if (!refreshToken) return false
    const result = await post('/api/session/refresh', { refreshToken }, false)
    if (!result.ok) {
      if (result.error.code === 'NOT_SIGNED_IN') await options.secrets.delete(account)
      return false
    }
    const tokens = result.data as Tokens
    await options.secrets.set(account, tokens.refreshToken)
    access = tokens.accessToken
    return true
  }

  async function rpc(channel: Channel, input: unknown): Promise<unknown> {
    if (!access && !(await refresh())) throw new AppError('NOT_SIGNED_IN')
    const sentWith = access
    let result = await post(`/api/rpc/${channel}`, input, true)
    // An access token lives ten minutes: renew it once and repeat the call. If another call has
    // renewed it while this one was on the wire, the new token is already here: just repeat.
    if (!result.ok && result.error.code === 'NOT_SIGNED_IN' && ((access !== null && access !== sentWith) || (await refresh()))) {
      result = await post(`/api/rpc/${channel}`, input, true)
    }
    return result.ok ? contract[channel].output.parse(result.data) : raise(result.error)
  }

  const ops = Object.fromEntries(
    (Object.keys(contract) as Channel[]).map((channel) => [channel, (_session: Session, input: unknown) => rpc(channel, input)]),
  ) as unknown as Operations

  ops['session:signIn'] = async (session, input) => {
    const result = await post('/api/session/signIn', input, false)
    if (!result.ok) return raise(result.error)
    const data = result.data as Tokens & { agent: Agent }
    await options.secrets.set(account, data.refreshToken)
    access = data.accessToken
    const agent = agentSchema.parse(data.agent)
    session.agentId = agent.id
    return agent
  }
  ops['session:current'] = async (session) => {
    // After a restart of main, the keychain's refresh token restores the session.
    if (!access && !(await refresh())) return null
    const agent = (await rpc('session:current', {})) as Agent | null
    session.agentId = agent?.id ?? null
    return agent
  }
  ops['session:signOut'] = async (session) => {
    // Signing out always works locally; an unreachable server lets the session lapse (F6: idle limit).
    if (access) await post('/api/session/signOut', {}, true).catch(() => undefined)
    access = null
    session.agentId = null
    await options.secrets.delete(account)
    return {}
  }
  return ops
}
