// F7 (issue 11 item 8), route by route: a NUL byte or an integer beyond the store's range in any
// input is INVALID_INPUT (before: 500 on PostgreSQL for 16 of 18 string routes, sign-in
// included; fromSeq >= 2^31 overflowed); an unexpected error on a session route is logged under
// the correlation id the agent sees; the OpenAPI document says what the server takes; a refused
// sign-in keeps no trace of the name typed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import { arbitraryFor, inputJsonSchema } from '../helpers/contract-arbitraries'
import { createHttpServer } from '../../electron/backend/http/server'
import { refreshInputSchema } from '../../electron/backend/http/agent-sessions'
import { contract, channels, type Channel } from '../../shared/ipc/contract'
import type { z } from 'zod'

type Leaf = { path: (string | number)[]; value: unknown }
function leaves(value: unknown, path: (string | number)[] = []): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]))
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
  return [{ path, value }]
}
function setAt(value: any, path: (string | number)[], next: unknown): any {
  if (path.length === 0) return next
  const copy = Array.isArray(value) ? [...value] : { ...value }
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), next)
  return copy
}
/** A valid input with every optional field present, so each string and number can be broken. */
function fullSample(schema: z.ZodType): unknown {
  const samples = fc.sample(arbitraryFor(inputJsonSchema(schema)), { numRuns: 200, seed: 11 })
  const byLeaves = (a: unknown, b: unknown) => leaves(b).length - leaves(a).length
  // A schema with cross-field rules (an admin's process draft) may yield no valid sample here:
  // its largest sample still carries every field to break.
  return samples.filter((s) => schema.safeParse(s).success).sort(byLeaves)[0] ?? samples.sort(byLeaves)[0]
}

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`F7 edges on ${variant.name}`, () => {
    let h: Harness
    let app: FastifyInstance
    let token: string
    beforeAll(async () => {
      h = await startHarness(variant)
      app = createHttpServer(h.backend)
      await app.ready()
      token = (
        await app.inject({ method: 'POST', url: '/api/session/signIn', payload: { username: 'admin', password: 'admin-demo-2026' } })
      ).json().data.accessToken
    })
    afterAll(async () => {
      await app?.close()
      await h?.dispose()
    })

    const routes: { url: string; schema: z.ZodType; auth: boolean }[] = [
      { url: '/api/session/signIn', schema: contract['session:signIn'].input, auth: false },
      { url: '/api/session/refresh', schema: refreshInputSchema, auth: false },
      ...channels
        .filter((c) => c !== 'session:signIn' && c !== 'session:signOut')
        .map((c: Channel) => ({ url: `/api/rpc/${c}`, schema: contract[c].input as z.ZodType, auth: true })),
    ]
    const post = async (url: string, body: unknown, auth: boolean) => {
      const res = await app.inject({
        method: 'POST',
        url,
        headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${token}` } : {}) },
        payload: JSON.stringify(body),
      })
      return { status: res.statusCode, body: res.json() }
    }

    it('a NUL byte in any string, or as a key, is INVALID_INPUT on every route', async () => {
      for (const route of routes) {
        const sample = fullSample(route.schema)
        const strings = leaves(sample).filter((l) => typeof l.value === 'string')
        const broken = [...strings.map((l) => setAt(sample, l.path, `${l.value}\u0000x`)), { ...(sample as object), 'k\u0000': 1 }]
        for (const body of broken) {
          const res = await post(route.url, body, route.auth)
          expect([route.url, res.status, res.body.error?.code]).toEqual([route.url, 400, 'INVALID_INPUT'])
        }
      }
    })

    it('an integer beyond the store range is INVALID_INPUT on every route that takes a number', async () => {
      let numbersSeen = 0
      for (const route of routes) {
        const sample = fullSample(route.schema)
        for (const leaf of leaves(sample).filter((l) => typeof l.value === 'number')) {
          for (const n of [2 ** 31, 2 ** 53, -(2 ** 31) - 1, 1e300]) {
            numbersSeen++
            const res = await post(route.url, setAt(sample, leaf.path, n), route.auth)
            expect([route.url, leaf.path.join('.'), n, res.status, res.body.error?.code]).toEqual([
              route.url,
              leaf.path.join('.'),
              n,
              400,
              'INVALID_INPUT',
            ])
          }
        }
      }
      expect(numbersSeen).toBeGreaterThan(10)
      // The one issue 11 named: an export from 2^31 on.
      expect((await post('/api/rpc/audit:export', { fromSeq: 2 ** 31 }, true)).body.error?.code).toBe('INVALID_INPUT')
      expect((await post('/api/rpc/audit:export', { fromSeq: 2 ** 31 - 1 }, true)).body).toMatchObject({ ok: true, data: { count: 0 } })
    })

    it('an unexpected error on a session route is logged under the correlation id the caller gets', async () => {
      const original = h.backend.ctx.agentDirectory
      h.backend.ctx.agentDirectory = {
        roleGroups: {},
        authenticate: async () => {
          throw Object.assign(new Error('ldap said: password=hunter2'), { code: 'ERR_LDAP_PROTOCOL' })
        },
      } as never
      try {
        const res = await post('/api/session/signIn', { username: 'someone', password: 'hunter2' }, false)
        expect([res.status, res.body.error?.code]).toEqual([500, 'TECHNICAL'])
        const correlationId = res.body.error.details.correlationId as string
        expect(correlationId).toMatch(/^[0-9a-f-]{36}$/)
        const line = h.logLines.map((l) => JSON.parse(l)).find((l) => l.correlationId === correlationId)
        expect(line).toMatchObject({ event: 'http_technical_error', route: '/api/session/signIn', code: 'ERR_LDAP_PROTOCOL' })
        expect(h.logLines.join('\n')).not.toContain('hunter2')
      } finally {
        h.backend.ctx.agentDirectory = original
      }
    })

    it('a refused sign-in stores no trace of the user name typed (often a password)', async () => {
      const typed = 'Correct-Horse-Battery-9'
      const res = await post('/api/session/signIn', { username: typed, password: 'whatever' }, false)
      expect(res.body.error?.code).toBe('INVALID_CREDENTIALS')
      const rows = await h.backend.store.db
        .selectFrom('audit')
        .selectAll()
        .where('action', '=', 'session.sign_in')
        .where('outcome', '=', 'refused')
        .execute()
      expect(rows.length).toBeGreaterThan(0)
      const dump = JSON.stringify(rows)
      expect(dump).not.toContain(typed)
      expect(dump.toLowerCase()).not.toContain(typed.toLowerCase())
      // Repeated tries on one name still show as such.
      await post('/api/session/signIn', { username: typed, password: 'again' }, false)
      const digests = (
        await h.backend.store.db
          .selectFrom('audit')
          .select('detail')
          .where('outcome', '=', 'refused')
          .orderBy('seq', 'desc')
          .limit(2)
          .execute()
      ).map((r) => JSON.parse(r.detail).usernameHash)
      expect(digests[0]).toBeTruthy()
      expect(digests[0]).toBe(digests[1])
    })

    it('the OpenAPI document agrees with the server on the refresh token and on reset:run', async () => {
      const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json()
      const refresh = doc.paths['/api/session/refresh'].post.requestBody.content['application/json'].schema
      expect(refresh.properties.refreshToken).toMatchObject({ minLength: 20, maxLength: 200 })
      expect((await post('/api/session/refresh', { refreshToken: 'short' }, false)).body.error?.code).toBe('INVALID_INPUT')
      const reset = doc.paths['/api/rpc/reset:run'].post.requestBody.content['application/json'].schema
      const manual = reset.oneOf.find((o: any) => o.properties.method.const === 'manual')
      expect(manual.required).toEqual(expect.arrayContaining(['flowId', 'method', 'password', 'confirm']))
      const manualWithout = await post('/api/rpc/reset:run', { flowId: 'f', method: 'manual' }, true)
      expect([manualWithout.status, manualWithout.body.error?.code]).toEqual([400, 'INVALID_INPUT'])
      const generateWithPassword = await post('/api/rpc/reset:run', { flowId: 'f', method: 'generate', password: 'x' }, true)
      expect(generateWithPassword.body.error?.code).toBe('INVALID_INPUT')
    })
  })
}
