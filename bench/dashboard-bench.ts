// B10: the dashboard's queries on 1M audit rows (and 100k closed flows) on SQLite and
// PostgreSQL, each timed on its own over the last 7, 30 and 90 days, then the whole
// dashboard:get call. dayCounts reads ended days from audit_daily (counted once, on the first
// call that needs them: timed on its own) and yesterday and today from the audit. Rows are inserted straight into the tables (the audit refuses UPDATE and
// DELETE, not INSERT); their hashes are placeholders, since only the query plans matter here.
// Prints p50/p95 in ms; asserts nothing. BENCH_AUDIT_ROWS (default 1000000), BENCH_RUNS (50),
// BENCH_STORES=sqlite,postgres.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { createBackend, type Backend } from '../electron/backend/index'
import type { StoreConfig } from '../electron/backend/store/database'
import { dashboardQueries, loadDashboard } from '../electron/backend/dashboard/dashboard-queries'
import { withBenchDatabase } from './pg-database'

const AUDIT_ROWS = Number(process.env.BENCH_AUDIT_ROWS ?? 1_000_000)
const FLOWS = Math.round(AUDIT_ROWS / 10)
const RUNS = Number(process.env.BENCH_RUNS ?? 50)
const STORES = (process.env.BENCH_STORES ?? 'sqlite,postgres').split(',')
const silent = { info() {}, error() {} }
const dayMs = 86_400_000
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!

/** A deterministic stream of numbers in [0, 1), so both stores get the same rows. */
function random(seed: number) {
  let s = seed >>> 0
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32
}

/** The mix of a busy desk's year: sign-ins, sends, checks, resets, flow starts and closes. */
const kinds: [number, string, (r: () => number) => { method: string | null; outcome: string }][] = [
  [0.2, 'session.sign_in', (r) => ({ method: null, outcome: r() < 0.97 ? 'signed_in' : r() < 0.5 ? 'refused' : 'throttled' })],
  [0.15, 'verify.send', (r) => ({ method: r() < 0.7 ? 'email_code' : 'sms_code', outcome: 'sent' })],
  [
    0.25,
    'verify.check',
    (r) => {
      const methods = ['email_code', 'sms_code', 'security_questions', 'personal_data_verify', 'personal_data_confirm', 'totp_code']
      const x = r()
      return { method: methods[Math.floor(r() * methods.length)]!, outcome: x < 0.8 ? 'passed' : x < 0.97 ? 'failed' : 'failed_closed' }
    },
  ],
  [
    0.12,
    'reset',
    (r) => ({ method: ['email_link', 'generate', 'manual'][Math.floor(r() * 3)]!, outcome: r() < 0.95 ? 'done' : 'rate_limited' }),
  ],
  [0.14, 'flow.start', () => ({ method: null, outcome: 'started' })],
  [0.14, 'flow.close', () => ({ method: null, outcome: 'exit' })],
]

