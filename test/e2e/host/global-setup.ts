// Once per E2E run: checks that Chromium and the built renderer are here, and starts the real
// services some E2E files need (PostgreSQL, slapd). Their addresses reach the test workers through
// the environment (workers start after this and inherit it). Where something is missing the run
// says so loudly; under CI=true it fails.
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { ServiceStarter } from '../../helpers/service'
import { postgresService } from '../../helpers/pg-cluster'
import { slapdService } from '../../helpers/slapd'
import { chromiumPath } from '../../helpers/chromium'
import { e2eServiceEnv } from './services'

const root = resolve(import.meta.dirname, '../../..')
const services: ServiceStarter[] = [postgresService, slapdService]

export default async function globalSetup(): Promise<() => Promise<void>> {
  const ci = process.env.CI === 'true'
  const missingBase = !existsSync(chromiumPath)
    ? `Chromium not found at ${chromiumPath} (apt-get install chromium)`
    : !existsSync(join(root, 'out/renderer/index.html'))
      ? 'the renderer is not built (run `npx electron-vite build`)'
      : null
  if (missingBase && ci) throw new Error(`CI=true and ${missingBase}`)
  if (missingBase) console.warn(`\n*** SKIPPING every E2E test: ${missingBase} ***\n`)
  process.env.RESETDESK_E2E_MISSING = missingBase ?? ''

  const stops: (() => void | Promise<void>)[] = []
  for (const service of services) {
    const result = await service.start()
    if ('missing' in result) {
      if (ci) throw new Error(`CI=true and ${service.name} is missing: ${result.missing}`)
      console.warn(`\n*** SKIPPING E2E tests that need ${service.name}: ${result.missing} ***\n`)
      process.env[e2eServiceEnv(service.name)] = JSON.stringify({ url: null, missing: result.missing })
    } else {
      stops.push(result.stop)
      process.env[e2eServiceEnv(service.name)] = JSON.stringify({ url: result.url, missing: null })
    }
  }
  return async () => {
    for (const stop of stops.reverse()) await stop()
  }
}
