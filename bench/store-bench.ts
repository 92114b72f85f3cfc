// PRODUCT.md §5: 100k incidents — first page and search p95 under 10 ms on SQLite and PostgreSQL;
// the embedded backend with 100k incidents under 150 MB resident. Prints figures; asserts nothing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { sql } from 'kysely'
import { execFileSync } from 'node:child_process'
import { build } from 'esbuild'
import { createBackend, type Backend } from '../electron/backend/index'
import type { StoreConfig } from '../electron/backend/store/database'
import { generateRecords, insertBatches } from '../electron/backend/demo/seed'
import { findPgBin, startPgCluster } from '../test/helpers/pg-cluster'
import type { Session } from '../electron/backend/operations'

const N = Number(process.env.BENCH_RECORDS ?? 100_000)
const RUNS = 200
const silent = { info() {}, error() {} }

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function timeIt(fn: () => Promise<unknown>): Promise<{ p50: number; p95: number }> {
  for (let i = 0; i < 10; i++) await fn() // warm caches and plans
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    await fn()
    samples.push(performance.now() - t)
  }
  samples.sort((a, b) => a - b)
  return { p50: percentile(samples, 50), p95: percentile(samples, 95) }
}

async function seed(backend: Backend) {
  const users = await backend.store.db.selectFrom('directory_users').select(['id', 'display_name as displayName']).execute()
  const rows = generateRecords({ incidents: N, interactions: 0, now: new Date(), users, seed: 99, firstNumber: 100_000 })
  const t = performance.now()
  await backend.store.db.transaction().execute((trx) => insertBatches(trx, 'records', rows, 500))
  // What autovacuum (PostgreSQL) and `PRAGMA optimize` (SQLite) do on a running system.
  await sql.raw(backend.store.dialect === 'postgres' ? 'vacuum analyze' : 'analyze').execute(backend.store.db)
  return performance.now() - t
}

async function benchStore(name: string, store: StoreConfig) {
  const backend = await createBackend({ store, demo: true, hashCost: { N: 1024 }, log: silent })
  const seedMs = await seed(backend)
  const session: Session = { agentId: null }
  await backend.ops['session:signIn'](session, { username: 'desk', password: 'desk-demo-2026' })
  const list = (filter: 'assigned_to_me' | 'my_groups' | 'all_open', q = '', sort: 'openedAt' | 'number' | 'priority' = 'openedAt') => () =>
    backend.ops['records:list'](session, { kind: 'incident', filter, q, sort, dir: 'desc', offset: 0, limit: 50 })
  const cases: [string, () => Promise<unknown>][] = [
    ['first page: assigned to me', list('assigned_to_me')],
    ['first page: my groups', list('my_groups')],
    ['first page: all open', list('all_open')],
    ['first page: all open by number', list('all_open', '', 'number')],
    ['search: number INC0150000', list('all_open', 'inc0150000')],
    ['search: caller "larsen"', list('all_open', 'larsen')],
    ['search: text "vpn"', list('all_open', 'vpn')],
    ['search: no match "zebra"', list('all_open', 'zebra')],
  ]
  console.log(`\n${name}: ${N.toLocaleString()} incidents seeded in ${(seedMs / 1000).toFixed(1)} s`)
  for (const [label, fn] of cases) {
    const { p50, p95 } = await timeIt(fn)
    console.log(`  ${label.padEnd(34)} p50 ${p50.toFixed(2).padStart(7)} ms   p95 ${p95.toFixed(2).padStart(7)} ms`)
  }
  await backend.close()
}

const dir = mkdtempSync(join(tmpdir(), 'resetdesk-bench-'))
try {
  const file = join(dir, 'bench.sqlite')
  await benchStore('SQLite', { kind: 'sqlite', file })
  // Resident memory of a fresh plain-Node process that opens the 100k-incident store and serves
  // the lists — bundled first, as electron-vite bundles main, so no TypeScript loader is counted.
  const bundle = join(import.meta.dirname, '..', 'out', 'bench', 'embedded-rss.mjs')
  await build({ entryPoints: [join(import.meta.dirname, 'embedded-rss.ts')], bundle: true, platform: 'node', format: 'esm', packages: 'external', outfile: bundle, logLevel: 'silent' })
  const out = execFileSync(process.execPath, [bundle, file], { cwd: join(import.meta.dirname, '..') }).toString()
  console.log(`  ${out.trim()}`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}

let url = process.env.BENCH_PG_URL ?? null
let stop = () => {}
if (!url) {
  const bin = findPgBin()
  if (bin && process.getuid?.() === 0) {
    const cluster = await startPgCluster(bin)
    url = cluster.url
    stop = cluster.stop
  }
}
if (url) {
  try {
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query('drop database if exists resetdesk_bench')
    await admin.query('create database resetdesk_bench')
    await admin.end()
    const u = new URL(url)
    u.pathname = '/resetdesk_bench'
    await benchStore('PostgreSQL', { kind: 'postgres', connectionString: u.toString() })
  } finally {
    stop()
  }
} else {
  console.log('\nPostgreSQL: skipped (no server: set BENCH_PG_URL, or run as root with postgresql installed)')
}
