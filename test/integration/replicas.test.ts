// Two server processes on one real PostgreSQL: nothing that matters lives in a process, so R4,
// attempts and single-use codes stay exact across replicas (S6).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replicasSkip, startReplicasOnPostgres, type Console, type ReplicaSet } from '../helpers/replica'
import { errorOf } from '../helpers/backend-harness'

describe.skipIf(replicasSkip !== null)('two replicas on one PostgreSQL', () => {
  let set: ReplicaSet
  let a: Console
  let b: Console

  beforeAll(async () => {
    set = await startReplicasOnPostgres(2, { agents: ['desk', 'desk'] })
    a = set.consoles[0]!
    b = set.consoles[1]!
  }, 120_000)

  afterAll(() => set?.stop())

  it('a code sent through one replica is checked and spent through the other', async () => {
    const recordId = (await a.ops['records:list'](a.session, { kind: 'incident', filter: 'assigned_to_me', limit: 1 } as never)).rows[0]!.id
    const flow = await a.ops['flow:start'](a.session, { recordId, userId: 'user-harper-schmidt', processId: 'proc-standard' })
    await a.ops['verify:sendCode'](a.session, { flowId: flow.id, method: 'email_code' })
    const mail = await b.ops['demo:mailbox'](b.session, { userId: 'user-harper-schmidt' })
    const code = mail.find((m) => m.body.includes('verification code'))!.body.match(/\d{6}/)![0]
    expect((await b.ops['verify:checkCode'](b.session, { flowId: flow.id, method: 'email_code', code })).verified).toBe(true)
    expect((await errorOf(a.ops['verify:checkCode'](a.session, { flowId: flow.id, method: 'email_code', code }))).code).toBe('CODE_EXPIRED')
    await a.ops['flow:close'](a.session, { flowId: flow.id, passwordShared: false })
  })

  it('R4: ten concurrent resets split across the replicas yield exactly three', async () => {
    const recordId = (await a.ops['records:list'](a.session, { kind: 'incident', filter: 'assigned_to_me', limit: 1 } as never)).rows[0]!.id
    const flow = await b.ops['flow:start'](b.session, { recordId, userId: 'user-alex', processId: 'proc-standard' })
    await a.ops['verify:confirmPersonalData'](a.session, { flowId: flow.id, confirmed: true })
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? a : b).ops['reset:run']((i % 2 ? a : b).session, { flowId: flow.id, method: 'generate' }),
      ),
    )
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    expect(refused).toEqual(Array(7).fill('RATE_LIMITED'))
    const options = await b.ops['processes:forUser'](b.session, { userId: 'user-alex' })
    expect(options.find((o) => o.process.id === 'proc-standard')!.usesLeft).toBe(0)
  })

  it('a replica stops gracefully on SIGTERM, and the other serves on', async () => {
    const replica = set.replicas[1]!
    expect(await replica.kill('SIGTERM')).toBe(0)
    expect(replica.output()).toContain('"event":"stopping"')
    // The other replica serves on: nothing the desk needs lived in the stopped process.
    expect(await a.ops['session:current'](a.session, {})).toMatchObject({ username: 'desk' })
  })

  it('logs of both replicas hold no password and no code', () => {
    for (const r of set.replicas) {
      expect(r.output()).toContain('"event":"http_request"')
      expect(r.output()).not.toContain('desk-demo-2026')
    }
  })
})
