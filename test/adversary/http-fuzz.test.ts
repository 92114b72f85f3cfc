// F7 (issue 11 item 8): a property-based fuzz of every HTTP route, with the checks an OpenAPI
// fuzzer such as Schemathesis makes. Inputs come from the contract's zod schemas (valid ones) and
// mutations of them (NUL bytes, numbers beyond the store's integers, oversized strings, wrong
// types, extra or missing keys); every answer is checked against the served OpenAPI document
// with ajv. Found before: 500s for NUL on PostgreSQL (16 of 18 string routes, sign-in included),
// fromSeq >= 2^31 overflowing, fastify codes outside the catalogue, a document that disagreed
// with the server (refresh token, reset:run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020'
import type { FastifyInstance, InjectOptions } from 'fastify'
import type { z } from 'zod'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import { arbitraryFor, inputJsonSchema, mutationOf, alwaysInvalid } from '../helpers/contract-arbitraries'
import { createHttpServer } from '../../electron/backend/http/server'
import { refreshInputSchema } from '../../electron/backend/http/agent-sessions'
import { contract, channels } from '../../shared/ipc/contract'

/** Runs per property; CI can raise it (FUZZ_RUNS) for a longer hunt. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 150)

/** Zod's per-schema `$schema` markers are not allowed below the root for ajv; drop them. */
function stripSchemaMarkers(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(stripSchemaMarkers)
  if (node === null || typeof node !== 'object') return node
  return Object.fromEntries(
    Object.entries(node)
      .filter(([k]) => k !== '$schema')
      .map(([k, v]) => [k, stripSchemaMarkers(v)]),
  )
}

