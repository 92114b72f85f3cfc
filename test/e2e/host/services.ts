// How an E2E test reads the address of a service the global setup started (or why it is missing).
import type { ServiceAddress } from '../../helpers/service'

export const e2eServiceEnv = (name: string) => `RESETDESK_E2E_SERVICE_${name.toUpperCase()}`

export function e2eService(name: 'postgres' | 'slapd'): ServiceAddress {
  const raw = process.env[e2eServiceEnv(name)]
  return raw ? (JSON.parse(raw) as ServiceAddress) : { url: null, missing: `${name} was not started by the E2E global setup` }
}
