// B5 across replicas: a supervisor's live feed on one server process sees a step written by an
// agent through another process on the same PostgreSQL, over the SSE stream and the long poll.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replicasSkip, startReplicasOnPostgres, type Console, type ReplicaSet } from '../helpers/replica'
import { errorOf } from '../helpers/backend-harness'
import type { LiveSnapshot } from '../../shared/domain/live'

/** Reads `event: live` messages from an SSE response body as they arrive. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  return async function next(): Promise<{ event: string; data: string }> {
    for (;;) {
      const cut = buffer.indexOf('\n\n')
      if (cut >= 0) {
        const block = buffer.slice(0, cut)
        buffer = buffer.slice(cut + 2)
        if (block.startsWith(':')) continue // keep-alive comment
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message'
        const data = /^data: (.*)$/m.exec(block)?.[1] ?? ''
        return { event, data }
      }
      const { value, done } = await reader.read()
      if (done) throw new Error('stream ended')
      buffer += decoder.decode(value, { stream: true })
    }
  }
}

describe.skipIf(replicasSkip !== null)('B5 live feed across two replicas on one PostgreSQL', () => {
  let set: ReplicaSet

  beforeAll(async () => {
    set = await startReplicasOnPostgres(2, { agents: ['desk', 'super'] })
  }, 120_000)

  afterAll(() => set?.stop())

  it('the SSE stream and the long poll on replica B see a flow step written through replica A, with no contact detail', async () => {
    const [agent, supervisor] = set.consoles as [Console, Console]
    const replicas = set.replicas
    // The supervisor's bearer token, as the server's own sign-in route hands it out.
    const signIn = await fetch(`${replicas[1]!.url}/api/session/signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'super', password: 'super-demo-2026' }),
    }).then((r) => r.json() as Promise<{ data: { accessToken: string } }>)
    const token = signIn.data.accessToken

    const controller = new AbortController()
    const response = await fetch(`${replicas[1]!.url}/api/live/events`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    const next = sseReader(response.body!)
    const first = await next()
    expect(first.event).toBe('live')
    const initial = JSON.parse(first.data) as LiveSnapshot

    // The long poll on B is waiting too when A writes.
    const poll = supervisor.ops['live:next'](supervisor.session, { afterSeq: initial.seq, waitMs: 20_000 })

    const recordId = (await agent.ops['records:list'](agent.session, { kind: 'incident', filter: 'assigned_to_me', limit: 1 } as never))
      .rows[0]!.id
    const started = Date.now()
    const flow = await agent.ops['flow:start'](agent.session, { recordId, userId: 'user-alex', processId: 'proc-standard' })

    let seen: LiveSnapshot | null = null
    while (!seen) {
      const message = await next()
      const snapshot = JSON.parse(message.data) as LiveSnapshot
      if (snapshot.flows.some((f) => f.flowId === flow.id)) seen = snapshot
    }
    // Cross-replica latency: B's head poll (200 ms) plus the snapshot, well within B5's second.
    expect(Date.now() - started).toBeLessThan(1000)
    const row = seen.flows.find((f) => f.flowId === flow.id)!
    expect(row).toMatchObject({ agentName: 'Dana Desk', userInitials: 'A. M.', step: 'verifying', processName: expect.any(String) })
    const polled = await poll
    expect(polled.seq).toBeGreaterThan(initial.seq)
    expect(polled.flows.map((f) => f.flowId)).toContain(flow.id)
    // No email address, phone number or name of the caller (Alex Morgan, alex.morgan@example.com,
    // +1 415 555 0101 and 0102) in what a supervisor receives.
    const text = JSON.stringify([seen, polled])
    expect(text).not.toMatch(/@|415|555 ?01|alex|morgan/i)
    controller.abort()

    // B10 on PostgreSQL, through the other replica: the flow's verification, reset and close count.
    await agent.ops['verify:confirmPersonalData'](agent.session, { flowId: flow.id, confirmed: true })
    await agent.ops['reset:run'](agent.session, { flowId: flow.id, method: 'generate' })
    await agent.ops['flow:close'](agent.session, { flowId: flow.id, passwordShared: true })
    const today = new Date().toISOString().slice(0, 10)
    const dashboard = await supervisor.ops['dashboard:get'](supervisor.session, { from: today, to: today })
    expect(dashboard.resetsPerDay).toEqual([{ day: today, email_link: 0, generate: 1, manual: 0 }])
    expect(dashboard.verification).toEqual([{ method: 'personal_data_confirm', passed: 1, failed: 0 }])
    expect(dashboard.handleTimes).toEqual([{ agentName: 'Dana Desk', flows: 1, medianSeconds: expect.any(Number) }])
    expect(dashboard.approvalsWaiting).toBe(0)
    // A desk agent is refused both channels and the stream, with catalogue errors.
    expect((await errorOf(agent.ops['live:next'](agent.session, { afterSeq: 0, waitMs: 0 }))).code).toBe('FORBIDDEN')
    expect((await errorOf(agent.ops['dashboard:get'](agent.session, { from: '2026-01-01', to: '2026-01-31' }))).code).toBe('FORBIDDEN')
    const refused = await fetch(`${replicas[1]!.url}/api/live/events`)
    expect(refused.status).toBe(401)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('NOT_SIGNED_IN')
  }, 60_000)
})
