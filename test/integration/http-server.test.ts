// The standalone server's edges: bad input on every route, tokens (rotation, reuse, sign-out),
// health, OpenAPI and TLS with a corporate CA. Bad input never crashes it and writes nothing.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { request } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { createHttpServer } from '../../electron/backend/http/server'
import { createRemoteOperations, type FetchLike } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'
import { channels } from '../../shared/ipc/contract'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!

describe('standalone server', () => {
  let h: Harness
  let base: string
  let close: () => Promise<void>
  beforeAll(async () => {
    h = await startHarness(sqlite)
    const server = createHttpServer(h.backend)
    await server.listen({ host: '127.0.0.1', port: 0 })
    base = `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
    close = () => server.close()
  })
  afterAll(async () => {
    await close?.()
    await h?.dispose()
  })

  const post = async (path: string, body: string | object | undefined, headers: Record<string, string> = {}) => {
    const response = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as { ok: boolean; data?: any; error?: any } }
  }
  const signIn = async (username = 'desk', password = 'desk-demo-2026') =>
    (await post('/api/session/signIn', { username, password })).body.data
  const writes = async () => {
    const db = h.backend.store.db
    return Promise.all(
      (['flows', 'codes', 'attempts', 'resets', 'outbox', 'record_activity'] as const).map(async (t) =>
        Number(
          (
            await db
              .selectFrom(t)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ),
    )
  }

  it('answers health, readiness and its OpenAPI document', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true })
    expect((await fetch(`${base}/readyz`)).status).toBe(200)
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> }
    expect(doc.openapi).toBe('3.1.0')
    for (const channel of channels.filter((c) => c !== 'session:signIn' && c !== 'session:signOut'))
      expect(doc.paths).toHaveProperty(`/api/rpc/${channel}`)
  })

  it('refuses bad input on every route with catalogue errors and writes nothing', async () => {
    const { accessToken } = await signIn()
    const auth = { authorization: `Bearer ${accessToken}` }
    const before = await writes()
    const routes = ['/api/session/signIn', '/api/session/refresh', '/api/session/signOut', ...channels.map((c) => `/api/rpc/${c}`)]
    for (const route of routes) {
      for (const body of ['{"broken', '[1,2', 'null', '{"flowId": 42, "kind": []}', JSON.stringify({ pad: 'x'.repeat(70_000) })]) {
        const r = await post(route, body, route.endsWith('signOut') ? {} : auth)
        expect(r.status, `${route} ${body.slice(0, 12)}`).toBeGreaterThanOrEqual(400)
        expect(r.status).toBeLessThan(500)
        expect(r.body.ok).toBe(false)
        expect(['INVALID_INPUT', 'NOT_SIGNED_IN', 'UNKNOWN_OPERATION']).toContain(r.body.error.code)
        expect(JSON.stringify(r.body.error)).not.toMatch(/\n\s+at |Error:|node_modules/)
      }
    }
    const wrongType = await post('/api/rpc/records:list', 'kind=incident', { ...auth, 'content-type': 'application/x-www-form-urlencoded' })
    expect([wrongType.status, wrongType.body.error.code]).toEqual([415, 'INVALID_INPUT'])
    const unknown = await post('/api/rpc/records:drop', {}, auth)
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'UNKNOWN_OPERATION'])
    expect(await writes()).toEqual(before)
    expect((await fetch(`${base}/healthz`)).status).toBe(200)
  })

  it('refuses missing, forged and expired access tokens', async () => {
    for (const headers of [
      {},
      { authorization: 'Bearer forged-token-000000000000000000000000000' },
      { authorization: 'Basic ZGVzazpwdw==' },
    ] as Record<string, string>[]) {
      const r = await post('/api/rpc/records:list', { kind: 'incident' }, headers)
      expect([r.status, r.body.error.code]).toEqual([401, 'NOT_SIGNED_IN'])
    }
    const { accessToken } = await signIn()
    expect((await post('/api/rpc/records:list', { kind: 'incident' }, { authorization: `Bearer ${accessToken}` })).status).toBe(200)
    h.clock.advance(11 * 60_000)
    expect((await post('/api/rpc/records:list', { kind: 'incident' }, { authorization: `Bearer ${accessToken}` })).status).toBe(401)
  })

  it('rotates refresh tokens; reusing a spent one revokes the session', async () => {
    const first = await signIn()
    const second = (await post('/api/session/refresh', { refreshToken: first.refreshToken })).body.data
    expect(second.refreshToken).not.toBe(first.refreshToken)
    expect((await post('/api/rpc/session:current', {}, { authorization: `Bearer ${second.accessToken}` })).body.data.username).toBe('desk')
    // The spent token again (a stolen copy): refused, and the whole session with it.
    const reuse = await post('/api/session/refresh', { refreshToken: first.refreshToken })
    expect([reuse.status, reuse.body.error.code]).toEqual([401, 'NOT_SIGNED_IN'])
    expect((await post('/api/rpc/session:current', {}, { authorization: `Bearer ${second.accessToken}` })).status).toBe(401)
    expect((await post('/api/session/refresh', { refreshToken: second.refreshToken })).status).toBe(401)
    const audit = await h.backend.store.db.selectFrom('audit').select('outcome').where('action', '=', 'session.revoke').execute()
    expect(audit.map((a) => a.outcome)).toContain('refresh_token_reuse')
  })

  it('sign-out revokes the session and closes its flows', async () => {
    const tokens = await signIn()
    const auth = { authorization: `Bearer ${tokens.accessToken}` }
    const records = (await post('/api/rpc/records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 1 }, auth)).body.data
    const flow = (
      await post('/api/rpc/flow:start', { recordId: records.rows[0].id, userId: 'user-casey', processId: 'proc-standard' }, auth)
    ).body.data
    expect((await post('/api/session/signOut', {}, auth)).status).toBe(200)
    expect((await post('/api/rpc/session:current', {}, auth)).status).toBe(401)
    expect((await post('/api/session/refresh', { refreshToken: tokens.refreshToken })).status).toBe(401)
    const row = await h.backend.store.db
      .selectFrom('flows')
      .select(['closed_at', 'close_reason'])
      .where('id', '=', flow.id)
      .executeTakeFirstOrThrow()
    expect(row.close_reason).toBe('signed_out')
  })

  it('keeps tokens out of the store and the log', async () => {
    const tokens = await signIn()
    const dump = JSON.stringify(await h.backend.store.db.selectFrom('session_tokens').selectAll().execute())
    expect(dump).not.toContain(tokens.accessToken)
    expect(dump).not.toContain(tokens.refreshToken)
    for (const line of h.logLines) {
      expect(line).not.toContain(tokens.accessToken)
      expect(line).not.toContain('desk-demo-2026')
    }
  })
})

describe('TLS with a corporate CA', () => {
  let h: Harness
  let dir: string
  beforeAll(async () => {
    h = await startHarness(sqlite)
    dir = mkdtempSync(join(tmpdir(), 'resetdesk-tls-'))
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
    run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Corp Root CA'])
    run(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'])
    execFileSync('sh', ['-c', "printf 'subjectAltName=IP:127.0.0.1' > ext.cnf"], { cwd: dir })
    run([
      'x509',
      '-req',
      '-in',
      'server.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'server.pem',
      '-days',
      '2',
      '-extfile',
      'ext.cnf',
    ])
  })
  afterAll(async () => {
    await h?.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A fetch over node:https trusting exactly the given CA (as a policy file's caFile would). */
  const fetchTrusting =
    (ca?: Buffer): FetchLike =>
    (url, init) =>
      new Promise((resolve, reject) => {
        const req = request(url, { method: init.method, headers: init.headers, ca }, (res) => {
          let body = ''
          res.on('data', (c) => (body += c))
          res.on('end', () => resolve({ status: res.statusCode ?? 0, json: async () => JSON.parse(body) }))
        })
        req.on('error', reject)
        req.end(init.body)
      })

  it('serves HTTPS; the console trusts it through the corporate CA and refuses it without', async () => {
    const server = createHttpServer(h.backend, {
      tls: { cert: readFileSync(join(dir, 'server.pem')), key: readFileSync(join(dir, 'server.key')) },
    })
    await server.listen({ host: '127.0.0.1', port: 0 })
    const baseUrl = `https://127.0.0.1:${(server.server.address() as AddressInfo).port}`
    try {
      const states: string[] = []
      const untrusted = createRemoteOperations({
        baseUrl,
        secrets: new MemorySecretStore(),
        fetch: fetchTrusting(),
        onConnection: (s) => states.push(s),
      })
      expect((await errorOf(untrusted['session:signIn']({ agentId: null }, { username: 'desk', password: 'desk-demo-2026' }))).code).toBe(
        'BACKEND_UNREACHABLE',
      )
      expect(states).toEqual(['unreachable'])
      const trusted = createRemoteOperations({
        baseUrl,
        secrets: new MemorySecretStore(),
        fetch: fetchTrusting(readFileSync(join(dir, 'ca.pem'))),
      })
      const agent = await trusted['session:signIn']({ agentId: null }, { username: 'desk', password: 'desk-demo-2026' })
      expect(agent.username).toBe('desk')
    } finally {
      await server.close()
    }
  })
})