async function seed(backend: Backend) {
  const db = backend.store.db
  const now = Date.now()
  const r = random(42)
  const records = (await db.selectFrom('records').select('id').limit(1000).execute()).map((x) => x.id)
  const agents = ['agent-desk', 'agent-admin', 'agent-super']
  const head =
    (
      await db
        .selectFrom('audit')
        .select((eb) => eb.fn.max('seq').as('seq'))
        .executeTakeFirst()
    )?.seq ?? 0
  const batch = 2000
  const t = performance.now()
  for (let start = 0; start < AUDIT_ROWS; start += batch) {
    const rows = []
    for (let i = start; i < Math.min(AUDIT_ROWS, start + batch); i++) {
      let x = r()
      const kind = kinds.find(([share]) => (x -= share) < 0) ?? kinds[0]!
      const { method, outcome } = kind[2](r)
      rows.push({
        seq: Number(head) + i + 1,
        // Spread over the last 365 days, in sequence order (the log is appended in time order).
        at: new Date(now - 365 * dayMs + Math.floor((i / AUDIT_ROWS) * 365 * dayMs)).toISOString(),
        agent_id: agents[i % 3]!,
        record_id: records[i % records.length]!,
        user_id: `user-${i % 5000}`,
        process_id: 'proc-standard',
        flow_id: `bench-flow-${Math.floor(i / 10)}`,
        action: kind[1],
        method,
        outcome,
        detail: '{}',
        prev_hash: 'bench',
        hash: 'bench',
      })
    }
    await db.insertInto('audit').values(rows).execute()
  }
  for (let start = 0; start < FLOWS; start += batch) {
    const rows = []
    for (let i = start; i < Math.min(FLOWS, start + batch); i++) {
      const created = now - 365 * dayMs + Math.floor((i / FLOWS) * 365 * dayMs)
      const closed = created + Math.floor(60_000 + r() * 600_000)
      rows.push({
        id: `bench-flow-${i}`,
        record_id: records[i % records.length]!,
        user_id: `user-${i % 5000}`,
        process_id: 'proc-standard',
        agent_id: agents[i % 3]!,
        state: 'closed',
        open_user_id: null,
        created_at: new Date(created).toISOString(),
        last_activity_at: new Date(closed).toISOString(),
        closed_at: new Date(closed).toISOString(),
        close_reason: r() < 0.9 ? 'exit' : 'expired',
        approved_by: null,
        sends: 0,
        last_send_at: null,
      })
    }
    await db.insertInto('flows').values(rows).execute()
  }
  console.log(
    `  seeded ${AUDIT_ROWS.toLocaleString()} audit rows and ${FLOWS.toLocaleString()} flows in ${((performance.now() - t) / 1000).toFixed(1)} s`,
  )
  // Fresh statistics and (PostgreSQL) a visibility map, as autovacuum keeps them on a live desk
  // after inserts; without it an index-only scan still visits the table.
  await (backend.store.dialect === 'postgres' ? sql`vacuum analyze` : sql`analyze`).execute(db)
}

async function time(fn: () => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    await fn()
    samples.push(performance.now() - t)
  }
  samples.sort((a, b) => a - b)
  return `${percentile(samples, 50).toFixed(2).padStart(8)} ${percentile(samples, 95).toFixed(2).padStart(8)}`
}

async function benchStore(name: string, store: StoreConfig) {
  console.log(`\n${name}`)
  const backend = await createBackend({ store, demo: true, hashCost: { N: 1024 }, log: silent, sweepEverySeconds: 0, webhooks: false })
  try {
    await seed(backend)
    console.log(`  ${'query'.padEnd(28)} ${'range'.padEnd(6)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)}`)
    const today = new Date().toISOString().slice(0, 10)
    for (const days of [7, 30, 90]) {
      const from = new Date(Date.now() - (days - 1) * dayMs).toISOString().slice(0, 10)
      const q = dashboardQueries(backend.ctx, from, today)
      // The first call counts the ended days no call has counted yet into audit_daily.
      const t = performance.now()
      await q.dayCounts()
      console.log(
        `  ${'dayCounts, first call'.padEnd(28)} ${`${days}d`.padEnd(6)} ${(performance.now() - t).toFixed(2).padStart(8)}   (once)`,
      )
      for (const [label, fn] of Object.entries(q)) console.log(`  ${label.padEnd(28)} ${`${days}d`.padEnd(6)} ${await time(fn)}`)
      console.log(
        `  ${'dashboard:get (all, parallel)'.padEnd(28)} ${`${days}d`.padEnd(6)} ${await time(() => loadDashboard(backend.ctx, 'agent-super', { from, to: today }))}`,
      )
    }
  } finally {
    await backend.close()
  }
}

const dir = mkdtempSync(join(tmpdir(), 'resetdesk-dashboard-bench-'))
try {
  if (STORES.includes('sqlite')) await benchStore('SQLite', { kind: 'sqlite', file: join(dir, 'bench.sqlite') })
  if (STORES.includes('postgres'))
    await withBenchDatabase('resetdesk_dashboard_bench', (connectionString) =>
      benchStore('PostgreSQL', { kind: 'postgres', connectionString }),
    )
} finally {
  rmSync(dir, { recursive: true, force: true })
}
