// Starts the real services the suite needs, once per run, and hands their addresses to the tests
// (inject('<name>') in a test). Where a service cannot start here, its tests skip with a loud
// reason; under CI=true a missing service fails the whole run.
import type { TestProject } from 'vitest/node'
import type { ServiceStarter } from './service'
import { postgresService } from './pg-cluster'
import { keyringService } from './keyring'
import { slapdService } from './slapd'

const services: ServiceStarter[] = [postgresService, slapdService, keyringService]
const stops: (() => void | Promise<void>)[] = []

export async function setup(project: TestProject) {
  const ci = process.env.CI === 'true'
  for (const service of services) {
    const result = await service.start()
    if ('missing' in result) {
      if (ci) throw new Error(`CI=true and ${service.name} is missing: ${result.missing}`)
      console.warn(`\n*** SKIPPING ${service.name} tests: ${result.missing} ***\n`)
      project.provide(service.name as never, { url: null, missing: result.missing } as never)
    } else {
      stops.push(result.stop)
      project.provide(service.name as never, { url: result.url, missing: null } as never)
    }
  }
}

export async function teardown() {
  for (const stop of stops.reverse()) await stop()
}
