// PRODUCT.md §5 / issue 14: lists and searches at 100k and 1M incidents on SQLite and PostgreSQL,
// each ResetDesk operation beside the bare prepared query for the same rows, measured interleaved
// in the same process (ratio = ResetDesk ÷ bare); then the embedded backend's resident memory.
// Prints one table; asserts nothing. BENCH_SCALES=100000,1000000 (default) picks the sizes,
// BENCH_STORES=sqlite,postgres the stores.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import Database from 'better-sqlite3'
import pg from 'pg'
import { sql, type KyselyPlugin } from 'kysely'
import { build } from 'esbuild'
import { createBackend, type Backend } from '../electron/backend/index'
import { patternMatch, searchPlannerOptions, sqliteCacheKiB, type StoreConfig } from '../electron/backend/store/database'
import { generateRecords, insertBatches } from '../electron/backend/demo/seed'
import { withBenchDatabase } from './pg-database'
import type { Session } from '../electron/backend/operations'
import { recordCountCap, recordPageSize, recordSearchCountCap, type InputOf } from '../shared/ipc/contract'

const SCALES = (process.env.BENCH_SCALES ?? '100000,1000000').split(',').map(Number)
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',')
const RUNS = Number(process.env.BENCH_RUNS ?? 200)
/** Only the cases whose label matches (a regular expression), e.g. BENCH_CASES='larsen|count'. */
const CASES = new RegExp(process.env.BENCH_CASES ?? '')
const CHUNK = 100_000
const silent = { info() {}, error() {} }

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

/** A prepared statement run directly on the driver: the floor ResetDesk is compared with. */
type Bare = () => Promise<unknown>

/** Times ResetDesk and the bare query alternately, so both see the same machine load. */
async function timePair(ours: () => Promise<unknown>, bare: Bare) {
  for (let i = 0; i < 10; i++) {
    await ours() // warm caches and plans
    await bare()
  }
  const a: number[] = []
  const b: number[] = []
  for (let i = 0; i < RUNS; i++) {
    let t = performance.now()
    await ours()
    a.push(performance.now() - t)
    t = performance.now()
    await bare()
    b.push(performance.now() - t)
  }
  a.sort((x, y) => x - y)
  b.sort((x, y) => x - y)
  return { ours: { p50: percentile(a, 50), p95: percentile(a, 95) }, bare: { p50: percentile(b, 50), p95: percentile(b, 95) } }
}

/** A statement as the backend ran it, and whether on the store's search connections. */
interface Captured {
  sql: string
  parameters: readonly unknown[]
  search: boolean
}

