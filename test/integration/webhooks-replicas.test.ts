// G6 across processes on one real PostgreSQL: two server replicas deliver each event exactly once
// (rows claimed under FOR UPDATE SKIP LOCKED), and a server killed with SIGKILL after the commit,
// while the delivery was in flight, delivers it after its restart (the claim's lease expires).
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replicasSkip, signInThrough, startReplicasOnPostgres, type Console, type Replica, type ReplicaSet } from '../helpers/replica'
import { WebhookReceiver } from '../helpers/webhook-receiver'
import { webhookEventTypes } from '../../shared/domain/integrations'

describe.skipIf(replicasSkip !== null)('G6 webhooks from server processes on one PostgreSQL', () => {
  let set: ReplicaSet
  const receiver = new WebhookReceiver()

  /** Start, verify by confirmation and Exit a flow: one flow.closed event (it changed nothing, so no work note: R7). */
  const closeAFlow = async (agent: Console, userId: string) => {
    const recordId = (await agent.ops['records:list'](agent.session, { kind: 'incident', filter: 'assigned_to_me', limit: 1 } as never))
      .rows[0]!.id
    const f = await agent.ops['flow:start'](agent.session, { recordId, userId, processId: 'proc-standard' })
    await agent.ops['verify:confirmPersonalData'](agent.session, { flowId: f.id, confirmed: true })
    await agent.ops['flow:close'](agent.session, { flowId: f.id, passwordShared: true })
  }
  const deliveryStates = async () => {
    const client = new pg.Client({ connectionString: set.connectionString })
    await client.connect()
    try {
      return (
        await client.query<{ state: string; attempts: number; event_id: string }>(
          'select state, attempts, event_id from webhook_deliveries',
        )
      ).rows
    } finally {
      await client.end()
    }
  }

  beforeAll(async () => {
    await receiver.start()
    set = await startReplicasOnPostgres(2, {
      agents: ['desk', 'desk'],
      env: {
        RESETDESK_WEBHOOK_POLL_MS: '200',
        RESETDESK_WEBHOOK_TIMEOUT_MS: '1500',
        RESETDESK_WEBHOOK_LEASE_MS: '2500',
        RESETDESK_WEBHOOK_BACKOFF_MS: '200',
      },
    })
  }, 120_000)

  afterAll(async () => {
    await set?.stop()
    await receiver.stop()
  })

  it('two replicas: each event is delivered once, whichever replica wrote it', async () => {
    const [replicaA, replicaB] = set.replicas as [Replica, Replica]
    const admin = await signInThrough(replicaA, 'admin')
    const saved = await admin.ops['admin:webhooks:save'](admin.session, {
      name: 'ITSM',
      url: receiver.url,
      events: [...webhookEventTypes],
      active: true,
      rotateSecret: false,
    })
    receiver.secret = saved.secret!
    const [a, b] = set.consoles as [Console, Console]
    // Both replicas wake on every commit (LISTEN/NOTIFY) and race to claim the same rows.
    const users = ['user-alex', 'user-harper-schmidt', 'user-blair']
    for (let i = 0; i < 12; i++) await closeAFlow(i % 2 ? a : b, users[i % users.length]!)
    await receiver.waitFor(() => receiver.acknowledged().size >= 12)
    await new Promise((r) => setTimeout(r, 1_000))
    expect(receiver.received.filter((r) => r.signatureValid)).toHaveLength(12)
    expect(receiver.received).toHaveLength(12)
    expect([...receiver.acknowledged().values()].every((n) => n === 1)).toBe(true)
    await expect
      .poll(async () => (await deliveryStates()).every((d) => d.state === 'delivered' && d.attempts === 1), { timeout: 5_000 })
      .toBe(true)
    // The replicas' own logs agree: twelve deliveries between them, none twice.
    const delivered = [replicaA, replicaB].map((r) => (r.output().match(/"event":"webhook_delivered"/g) ?? []).length)
    expect(delivered[0]! + delivered[1]!).toBe(12)
  })

  it('a server killed (SIGKILL) with deliveries in flight delivers them after its restart', async () => {
    // One server only, so the redelivery can only come from the restarted one.
    const [replica, other] = set.replicas as [Replica, Replica]
    await other.stop()
    const before = receiver.received.length
    receiver.mode = 'hang'
    await closeAFlow(set.consoles[0]!, 'user-alex')
    // The events are committed and their requests are in flight, unanswered: kill the server now.
    await receiver.waitFor(() => receiver.received.length >= before + 1, 10_000, 'the first request')
    await replica.kill('SIGKILL')
    expect((await deliveryStates()).filter((d) => d.state !== 'delivered')).toHaveLength(1)
    receiver.mode = 'ok'
    const port = Number(new URL(replica.url).port)
    const restarted = await set.start(port)
    await receiver.waitFor(() => receiver.acknowledged().size >= 13, 20_000, 'the redelivery after restart')
    await expect.poll(async () => (await deliveryStates()).every((d) => d.state === 'delivered'), { timeout: 5_000 }).toBe(true)
    expect([...receiver.acknowledged().values()].every((n) => n === 1)).toBe(true)
    expect(restarted.output()).toContain('"event":"webhook_delivered"')
  })
})
