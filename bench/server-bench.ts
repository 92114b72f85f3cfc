// PRODUCT.md §5: each backend step p95 under 25 ms with 50 concurrent agents on one PostgreSQL, under
// 50 ms with 200 (the deliberate slow hashing excluded: the server runs with a low scrypt cost here).
// N simulated agents (BENCH_AGENTS, or the first argument; default 50), each with its own record and
// user, run three full flows at the same time against the standalone server in its own process;
// prints p50/p95 per step, and beside it the statements one flow's step sends to PostgreSQL
// (counted in-process on a quiet server before the run, round trips including BEGIN/COMMIT).
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { createBackend } from '../electron/backend/index'
import { slowHash } from '../electron/backend/crypto/secrets'
import { findPgBin, startPgCluster } from '../test/helpers/pg-cluster'
import { freePort } from '../test/helpers/service'
import { createRemoteOperations } from '../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../electron/main/secrets/secret-store'
import type { Session } from '../electron/backend/operations'
import { dispatch } from '../electron/backend/dispatch'

const AGENTS = Number(process.argv[2] ?? process.env.BENCH_AGENTS ?? 50)
const ROUNDS = 3 // R4 allows three resets per user per day
const bin = findPgBin()
if (!bin || process.getuid?.() !== 0) {
  console.log('server bench skipped: needs PostgreSQL installed and root (throwaway cluster)')
  process.exit(0)
}
const cluster = await startPgCluster(bin)
const admin = new pg.Client({ connectionString: cluster.url })
await admin.connect()
await admin.query('create database resetdesk_server_bench')
await admin.end()
const dbUrl = cluster.url.replace(/\/postgres$/, '/resetdesk_server_bench')
const secret = randomBytes(32).toString('base64')

// Seed the demo desk, then one agent, one user and one assigned record per simulated agent.
const seeding = await createBackend({ store: { kind: 'postgres', connectionString: dbUrl }, demo: true, hashCost: { N: 1024 }, sweepEverySeconds: 0, webhooks: false, log: { info() {}, error() {} } })
const agentHash = await slowHash('bench-agent-password', { N: 1024 })
await seeding.store.db.transaction().execute(async (trx) => {
  // One more (index AGENTS) for the in-process statement count.
  for (let i = 0; i <= AGENTS; i++) {
    await trx.insertInto('agents').values({ id: `bench-agent-${i}`, username: `bench${i}`, display_name: `Bench Agent ${i}`, password_hash: agentHash, roles: '["password_reset_service_desk"]', groups: '["Service Desk"]' }).execute()
    await trx.insertInto('directory_users').values({
      id: `bench-user-${i}`, username: `bench.user${i}`, display_name: `Bench User ${i}`, email: `bench.user${i}@example.com`, mobiles: '[]', groups: '["All Staff"]',
      department: 'Bench', title: 'Tester', protected: 0, locked_at: null, must_change: 0, password_hash: null, password_changed_at: null, contact_changed_at: null,
    }).execute()
    await trx.insertInto('records').values({
      id: `bench-rec-${i}`, kind: 'incident', number: `INC9${String(i).padStart(6, '0')}`, short_description: 'Password reset request', description: 'Bench',
      caller_id: `bench-user-${i}`, caller_name: `Bench User ${i}`, state: 'In Progress', active: 1, priority: 3, channel: null, assignment_group: 'Service Desk',
      assigned_to: `bench-agent-${i}`, assigned_to_name: `Bench Agent ${i}`, opened_at: new Date().toISOString(), search_text: `bench user ${i}`,
    }).execute()
  }
})
// Statements per step: one flow through the same rules in this process, every pg query counted.
const statements: Record<string, number> = {}
{
  let counted = 0
  const query = pg.Client.prototype.query
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    counted++
    // BENCH_SHOW_SQL=1 prints each statement (where to cut round trips).
    if (process.env.BENCH_SHOW_SQL) console.log(`    sql: ${String((args[0] as { text?: string })?.text ?? args[0]).slice(0, 160)}`)
    return (query as (...a: unknown[]) => unknown).apply(this, args)
  } as typeof query
  // Through dispatch, as the server calls the operations (inputs parsed, defaults filled).
  const ops = new Proxy({} as typeof seeding.ops, {
    get: (_, channel) => async (session: Session, input: unknown) => {
      const result = await dispatch(seeding.ops, { error() {} }, session, channel, input)
      if (!result.ok) throw new Error(`${String(channel)}: ${result.error.code}`)
      return result.data
    },
  })
  const s: Session = { agentId: `bench-agent-${AGENTS}` }
  const i = AGENTS
  const count = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    counted = 0
    if (process.env.BENCH_SHOW_SQL) console.log(`  ${step}`)
    const result = await work()
    statements[step] = counted
    return result
  }
  await count('records:list', () => ops['records:list'](s, { kind: 'incident', filter: 'assigned_to_me' } as never))
  await count('processes:forUser', () => ops['processes:forUser'](s, { userId: `bench-user-${i}` }))
  const flow = await count('flow:start', () => ops['flow:start'](s, { recordId: `bench-rec-${i}`, userId: `bench-user-${i}`, processId: 'proc-standard' }))
  await count('verify:sendCode', () => ops['verify:sendCode'](s, { flowId: flow.id, method: 'email_code' }))
  const mail = await count('demo:mailbox', () => ops['demo:mailbox'](s, { userId: `bench-user-${i}` }))
  const code = mail.find((m) => m.body.includes('verification code'))!.body.match(/\d{6}/)![0]
  await count('verify:checkCode', () => ops['verify:checkCode'](s, { flowId: flow.id, method: 'email_code', code }))
  await count('reset:run (generate)', () => ops['reset:run'](s, { flowId: flow.id, method: 'generate' }))
  await count('flow:close', () => ops['flow:close'](s, { flowId: flow.id, passwordShared: true }))
  pg.Client.prototype.query = query
}
await seeding.close()

