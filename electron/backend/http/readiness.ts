// F1: readiness names each dependency and whether it answers, so an operator (or a load
// balancer's log) sees which one is down. Every probe is bounded: a hung dependency is "down".
import { sql } from 'kysely'
import type { RuleContext } from '../rules/context'

export type DependencyState = 'up' | 'down' | 'not_configured'
export interface Readiness {
  ok: boolean
  dependencies: { database: DependencyState; directory: DependencyState; mail: DependencyState }
}

const PROBE_MS = 2000

async function probe(check: (() => Promise<unknown>) | null): Promise<DependencyState> {
  if (!check) return 'not_configured'
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('probe timeout')), PROBE_MS)))
  try {
    await Promise.race([check(), timeout])
    return 'up'
  } catch {
    return 'down'
  } finally {
    clearTimeout(timer)
  }
}

export async function readiness(ctx: RuleContext): Promise<Readiness> {
  const directory = ctx.directory.ping?.bind(ctx.directory) ?? null
  const mail = ctx.notifier.ping?.bind(ctx.notifier) ?? null
  const [database, dir, smtp] = await Promise.all([
    probe(() => sql`select 1`.execute(ctx.store.db)),
    // The local store lives in the database: it has no probe of its own.
    probe(directory),
    probe(mail),
  ])
  const dependencies = { database, directory: dir, mail: smtp }
  return { ok: Object.values(dependencies).every((s) => s !== 'down'), dependencies }
}
