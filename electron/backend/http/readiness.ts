// F1: readiness names each dependency and whether it answers, so an operator (or a load
// balancer's log) sees which one is down. Every probe is bounded: a hung dependency is "down".
// The answer holds states only: never an address, a bind name or an error's text.
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

/**
 * The directory servers this desk depends on: the one users are searched in and every credential
 * store (an LDAP connector may serve resets and agents' sign-in only). Each is bound once, however
 * many roles it has. The local store lives in the database: it has no probe of its own.
 */
function directoryProbe(ctx: RuleContext): (() => Promise<unknown>) | null {
  const servers = [...new Set([ctx.directory, ...Object.values(ctx.credentialStores)])].filter((s) => typeof s.ping === 'function')
  return servers.length > 0 ? () => Promise.all(servers.map((s) => s.ping!())) : null
}

export async function readiness(ctx: RuleContext): Promise<Readiness> {
  const mail = ctx.notifier.ping?.bind(ctx.notifier) ?? null
  const [database, dir, smtp] = await Promise.all([
    probe(() => sql`select 1`.execute(ctx.store.db)),
    probe(directoryProbe(ctx)),
    probe(mail),
  ])
  const dependencies = { database, directory: dir, mail: smtp }
  return { ok: Object.values(dependencies).every((s) => s !== 'down'), dependencies }
}
