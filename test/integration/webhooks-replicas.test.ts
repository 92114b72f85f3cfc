// G6 across processes on one real PostgreSQL: two server replicas deliver each event exactly once
// (rows claimed under FOR UPDATE SKIP LOCKED), and a server killed with SIGKILL after the commit,
// while the delivery was in flight, delivers it after its restart (the claim's lease expires).
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { freePort } from '../helpers/service'
import { nodeFetch } from '../helpers/transports'
import { WebhookReceiver } from '../helpers/webhook-receiver'
import { createRemoteOperations } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'
import type { Operations, Session } from '../../electron/backend/operations'
import type { StoreConfig } from '../../electron/backend/store/database'
import { webhookEventTypes } from '../../shared/domain/integrations'

const pgVariant = storeVariants.find((v) => v.name === 'postgres')!

interface Replica {
  url: string
  proc: ChildProcess
  output: () => string
}

async function startReplica(env: Record<string, string>, port?: number): Promise<Replica> {
  port ??= await freePort()
  let output = ''
  const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/backend/http/main.ts'], {
    env: { ...process.env, ...env, RESETDESK_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout!.on('data', (d) => (output += d))
  proc.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`replica exited: ${output}`)
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) return { url, proc, output: () => output }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`replica did not become ready: ${output}`)
}

const exited = (r: Replica) => new Promise((resolve) => (r.proc.exitCode !== null || r.proc.signalCode !== null ? resolve(null) : r.proc.on('exit', resolve)))

describe.skipIf(pgVariant.skip !== null)('G6 webhooks from server processes on one PostgreSQL', () => {
  let dispose: () => Promise<void>
  let env: Record<string, string>
  let connectionString: string
  const replicas: Replica[] = []
  const receiver = new WebhookReceiver()

  const connect = async (url: string, username: string, password: string) => {
    const ops = createRemoteOperations({ baseUrl: url, secrets: new MemorySecretStore(), fetch: nodeFetch })
    const session: Session = { agentId: null }
    await ops['session:signIn'](session, { username, password })
    return { ops, session }
  }
  /** Start, verify by confirmation and Exit a flow: a work note and a flow.closed event. */
  const closeAFlow = async (agent: { ops: Operations; session: Session }, userId: string) => {
    const recordId = (await agent.ops['records:list'](agent.session, { kind: 'incident', filter: 'assigned_to_me', limit: 1 } as never)).rows[0]!.id
    const f = await agent.ops['flow:start'](agent.session, { recordId, userId, processId: 'proc-standard' })
    await agent.ops['verify:confirmPersonalData'](agent.session, { flowId: f.id, confirmed: true })
    await agent.ops['flow:close'](agent.session, { flowId: f.id, passwordShared: true })
  }
  const deliveryStates = async () => {
    const client = new pg.Client({ connectionString })
    await client.connect()
    try {
      return (await client.query<{ state: string; attempts: number; event_id: string }>('select state, attempts, event_id from webhook_deliveries')).rows
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    await receiver.start()
    const store = await pgVariant.create()
    dispose = store.dispose
    connectionString = (store.config as Extract<StoreConfig, { kind: 'postgres' }>).connectionString
    env = {
      RESETDESK_DATABASE_URL: connectionString,
      RESETDESK_SECRET: randomBytes(32).toString('base64'),
      RESETDESK_DEMO: '1',
      RESETDESK_HASH_COST_LOG2: '10',
      RESETDESK_WEBHOOK_POLL_MS: '200',
      RESETDESK_WEBHOOK_TIMEOUT_MS: '1500',
      RESETDESK_WEBHOOK_LEASE_MS: '2500',
      RESETDESK_WEBHOOK_BACKOFF_MS: '200',
    }
    replicas.push(await startReplica(env))
    replicas.push(await startReplica(env))
  }, 120_000)

  afterAll(async () => {
    for (const r of replicas) r.proc.kill('SIGTERM')
    await Promise.all(replicas.map(exited))
    await receiver.stop()
    await dispose?.()
  })

  it('two replicas: each event is delivered once, whichever replica wrote it', async () => {
    const admin = await connect(replicas[0]!.url, 'admin', 'admin-demo-2026')
    const saved = await admin.ops['admin:webhooks:save'](admin.session, { name: 'ITSM', url: receiver.url, events: [...webhookEventTypes], active: true, rotateSecret: false })
    receiver.secret = saved.secret!
    const a = await connect(replicas[0]!.url, 'desk', 'desk-demo-2026')
    const b = await connect(replicas[1]!.url, 'desk', 'desk-demo-2026')
    // Both replicas wake on every commit (LISTEN/NOTIFY) and race to claim the same rows.
    const users = ['user-alex', 'user-harper-schmidt', 'user-blair']
    for (let i = 0; i < 6; i++) await closeAFlow(i % 2 ? a : b, users[i % users.length]!)
    await receiver.waitFor(() => receiver.acknowledged().size >= 12)
    await new Promise((r) => setTimeout(r, 1_000))
    expect(receiver.received.filter((r) => r.signatureValid)).toHaveLength(12)
    expect(receiver.received).toHaveLength(12)
    expect([...receiver.acknowledged().values()].every((n) => n === 1)).toBe(true)
    await expect.poll(async () => (await deliveryStates()).every((d) => d.state === 'delivered' && d.attempts === 1), { timeout: 5_000 }).toBe(true)
    // The replicas' own logs agree: twelve deliveries between them, none twice.
    const delivered = replicas.map((r) => (r.output().match(/"event":"webhook_delivered"/g) ?? []).length)
    expect(delivered[0]! + delivered[1]!).toBe(12)
  })

  it('a server killed (SIGKILL) with deliveries in flight delivers them after its restart', async () => {
    // One server only, so the redelivery can only come from the restarted one.
    const other = replicas.pop()!
    other.proc.kill('SIGTERM')
    await exited(other)
    const replica = replicas[0]!
    const before = receiver.received.length
    receiver.mode = 'hang'
    const desk = await connect(replica.url, 'desk', 'desk-demo-2026')
    await closeAFlow(desk, 'user-alex')
    // The events are committed and their requests are in flight, unanswered: kill the server now.
    await receiver.waitFor(() => receiver.received.length >= before + 1, 10_000, 'the first request')
    replica.proc.kill('SIGKILL')
    await exited(replica)
    expect((await deliveryStates()).filter((d) => d.state !== 'delivered')).toHaveLength(2)
    receiver.mode = 'ok'
    const port = Number(new URL(replica.url).port)
    replicas[0] = await startReplica(env, port)
    await receiver.waitFor(() => receiver.acknowledged().size >= 14, 20_000, 'the redelivery after restart')
    await expect.poll(async () => (await deliveryStates()).every((d) => d.state === 'delivered'), { timeout: 5_000 }).toBe(true)
    expect([...receiver.acknowledged().values()].every((n) => n === 1)).toBe(true)
    expect(replicas[0]!.output()).toContain('"event":"webhook_delivered"')
  })
})
