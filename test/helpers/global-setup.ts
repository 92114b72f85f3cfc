// Starts the real services the suite needs, once per run, and hands their addresses to the tests.
// Where a service cannot start: under CI=true the run fails; elsewhere its tests skip, loudly.
import type { TestProject } from 'vitest/node'
import { findPgBin, startPgCluster, type PgCluster } from './pg-cluster'

declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string | null
    pgMissingReason: string | null
  }
}

let cluster: PgCluster | null = null

export async function setup(project: TestProject) {
  const ci = process.env.CI === 'true'
  let reason: string | null = null
  const bin = findPgBin()
  if (!bin) reason = 'PostgreSQL is not installed (apt-get install postgresql)'
  else if (process.getuid?.() !== 0) reason = 'starting a throwaway PostgreSQL needs root (runuser -u postgres)'
  else {
    try {
      cluster = await startPgCluster(bin)
    } catch (e) {
      reason = `PostgreSQL did not start: ${(e as Error).message}`
    }
  }
  if (reason && ci) throw new Error(`CI=true and ${reason}`)
  if (reason) console.warn(`\n*** SKIPPING PostgreSQL tests: ${reason} ***\n`)
  project.provide('pgUrl', cluster?.url ?? null)
  project.provide('pgMissingReason', reason)
}

export async function teardown() {
  cluster?.stop()
}