const port = await freePort()
const server = spawn(process.execPath, ['--import', 'tsx', 'electron/backend/http/main.ts'], {
  env: { ...process.env, RESETDESK_DATABASE_URL: dbUrl, RESETDESK_SECRET: secret, RESETDESK_PORT: String(port), RESETDESK_HASH_COST_LOG2: '10', RESETDESK_DB_POOL: '20', RESETDESK_DEMO: '1' },
  stdio: ['ignore', 'ignore', 'inherit'],
})
const baseUrl = `http://127.0.0.1:${port}`
for (let i = 0; i < 300 && !(await fetch(`${baseUrl}/readyz`).then((r) => r.ok, () => false)); i++) await new Promise((r) => setTimeout(r, 100))

const samples: Record<string, number[]> = {}
// Agents are people: between two steps each one reads, asks the caller, types (0.5–1.5 s here,
// far quicker than a real call, so 50 agents press the server harder than a real desk would).
const think = () => new Promise((r) => setTimeout(r, 500 + Math.random() * 1000))

async function timed<T>(step: string, work: () => Promise<T>): Promise<T> {
  await think()
  const t = performance.now()
  try {
    return await work()
  } finally {
    ;(samples[step] ??= []).push(performance.now() - t)
  }
}

let signingIn = 0
const signInWaiters: (() => void)[] = []
async function signInSlot<T>(work: () => Promise<T>): Promise<T> {
  while (signingIn >= 5) await new Promise<void>((r) => signInWaiters.push(r))
  signingIn++
  try {
    return await work()
  } finally {
    signingIn--
    signInWaiters.shift()?.()
  }
}

async function agent(i: number) {
  const ops = createRemoteOperations({ baseUrl, secrets: new MemorySecretStore(), fetch: (u, init) => fetch(u, init) })
  const s: Session = { agentId: null }
  // G3 counts a sign-in in flight as a try until it succeeds, 10 per client address: the agents all
  // come from this one address, so at most 5 sign in at a time (a real desk has an address each).
  await signInSlot(() => timed('session:signIn', () => ops['session:signIn'](s, { username: `bench${i}`, password: 'bench-agent-password' })))
  await timed('records:list', () => ops['records:list'](s, { kind: 'incident', filter: 'assigned_to_me' } as never))
  for (let round = 0; round < ROUNDS; round++) {
    await timed('processes:forUser', () => ops['processes:forUser'](s, { userId: `bench-user-${i}` }))
    const flow = await timed('flow:start', () => ops['flow:start'](s, { recordId: `bench-rec-${i}`, userId: `bench-user-${i}`, processId: 'proc-standard' }))
    await timed('verify:sendCode', () => ops['verify:sendCode'](s, { flowId: flow.id, method: 'email_code' }))
    const mail = await timed('demo:mailbox', () => ops['demo:mailbox'](s, { userId: `bench-user-${i}` }))
    const code = mail.find((m) => m.body.includes('verification code'))!.body.match(/\d{6}/)![0]
    await timed('verify:checkCode', () => ops['verify:checkCode'](s, { flowId: flow.id, method: 'email_code', code }))
    await timed('reset:run (generate)', () => ops['reset:run'](s, { flowId: flow.id, method: 'generate' }))
    await timed('flow:close', () => ops['flow:close'](s, { flowId: flow.id, passwordShared: true }))
  }
}

try {
  const started = performance.now()
  await Promise.all(Array.from({ length: AGENTS }, (_, i) => agent(i)))
  const seconds = (performance.now() - started) / 1000
  console.log(`\nStandalone server on PostgreSQL, ${AGENTS} concurrent agents x ${ROUNDS} full flows in ${seconds.toFixed(1)} s (scrypt cost lowered to 2^10)`)
  console.log(`  ${'step'.padEnd(22)} ${'n'.padStart(5)}  ${'p50 ms'.padStart(8)}  ${'p95 ms'.padStart(8)}  statements`)
  for (const [step, list] of Object.entries(samples)) {
    list.sort((a, b) => a - b)
    const p = (q: number) => list[Math.min(list.length - 1, Math.floor(q * list.length))]!.toFixed(1)
    console.log(`  ${step.padEnd(22)} ${String(list.length).padStart(5)}  ${p(0.5).padStart(8)}  ${p(0.95).padStart(8)}  ${String(statements[step] ?? '-').padStart(10)}`)
  }
} finally {
  server.kill('SIGTERM')
  await new Promise((r) => server.on('exit', r))
  cluster.stop()
}
