// Issue 11 item 7 / F6: sessions end. Once a refresh added 12 hours for ever (a session was alive
// after 121 hours) and agent_sessions.expires_at was never read; in remote mode parallel calls at
// access-token expiry each refreshed with the same token and the server revoked the session.
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import { createHttpServer } from '../../electron/backend/http/server'
const SESSION_ABSOLUTE_MS = 12 * 3_600_000,
  SESSION_IDLE_MS = 30 * 60_000
import { createRemoteOperations } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'
import { nodeFetch } from '../helpers/transports'
import type { Session } from '../../electron/backend/operations'

const MINUTE = 60_000

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`F6 session lifetimes on ${variant.name}`, () => {
    let h: Harness
    let app: FastifyInstance
    beforeAll(async () => {
      h = await startHarness(variant)
      app = createHttpServer(h.backend)
      await app.ready()
    })
    afterAll(async () => {
      await app?.close()
      await h?.dispose()
    })

    const post = async (url: string, body: unknown, token?: string) => {
      const res = await app.inject({
        method: 'POST',
        url,
        payload: body as object,
        headers: token ? { authorization: `Bearer ${token}` } : {},
      })
      return { status: res.statusCode, body: res.json() as { ok: boolean; data?: any; error?: { code: string } } }
    }
    const signIn = async () =>
      (await post('/api/session/signIn', { username: 'desk', password: 'desk-demo-2026' })).body.data as {
        accessToken: string
        refreshToken: string
      }
    const current = (token: string) => post('/api/rpc/session:current', {}, token)

    it('a session kept busy dies at its absolute limit (12 hours after sign-in)', async () => {
      expect(SESSION_ABSOLUTE_MS).toBe(12 * 60 * MINUTE)
      let tokens = await signIn()
      const start = h.clock.now().getTime()
      // Refresh every 9 minutes, as a busy console does, up to the absolute limit.
      while (h.clock.now().getTime() + 9 * MINUTE < start + SESSION_ABSOLUTE_MS) {
        h.clock.advance(9 * MINUTE)
        const r = await post('/api/session/refresh', { refreshToken: tokens.refreshToken })
        expect(r.body.ok).toBe(true)
        tokens = r.body.data
        expect((await current(tokens.accessToken)).body.ok).toBe(true)
      }
      // No token outlives the session: the access token just issued stops at the limit too.
      h.clock.current = new Date(start + SESSION_ABSOLUTE_MS)
      const late = await current(tokens.accessToken)
      expect([late.status, late.body.error?.code]).toEqual([401, 'NOT_SIGNED_IN'])
      const refused = await post('/api/session/refresh', { refreshToken: tokens.refreshToken })
      expect([refused.status, refused.body.error?.code]).toEqual([401, 'NOT_SIGNED_IN'])
    })

    it('a session left unused dies at its idle limit (30 minutes without a refresh)', async () => {
      expect(SESSION_IDLE_MS).toBe(30 * MINUTE)
      const a = await signIn()
      h.clock.advance(SESSION_IDLE_MS - MINUTE)
      const alive = await post('/api/session/refresh', { refreshToken: a.refreshToken })
      expect(alive.body.ok).toBe(true)
      h.clock.advance(SESSION_IDLE_MS)
      const dead = await post('/api/session/refresh', { refreshToken: alive.body.data.refreshToken })
      expect([dead.status, dead.body.error?.code]).toEqual([401, 'NOT_SIGNED_IN'])
      expect((await current(alive.body.data.accessToken)).body.error?.code).toBe('NOT_SIGNED_IN')
    })

    it('remote mode: parallel calls at access-token expiry refresh once and keep the session', async () => {
      await app.listen({ host: '127.0.0.1', port: 0 })
      const port = (app.server.address() as AddressInfo).port
      const ops = createRemoteOperations({ baseUrl: `http://127.0.0.1:${port}`, secrets: new MemorySecretStore(), fetch: nodeFetch })
      const session: Session = { agentId: null }
      await ops['session:signIn'](session, { username: 'desk', password: 'desk-demo-2026' })
      for (let round = 0; round < 3; round++) {
        h.clock.advance(11 * MINUTE) // the access token has lapsed
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, () => ops['records:list'](session, { kind: 'incident', filter: 'assigned_to_me', limit: 1 } as never)),
        )
        expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason?.code)).toEqual([])
      }
      const revoked = await h.backend.store.db
        .selectFrom('agent_sessions')
        .select(['revoke_reason'])
        .where('revoked_at', 'is not', null)
        .execute()
      expect(revoked.map((r) => r.revoke_reason)).not.toContain('refresh_token_reuse')
      expect(await ops['session:current'](session, {})).toMatchObject({ id: 'agent-desk' })
    })
  })
}