/** Records the SQL of the last rows query the backend ran (a select from records with an order by). */
function captureRowsQuery(backend: Backend) {
  let last: (Captured & { queryId: unknown }) | null = null
  const executor = backend.store.db.getExecutor()
  const capturing: KyselyPlugin = {
    transformQuery(args) {
      const compiled = executor.compileQuery(args.node, args.queryId)
      // (A search driven from SQLite's FTS matches reads `from (… records_fts …) cross join "records"`.)
      if (/^select .*"records".* order by/is.test(compiled.sql) && !/count\(/i.test(compiled.sql))
        last = { sql: compiled.sql, parameters: compiled.parameters, search: false, queryId: args.queryId }
      return args.node
    },
    async transformResult(args) {
      return args.result
    },
  }
  // Statements are built on `db`; one driven from a search's matches runs on `searchDb`, which says so.
  const onSearchConnections: KyselyPlugin = {
    transformQuery: (args) => args.node,
    async transformResult(args) {
      if (last && last.queryId === args.queryId) last.search = true
      return args.result
    },
  }
  backend.ctx.store = {
    ...backend.ctx.store,
    db: backend.store.db.withPlugin(capturing),
    searchDb: backend.store.searchDb.withPlugin(onSearchConnections),
  }
  return () => last!
}

function bareRunner(store: StoreConfig): { prepare(q: Captured): Bare; close(): Promise<void> } {
  if (store.kind === 'sqlite') {
    const db = new Database(store.file, { readonly: true })
    db.pragma(`cache_size = -${sqliteCacheKiB}`) // as the store opens its own connection
    return {
      prepare: (q) => {
        const stmt = db.prepare(q.sql)
        return async () => stmt.all(...(q.parameters as unknown[]))
      },
      close: async () => {
        db.close()
      },
    }
  }
  const plain = new pg.Client({ connectionString: store.connectionString })
  const search = new pg.Client({ connectionString: store.connectionString, options: searchPlannerOptions })
  const ready = Promise.all([plain.connect(), search.connect()])
  let n = 0
  return {
    prepare: (q) => {
      // Named (parsed once, and planned once when a generic plan serves) as ResetDesk names it: a
      // LIKE search goes unnamed from both, planned for its term on each run (a generic plan
      // ignores the term: it made a rare prefix's bare page 2.85× faster than its own plan at 100k).
      const name = patternMatch.test(q.sql) ? undefined : `bare_${n++}`
      const client = q.search ? search : plain
      return async () => {
        await ready
        return client.query({ name, text: q.sql, values: q.parameters as unknown[] })
      }
    },
    close: async () => {
      await Promise.all([plain.end(), search.end()])
    },
  }
}

type ListInput = InputOf<'records:list'>
interface Row {
  store: string
  scale: number
  label: string
  ours: { p50: number; p95: number }
  bare: { p50: number; p95: number } | null
}

async function benchStore(name: string, store: StoreConfig, rows: Row[]) {
  const backend = await createBackend({ store, demo: true, hashCost: { N: 1024 }, log: silent })
  const rowsQuery = captureRowsQuery(backend)
  const users = await backend.store.db.selectFrom('directory_users').select(['id', 'display_name as displayName']).execute()
  const session: Session = { agentId: null }
  await backend.ops['session:signIn'](session, { username: 'desk', password: 'desk-demo-2026' })
  // A supervisor, to whom no record is assigned: an agent's own list that holds nothing.
  const supervisor: Session = { agentId: null }
  await backend.ops['session:signIn'](supervisor, { username: 'super', password: 'super-demo-2026' })
  const bare = bareRunner(store)
  let seeded = 0
  for (const scale of SCALES) {
    const t = performance.now()
    for (; seeded < scale; seeded += CHUNK) {
      const chunk = generateRecords({
        incidents: Math.min(CHUNK, scale - seeded),
        interactions: 0,
        now: new Date(),
        users,
        seed: 99 + seeded,
        firstNumber: 100_000 + seeded,
      })
      await backend.store.db.transaction().execute((trx) => insertBatches(trx, 'records', chunk, 500))
    }
    // What autovacuum (PostgreSQL) and `PRAGMA optimize` (SQLite) do on a running system.
    await sql.raw(backend.store.dialect === 'postgres' ? 'vacuum analyze' : 'analyze').execute(backend.store.db)
    console.log(`${name}: ${scale.toLocaleString()} incidents ready in ${((performance.now() - t) / 1000).toFixed(1)} s`)

    const list =
      (input: Partial<ListInput>, who = session) =>
      () =>
        backend.ops['records:list'](who, {
          kind: 'incident',
          filter: 'all_open',
          q: '',
          sort: 'openedAt',
          dir: 'desc',
          offset: 0,
          limit: recordPageSize,
          ...input,
        })
    // The page the UI reaches last (the count stops at 10k): by offset after a jump, by keyset when scrolled to.
    const deep = await backend.ops['records:list'](session, {
      kind: 'incident',
      filter: 'all_open',
      q: '',
      sort: 'openedAt',
      dir: 'desc',
      offset: recordCountCap - 2 * recordPageSize,
      limit: recordPageSize,
    })
    const pivot = deep.rows.at(-1)
    const deepByPriority = await list({ sort: 'priority', dir: 'desc', offset: recordCountCap - 2 * recordPageSize })()
    const priorityPivot = deepByPriority.rows.at(-1)
    /** For each term, the keyset page the console asks for last, and the whole walk there as one case. */
    const lastSearchPages = async (terms: string[]) => {
      const out: [string, () => Promise<unknown>][] = []
      for (const q of terms) {
        const pages = recordSearchCountCap / recordPageSize
        const walk = async () => {
          let after: ListInput['after']
          let beforeLast: ListInput['after']
          for (let page = 0; page < pages; page++) {
            const { rows } = await list({ q, ...(after ? { after } : {}) })()
            if (rows.length < recordPageSize) return null
            beforeLast = after
            after = { value: rows.at(-1)!.openedAt, id: rows.at(-1)!.id }
          }
          return beforeLast!
        }
        const after = await walk()
        if (!after) continue
        out.push([`search: "${q}", last page (keyset after ${recordSearchCountCap - recordPageSize})`, list({ q, after })])
        jumps.push([`search: "${q}", jump to the last page (${pages} pages)`, walk])
      }
      return out
    }
    const jumps: [string, () => Promise<unknown>][] = []
    const number = `inc${String(10000 + 100_000 + Math.floor(scale / 2)).padStart(7, '0')}`
    // A number prefix that matches the last tenth of the numbers ("inc019" at 100k, "inc10" at 1M):
    // common, and clustered at the far end of the list by number.
    const lastNumber = 10000 + 100_000 + scale - 1
    const tenth = 10 ** (Math.round(Math.log10(scale)) - 1)
    const lastTenth = `inc${String(Math.floor(lastNumber / tenth) - 1).padStart(7 - Math.log10(tenth), '0')}`
    const cases: [string, () => Promise<unknown>][] = [
      ['first page: assigned to me', list({ filter: 'assigned_to_me' })],
      ['first page: my groups', list({ filter: 'my_groups' })],
      ['first page: all open', list({})],
      ['first page: all open by number', list({ sort: 'number', dir: 'asc' })],
      ['first page: all open by priority', list({ sort: 'priority', dir: 'desc' })],
      ['first page: my groups by caller', list({ filter: 'my_groups', sort: 'callerName', dir: 'asc' })],
      ['first page: assigned to me by state', list({ filter: 'assigned_to_me', sort: 'state', dir: 'asc' })],
      // (At small sizes the list may not reach that far: then there is no deep page to time.)
      ...(pivot
        ? ([
            ['deep page (offset 9,900)', list({ offset: recordCountCap - recordPageSize })],
            ['deep page (keyset after 9,900)', list({ after: { value: pivot.openedAt, id: pivot.id } })],
            ['deep page by priority (offset 9,900)', list({ sort: 'priority', dir: 'desc', offset: recordCountCap - recordPageSize })],
            [
              'deep page by priority (keyset after 9,900)',
              list({ sort: 'priority', dir: 'desc', after: { value: priorityPivot!.priority, id: priorityPivot!.id } }),
            ],
          ] as [string, () => Promise<unknown>][])
        : []),
      [`search: number ${number.toUpperCase()}`, list({ q: number })],
      ['search: caller "larsen"', list({ q: 'larsen' })],
      ['search: text "vpn"', list({ q: 'vpn' })],
      ['search: no match "zebra"', list({ q: 'zebra' })],
      ['search: my groups, text "printer"', list({ filter: 'my_groups', q: 'printer' })],
      // A caller in 2% of records: near where walking the list and driving from the matches cost the same.
      ['search: caller "jamie garcia"', list({ q: 'jamie garcia' })],
      // A common term in a list that holds nothing (SQLite's bounded walk, then the list's end seen).
      ['search: an empty list (super, assigned to me), "larsen"', list({ filter: 'assigned_to_me', q: 'larsen' }, supervisor)],
      // A number prefix: its matches are consecutive records (clustered in the table's order).
      ['search: number prefix "inc0115"', list({ q: 'inc0115' })],
      // A common term whose records all lie at the far end of the list's order: the walk's bound
      // runs out and the matches answer (the cost of reading them all and sorting).
      [`search: "${lastTenth}" (10%, the far end) by number`, list({ q: lastTenth, sort: 'number', dir: 'asc' })],
      // The last page a search's list reaches (its count stops at 1,000), which the console
      // reaches by keyset, each page after the one before.
      ...(await lastSearchPages(['larsen', 'jamie garcia'])),
    ]
    for (const [label, fn] of cases.filter(([label]) => CASES.test(label))) {
      await fn()
      const result = await timePair(fn, bare.prepare(rowsQuery()))
      rows.push({ store: name, scale, label, ...result })
    }
    // A jump to a search's end: the pages one after another, as the console fetches them (no bare query).
    for (const [label, fn] of jumps.filter(([label]) => CASES.test(label)))
      rows.push({ store: name, scale, label, ours: (await timePair(fn, async () => {})).ours, bare: null })
    const count =
      (q: string, filter: ListInput['filter'] = 'all_open') =>
      () =>
        backend.ops['records:count'](session, { kind: 'incident', filter, q })
    const counts = [
      ['count: all open (capped 10k)', count('')],
      ['count: "vpn" (capped 1k)', count('vpn')],
      ['count: "larsen" (capped 1k)', count('larsen')],
      ['count: "jamie garcia" (capped 1k)', count('jamie garcia')],
      ['count: "inc0115"', count('inc0115')],
      [`count: "${lastTenth}" (10%, clustered)`, count(lastTenth)],
      ['count: my groups, "printer" (capped 1k)', count('printer', 'my_groups')],
    ] as const
    for (const [label, fn] of counts.filter(([label]) => CASES.test(label))) {
      const r = await timePair(fn, async () => {})
      rows.push({ store: name, scale, label, ours: r.ours, bare: null })
    }
  }
  await bare.close()
  await backend.close()
}

const f = (n: number) => n.toFixed(2).padStart(7)
function printTable(rows: Row[]) {
  console.log(
    `\n${'store'.padEnd(10)} ${'rows'.padStart(9)}  ${'case'.padEnd(50)} ${'ResetDesk p50'.padStart(13)} ${'p95'.padStart(7)}   ${'bare p50'.padStart(8)} ${'p95'.padStart(7)}   ratio p50 / p95`,
  )
  for (const r of rows) {
    const ratio = r.bare ? `${(r.ours.p50 / r.bare.p50).toFixed(2)} / ${(r.ours.p95 / r.bare.p95).toFixed(2)}` : '—'
    console.log(
      `${r.store.padEnd(10)} ${r.scale.toLocaleString().padStart(9)}  ${r.label.padEnd(50)} ${f(r.ours.p50).padStart(13)} ${f(r.ours.p95)}   ${(r.bare ? f(r.bare.p50) : '—').padStart(8)} ${r.bare ? f(r.bare.p95) : '      —'}   ${ratio}`,
    )
  }
}

const rows: Row[] = []
const dir = mkdtempSync(join(tmpdir(), 'resetdesk-bench-'))
let rssLine = ''
try {
  if (STORES.includes('sqlite')) {
    const file = join(dir, 'bench.sqlite')
    await benchStore('SQLite', { kind: 'sqlite', file }, rows)
    // Resident memory of a fresh plain-Node process that opens the seeded store and serves the
    // lists — bundled first, as electron-vite bundles main, so no TypeScript loader is counted.
    const bundle = join(import.meta.dirname, '..', 'out', 'bench', 'embedded-rss.mjs')
    await build({
      entryPoints: [join(import.meta.dirname, 'embedded-rss.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      packages: 'external',
      outfile: bundle,
      logLevel: 'silent',
    })
    rssLine = execFileSync(process.execPath, [bundle, file], { cwd: join(import.meta.dirname, '..') })
      .toString()
      .trim()
  }
} finally {
  rmSync(dir, { recursive: true, force: true })
}

if (STORES.includes('postgres'))
  await withBenchDatabase('resetdesk_bench', (connectionString) => benchStore('PostgreSQL', { kind: 'postgres', connectionString }, rows))
printTable(rows)
if (rssLine) console.log(`\n${rssLine}`)