interface Route {
  path: string
  /** The schema the server parses the body with: the oracle for valid and invalid. */
  oracle: z.ZodType
  request: ValidateFunction
  response: ValidateFunction
  authenticated: boolean
}

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`F7 HTTP fuzz on ${variant.name}`, () => {
    let h: Harness
    let app: FastifyInstance
    let tokens: string[]
    let routes: Route[]
    let doc: any
    beforeAll(async () => {
      h = await startHarness(variant)
      app = createHttpServer(h.backend)
      await app.ready()
      const signIn = async (username: string, password: string) =>
        (await app.inject({ method: 'POST', url: '/api/session/signIn', payload: { username, password } })).json().data
          .accessToken as string
      tokens = [await signIn('admin', 'admin-demo-2026'), await signIn('desk', 'desk-demo-2026'), await signIn('super', 'super-demo-2026')]
      // The document as a client sees it: fetched from the server.
      doc = stripSchemaMarkers((await app.inject({ method: 'GET', url: '/openapi.json' })).json())
      const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false })
      const oracleFor = (path: string): z.ZodType | null => {
        if (path === '/api/session/signIn') return contract['session:signIn'].input
        if (path === '/api/session/refresh') return refreshInputSchema
        const channel = path.replace('/api/rpc/', '')
        return path.startsWith('/api/rpc/') ? contract[channel as keyof typeof contract].input : null
      }
      routes = Object.entries(doc.paths as Record<string, any>)
        .filter(([, item]) => item.post?.requestBody)
        .map(([path, item]) => ({
          path,
          oracle: oracleFor(path)!,
          request: ajv.compile(item.post.requestBody.content['application/json'].schema),
          response: ajv.compile(item.post.responses.default.content['application/json'].schema),
          authenticated: !(Array.isArray(item.post.security) && item.post.security.length === 0),
        }))
    })
    afterAll(async () => {
      await app?.close()
      await h?.dispose()
    })

    const routeOf = (path: string) => routes.find((r) => r.path === path)!
    async function send(route: Route, body: unknown, token: string | undefined) {
      const res = await app.inject({
        method: 'POST',
        url: route.path,
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        payload: JSON.stringify(body),
      })
      return {
        status: res.statusCode,
        body: res.json() as { ok: boolean; data?: unknown; error?: { code: string; details: Record<string, unknown> } },
      }
    }

    /** The checks every answer passes: no 5xx, the documented shape, a catalogue error if any. */
    function answeredAsDocumented(route: Route, res: { status: number; body: unknown }, note: string) {
      expect(res.status, `${route.path} ${note}: ${JSON.stringify(res.body).slice(0, 300)}`).toBeLessThan(500)
      expect(route.response(res.body), `${route.path} ${note}: ${JSON.stringify(route.response.errors)}`).toBe(true)
    }
    /** Refused by the contract's schema (a rule may also answer INVALID_INPUT, e.g. an unknown credential store). */
    const schemaRefusal = (body: { error?: { code: string; details: Record<string, unknown> } }) =>
      body.error?.code === 'INVALID_INPUT' && body.error.details.source === 'contract'

    it('every route of the contract is in the document, and only sign-in and refresh go without a token', async () => {
      const rpc = routes.filter((r) => r.path.startsWith('/api/rpc/')).map((r) => r.path.replace('/api/rpc/', ''))
      expect(rpc.sort()).toEqual(channels.filter((c) => c !== 'session:signIn' && c !== 'session:signOut').sort())
      const publicPosts = Object.entries(doc.paths as Record<string, any>)
        .filter(([, i]) => i.post && Array.isArray(i.post.security) && i.post.security.length === 0)
        .map(([p]) => p)
      expect(publicPosts.sort()).toEqual(['/api/session/refresh', '/api/session/signIn'])
      const guarded = [...routes.filter((r) => r.authenticated).map((r) => r.path), '/api/session/signOut']
      for (const path of guarded) {
        for (const token of [undefined, 'not-a-token', tokens[0]!.slice(0, -2) + 'AA']) {
          const res = await app.inject({
            method: 'POST',
            url: path,
            headers: token ? { authorization: `Bearer ${token}` } : {},
            payload: {},
          })
          expect([path, res.statusCode, res.json().error?.code]).toEqual([path, 401, 'NOT_SIGNED_IN'])
        }
      }
    })

    it('valid inputs generated from the contract are accepted, and answered as documented', async () => {
      // A long poll (live:next) answers at once when there is news, else when its wait ends: the
      // fuzz asks it not to wait (waitMs 0, a valid value), so a run does not idle 25 s per case.
      const noWait = (path: string, value: unknown) =>
        path.endsWith('/live:next') && value !== null && typeof value === 'object' && !Array.isArray(value)
          ? { ...value, waitMs: 0 }
          : value
      const cases = fc.constantFrom(...routes.map((r) => r.path)).chain((path) =>
        fc.tuple(
          fc.constant(path),
          arbitraryFor(inputJsonSchema(routeOf(path).oracle)).map((v) => noWait(path, v)),
          fc.constantFrom(...tokens),
        ),
      )
      await fc.assert(
        fc.asyncProperty(cases, async ([path, value, token]) => {
          const route = routeOf(path)
          const valid = route.oracle.safeParse(value).success
          // The server never takes what the document forbids. (The reverse cannot always hold: JSON
          // Schema cannot state cross-field rules, such as an admin's process draft asking for
          // more passes than it has methods; those the server refuses with INVALID_INPUT.)
          if (!route.request(value))
            expect(valid, `the contract accepts what the document forbids on ${route.path} ${JSON.stringify(value)}`).toBe(false)
          const res = await send(route, value, route.authenticated ? token : undefined)
          answeredAsDocumented(route, res, JSON.stringify(value).slice(0, 200))
          if (valid) expect(schemaRefusal(res.body), `${route.path} refused valid ${JSON.stringify(value)}`).toBe(false)
        }),
        { numRuns: RUNS * 2 },
      )
    })

    it('mutated inputs (NUL, out-of-range numbers, oversized strings, wrong shapes) are refused with INVALID_INPUT, and answered as documented', async () => {
      const cases = fc
        .constantFrom(...routes.map((r) => r.path))
        .chain((path) =>
          arbitraryFor(inputJsonSchema(routeOf(path).oracle)).chain((v) =>
            fc.tuple(fc.constant(path), mutationOf(v), fc.constantFrom(...tokens)),
          ),
        )
      await fc.assert(
        fc.asyncProperty(cases, async ([path, { kind, value }, token]) => {
          const route = routeOf(path)
          const valid = route.oracle.safeParse(value).success
          if (alwaysInvalid.has(kind)) expect(valid, `${kind} must never parse`).toBe(false)
          if (!route.request(value)) expect(valid, `the contract accepts what the document forbids on ${route.path} (${kind})`).toBe(false)
          const res = await send(route, value, route.authenticated ? token : undefined)
          answeredAsDocumented(route, res, kind)
          // Refused by the schema, or earlier by fastify's JSON parser (a __proto__ key): INVALID_INPUT either way.
          if (!valid) expect([res.status, res.body.error?.code], `${route.path} ${kind}`).toEqual([400, 'INVALID_INPUT'])
        }),
        { numRuns: RUNS * 3 },
      )
    })

    it("fastify's own refusals (malformed JSON, bad URL encoding, media type, size) are catalogue errors", async () => {
      const rpc = routes.find((r) => r.path === '/api/rpc/records:list')!
      const signIn = routes.find((r) => r.path === '/api/session/signIn')!
      const cases: { route: Route | null; req: InjectOptions; status: number }[] = [
        {
          route: signIn,
          req: { method: 'POST', url: signIn.path, headers: { 'content-type': 'application/json' }, payload: '{"username":' },
          status: 400,
        },
        {
          route: rpc,
          req: {
            method: 'POST',
            url: rpc.path,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` },
            payload: '',
          },
          status: 400,
        },
        {
          route: rpc,
          req: {
            method: 'POST',
            url: rpc.path,
            headers: { 'content-type': 'application/xml', authorization: `Bearer ${tokens[0]}` },
            payload: '<a/>',
          },
          status: 415,
        },
        {
          route: rpc,
          req: {
            method: 'POST',
            url: rpc.path,
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[0]}` },
            payload: JSON.stringify({ q: 'x'.repeat(70_000) }),
          },
          status: 413,
        },
        {
          route: null,
          req: { method: 'POST', url: '/api/rpc/%E0%A4%A', headers: { 'content-type': 'application/json' }, payload: '{}' },
          status: 400,
        },
        { route: null, req: { method: 'GET', url: '/%zz' }, status: 400 },
      ]
      for (const c of cases) {
        const res = await app.inject(c.req)
        const body = res.json()
        expect([res.statusCode, body.ok, body.error?.code], JSON.stringify(body)).toEqual([c.status, false, 'INVALID_INPUT'])
        expect(JSON.stringify(body)).not.toMatch(/FST_/)
        if (c.route) expect(c.route.response(body)).toBe(true)
      }
    })
  })
}
