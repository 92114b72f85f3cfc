// Two server processes on one real PostgreSQL: nothing that matters lives in a process, so R4,
// attempts and single-use codes stay exact across replicas (S6).
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { startReplica, type Replica } from '../helpers/replica'
import { errorOf } from '../helpers/backend-harness'
import { createRemoteOperations } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'
import { nodeFetch } from '../helpers/transports'
import type { Operations, Session } from '../../electron/backend/operations'
import type { StoreConfig } from '../../electron/backend/store/database'

const pgVariant = storeVariants.find((v) => v.name === 'postgres')!

describe.skipIf(pgVariant.skip !== null)('two replicas on one PostgreSQL', () => {
  let dispose: () => Promise<void>
  const replicas: Replica[] = []
  let a: { ops: Operations; session: Session }
  let b: { ops: Operations; session: Session }

  beforeAll(async () => {
    const store = await pgVariant.create()
    dispose = store.dispose
    const env = {
      RESETDESK_DATABASE_URL: (store.config as Extract<StoreConfig, { kind: 'postgres' }>).connectionString,
      RESETDESK_SECRET: randomBytes(32).toString('base64'),
      RESETDESK_DEMO: '1',
      RESETDESK_HASH_COST_LOG2: '10',
    }
    // The first replica migrates and seeds; the second finds both done.
    replicas.push(await startReplica(env))
    replicas.push(await startReplica(env))
    const connect = async (url: string) => {
      const ops = createRemoteOperations({ baseUrl: url, secrets: new MemorySecretStore(), fetch: nodeFetch })
      const session: Session = { agentId: null }
      await ops['session:signIn'](session, { username: 'desk', password: 'desk-demo-2026' })
      return { ops, session }
    }
    a = await connect(replicas[0]!.url)
    b = await connect(replicas[1]!.url)
  }, 120_000)

  afterAll(async () => {
    for (const r of replicas) r.proc.kill('SIGTERM')
    await Promise.all(replicas.map((r) => new Promise((resolve) => (r.proc.exitCode !== null ? resolve(null) : r.proc.on('exit', resolve)))))
    await dispose?.()
  })

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
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).ops['reset:run']((i % 2 ? a : b).session, { flowId: flow.id, method: 'generate' })),
    )
    const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3)
    expect(refused).toEqual(Array(7).fill('RATE_LIMITED'))
    const options = await b.ops['processes:forUser'](b.session, { userId: 'user-alex' })
    expect(options.find((o) => o.process.id === 'proc-standard')!.usesLeft).toBe(0)
  })

  it('a replica stops gracefully on SIGTERM, and the other serves on', async () => {
    const replica = replicas[1]!
    replica.proc.kill('SIGTERM')
    const code = await new Promise((resolve) => (replica.proc.exitCode !== null ? resolve(replica.proc.exitCode) : replica.proc.on('exit', resolve)))
    expect(code).toBe(0)
    expect(replica.output()).toContain('"event":"stopping"')
    // The other replica serves on: nothing the desk needs lived in the stopped process.
    expect(await a.ops['session:current'](a.session, {})).toMatchObject({ username: 'desk' })
  })

  it('logs of both replicas hold no password and no code', () => {
    for (const r of replicas) {
      expect(r.output()).toContain('"event":"http_request"')
      expect(r.output()).not.toContain('desk-demo-2026')
    }
  })
})
