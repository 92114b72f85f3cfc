// The address of a service the test run started, or why it is missing: under vitest its global
// setup provides it (inject); under Playwright (E2E), whose workers cannot inject, the E2E global
// setup passes it in the environment. Helpers shared by both suites read services from here.
import { inject } from 'vitest'
import type { ServiceAddress } from './service'
import { e2eService, e2eServiceEnv } from '../e2e/host/services'

export const providedService = (name: 'postgres' | 'slapd'): ServiceAddress =>
  process.env[e2eServiceEnv(name)] ? e2eService(name) : inject(name)
