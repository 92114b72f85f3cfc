// Remote mode survives a backend restart: while the server is down every step answers
// BACKEND_UNREACHABLE and changes nothing; once it is back the same session carries on.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { errorOf, latestCode, startHarness, type Harness } from '../helpers/backend-harness'
import { createHttpServer } from '../../electron/backend/http/server'
import { createRemoteOperations, type ConnectionState } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'
import { nodeFetch } from '../helpers/transports'
import type { Session } from '../../electron/backend/operations'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!

describe('remote mode across a backend restart', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(sqlite)
  })
  afterAll(async () => h?.dispose())

  it('reports the outage, changes nothing, and resumes the flow when the server is back', async () => {
    let server = createHttpServer(h.backend)
    await server.listen({ host: '127.0.0.1', port: 0 })
    const port = (server.server.address() as AddressInfo).port
    const states: ConnectionState[] = []
    const ops = createRemoteOperations({
      baseUrl: `http://127.0.0.1:${port}`,
      secrets: new MemorySecretStore(),
      fetch: nodeFetch,
      onConnection: (s) => states.push(s),
    })
    const session: Session = { agentId: null }
    await ops['session:signIn'](session, { username: 'desk', password: 'desk-demo-2026' })
    const recordId = (await ops['records:list'](session, { kind: 'incident', filter: 'assigned_to_me', limit: 1 } as never)).rows[0]!.id
    const flow = await ops['flow:start'](session, { recordId, userId: 'user-alex', processId: 'proc-standard' })
    await ops['verify:sendCode'](session, { flowId: flow.id, method: 'email_code' })
    const code = await latestCode(h, { agentId: 'agent-desk' }, 'user-alex')

    await server.close()
    const down = await errorOf(ops['verify:checkCode'](session, { flowId: flow.id, method: 'email_code', code }))
    expect(down.code).toBe('BACKEND_UNREACHABLE')
    expect(states).toEqual(['unreachable'])
    const attempts = await h.backend.store.db.selectFrom('attempts').selectAll().execute()
    expect(attempts).toHaveLength(0)

    server = createHttpServer(h.backend)
    await server.listen({ host: '127.0.0.1', port })
    try {
      const view = await ops['verify:checkCode'](session, { flowId: flow.id, method: 'email_code', code })
      expect(view.verified).toBe(true)
      expect(states).toEqual(['unreachable', 'online'])
      const done = await ops['reset:run'](session, { flowId: flow.id, method: 'generate' })
      expect(done.flow.state).toBe('reset')
      await ops['flow:close'](session, { flowId: flow.id, passwordShared: true })
    } finally {
      await server.close()
    }
  })
})
