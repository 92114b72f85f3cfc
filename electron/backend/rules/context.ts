// What every rule needs, injected so that tests control time, randomness and connectors.
import type { Store } from '../store/database'
import type { BackendKeys, HashCost } from '../crypto/secrets'
import type { AgentDirectory, CredentialStore, Directory } from '../credentials/credential-store'
import type { Notifier } from '../notify/notifier'
import type { Carrier } from '../../../shared/domain/types'
import type { LiveFeed } from '../live/live-feed'

export interface CarrierGateway extends Carrier {
  /** Email-to-SMS domain: the message goes to <digits>@<gateway>. */
  gateway: string
}

export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void
  error(event: string, fields?: Record<string, unknown>): void
}

export interface RuleContext {
  store: Store
  now: () => Date
  keys: BackendKeys
  hashCost: HashCost
  directory: Directory
  /** Set when agents sign in with directory credentials; null for the local agent accounts. */
  agentDirectory: AgentDirectory | null
  credentialStores: Record<string, CredentialStore>
  notifier: Notifier
  carriers: CarrierGateway[]
  log: Logger
  /** Minutes of inactivity after which a flow expires (SESSION_EXPIRED). */
  flowIdleMinutes: number
  /** Base URL of the reset-link page (R6.1). */
  resetLinkBase: string
  demo: boolean
  /** F2: seconds an intent stays with the process that wrote it before a sweeper may resolve it (default 120). */
  intentLeaseSeconds?: number
  /** B5: wakes supervisors' live views after an audited step commits (made by createOperations if absent). */
  live?: LiveFeed
}

/**
 * A settled read's value, or its error thrown. A step may send its reads in one round
 * (Promise.allSettled) and still refuse in the order of its checks: the first check's error wins,
 * not the first read to fail.
 */
export function settled<T>(result: PromiseSettledResult<T>): T {
  if (result.status === 'rejected') throw result.reason
  return result.value
}

export const hours = (n: number) => n * 3_600_000
export const minutes = (n: number) => n * 60_000
export const addMs = (d: Date, ms: number) => new Date(d.getTime() + ms)

/**
 * What of an unexpected error may be logged: its name and code. Never its message — drivers and
 * connectors quote SQL parameters, addresses or server replies there.
 */
export function errorFacts(e: unknown): { error: string; code?: string | number } {
  const { name = 'Error', code } = (e ?? {}) as { name?: string; code?: unknown }
  return { error: name, ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}) }
}
