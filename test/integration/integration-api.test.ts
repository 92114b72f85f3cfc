// G5: the integration API over HTTP on PostgreSQL — API keys an admin creates and revokes, the
// idempotent upsert by number, callers matched in the directory, and bad input that writes nothing.
import type { AddressInfo } from 'node:net'
import { sql } from 'kysely'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { createHttpServer } from '../../electron/backend/http/server'
import { integrationRecordInputSchema } from '../../shared/domain/integrations'
import type { Session } from '../../electron/backend/operations'

const pgVariant = storeVariants.find((v) => v.name === 'postgres')!

describe.skipIf(pgVariant.skip !== null)('G5 integration API over HTTP on PostgreSQL', () => {
  let h: Harness
  let base: string
  let admin: Session
  let key: string
  const servers: { close(): Promise<unknown> }[] = []

  const listen = async (options: Parameters<typeof createHttpServer>[1] = {}) => {
    const server = createHttpServer(h.backend, options)
    await server.listen({ host: '127.0.0.1', port: 0 })
    servers.push(server)
    return `http://127.0.0.1:${(server.server.address() as AddressInfo).port}`
  }
  const request = async (method: string, path: string, body?: unknown, token: string | null = key, at = base) => {
    const response = await fetch(`${at}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    return { status: response.status, headers: response.headers, body: (await response.json()) as { ok: boolean; data?: any; error?: any } }
  }
  const counts = async () => {
    const db = h.backend.store.db
    return Promise.all(
      (['records', 'record_activity', 'audit', 'webhook_deliveries'] as const).map(async (t) =>
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
  const incident = {
    caller: 'alex.morgan',
    shortDescription: 'Cannot sign in after a password change',
    description: 'Raised in the ITSM by the caller.',
    state: 'New',
    priority: 2,
    assignmentGroup: 'Service Desk',
    assignee: 'desk',
  }

  beforeAll(async () => {
    h = await startHarness(pgVariant)
    base = await listen()
    admin = await h.signIn('admin')
    key = (await h.call(admin, 'admin:apiKeys:create', { name: 'ServiceNow' })).key
  })
  afterAll(async () => {
    for (const s of servers) await s.close()
    await h?.dispose()
  })

  it('an admin creates a key that is shown once; the list shows only its prefix', async () => {
    expect(key).toMatch(/^rdk_[\w-]{43}$/)
    const list = await h.call(admin, 'admin:apiKeys:list', {})
    expect(list).toHaveLength(1)
    expect(JSON.stringify(list)).not.toContain(key)
    expect(key.startsWith(list[0]!.prefix)).toBe(true)
    const audit = await h.call(admin, 'audit:list', { limit: 5 })
    expect(audit.rows.find((r) => r.action === 'admin.apiKeys.create')).toBeDefined()
  })

  it('PUT twice with the same number leaves one record; GET returns it with its work notes', async () => {
    const first = await request('PUT', '/api/integration/v1/incidents/INC7000001', incident)
    expect(first.status).toBe(201)
    expect(first.body.data).toMatchObject({
      created: true,
      record: {
        number: 'INC7000001',
        kind: 'incident',
        caller: { id: 'user-alex', matched: true },
        assignee: { username: 'desk' },
        active: true,
      },
    })
    const second = await request('PUT', '/api/integration/v1/incidents/INC7000001', incident)
    expect(second.status).toBe(200)
    expect(second.body.data.created).toBe(false)
    expect(second.body.data.record).toEqual(first.body.data.record)
    const rows = await h.backend.store.db.selectFrom('records').selectAll().where('number', '=', 'INC7000001').execute()
    expect(rows).toHaveLength(1)

    // The record is the agent's now (R1) and found by search like any seeded one (R2).
    const desk = await h.signIn('desk')
    const found = await h.call(desk, 'records:list', { kind: 'incident', filter: 'assigned_to_me', q: 'inc7000001' })
    expect(found.rows.map((r) => r.number)).toEqual(['INC7000001'])
    const search = await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', q: 'after a password change' })
    expect(search.rows.map((r) => r.number)).toContain('INC7000001')

    const got = await request('GET', '/api/integration/v1/incidents/INC7000001')
    expect(got.status).toBe(200)
    expect(got.body.data.record.number).toBe('INC7000001')
    // The assignment went through the console's path: in the activity stream, once (the second PUT changed nothing).
    expect(got.body.data.workNotes).toEqual([
      expect.objectContaining({ kind: 'assignment', author: 'Integration: ServiceNow', text: expect.stringContaining('Assigned to') }),
    ])
    // Each use is audited under the key's id.
    const uses = await h.backend.store.db
      .selectFrom('audit')
      .select(['action', 'outcome', 'detail'])
      .where('action', 'like', 'integration.%')
      .execute()
    expect(uses.map((u) => `${u.action}:${u.outcome}`)).toEqual([
      'integration.record.put:created',
      'integration.record.put:updated',
      'integration.record.get:read',
    ])
    expect(JSON.parse(uses[0]!.detail).apiKeyId).toBe((await h.call(admin, 'admin:apiKeys:list', {}))[0]!.id)
  })

  it('callers are matched by login name or email, else kept as free text; updates change fields', async () => {
    const byEmail = await request('PUT', '/api/integration/v1/interactions/IMS7000001', {
      ...incident,
      caller: 'ALEX.MORGAN@example.com',
      channel: 'phone',
      assignee: null,
    })
    expect(byEmail.body.data.record.caller).toEqual({ id: 'user-alex', name: 'Alex Morgan', matched: true })
    const unknown = await request('PUT', '/api/integration/v1/interactions/IMS7000002', {
      ...incident,
      caller: 'Pat from Finance',
      channel: 'chat',
      assignee: null,
    })
    expect(unknown.body.data.record.caller).toEqual({ id: null, name: 'Pat from Finance', matched: false })
    const closed = await request('PUT', '/api/integration/v1/interactions/IMS7000002', {
      ...incident,
      caller: 'Pat from Finance',
      state: 'Closed Complete',
      assignee: null,
    })
    expect(closed.body.data.record).toMatchObject({ state: 'Closed Complete', active: false, channel: null })
    // A number belongs to one kind: an incident PUT of an interaction's number is refused.
    const clash = await request('PUT', '/api/integration/v1/incidents/IMS7000002', incident)
    expect(clash.status).toBe(400)
    expect(clash.body.error.code).toBe('INVALID_INPUT')
    expect((await request('GET', '/api/integration/v1/incidents/IMS7000002')).status).toBe(404)
  })

  it('a revoked key gets 401; agent tokens and API keys each open only their own routes', async () => {
    const { key: second, apiKey } = await h.call(admin, 'admin:apiKeys:create', { name: 'Jira' })
    expect((await request('GET', '/api/integration/v1/incidents/INC7000001', undefined, second)).status).toBe(200)
    await h.call(admin, 'admin:apiKeys:revoke', { id: apiKey.id })
    const revoked = await request('GET', '/api/integration/v1/incidents/INC7000001', undefined, second)
    expect(revoked.status).toBe(401)
    expect(revoked.body.error.code).toBe('API_KEY_INVALID')
    expect((await request('PUT', '/api/integration/v1/incidents/INC7000009', incident, second)).status).toBe(401)
    expect((await request('GET', '/api/integration/v1/incidents/INC7000001', undefined, null)).status).toBe(401)

    const signIn = await request('POST', '/api/session/signIn', { username: 'desk', password: 'desk-demo-2026' }, null)
    const agentToken = signIn.body.data.accessToken as string
    const withAgentToken = await request('GET', '/api/integration/v1/incidents/INC7000001', undefined, agentToken)
    expect(withAgentToken.status).toBe(401)
    expect(withAgentToken.body.error.code).toBe('API_KEY_INVALID')
    const keyOnAgentRoute = await request('POST', '/api/rpc/records:list', { kind: 'incident' }, key)
    expect(keyOnAgentRoute.status).toBe(401)
    expect(keyOnAgentRoute.body.error.code).toBe('API_KEY_INVALID')
    expect((await request('POST', '/api/rpc/records:list', { kind: 'incident' }, agentToken)).status).toBe(200)
  })

  it('only an admin manages keys (FORBIDDEN for an agent, enforced in the backend)', async () => {
    const desk = await h.signIn('desk')
    expect((await errorOf(h.call(desk, 'admin:apiKeys:create', { name: 'x' }))).code).toBe('FORBIDDEN')
    expect((await errorOf(h.call(desk, 'admin:apiKeys:list', {}))).code).toBe('FORBIDDEN')
    expect((await errorOf(h.call(desk, 'admin:webhooks:list', {}))).code).toBe('FORBIDDEN')
  })

  it('fuzzed bodies, numbers and malformed JSON get catalogue errors and write nothing', async () => {
    const before = await counts()
    const valid = integrationRecordInputSchema.parse(incident)
    const fields = Object.keys(incident) as (keyof typeof incident)[]
    // Mutations of a valid body that the schema must refuse, and arbitrary JSON values.
    const mutated = fc.oneof(
      fc
        .record({ field: fc.constantFrom(...fields), value: fc.oneof(fc.integer(), fc.boolean(), fc.array(fc.string()), fc.object()) })
        .map(({ field, value }) => ({ ...valid, [field]: typeof valid[field] === typeof value ? [value] : value })),
      fc
        .constantFrom('shortDescription', 'state')
        .map((field) => Object.fromEntries(Object.entries(incident).filter(([k]) => k !== field))),
      fc.string({ minLength: 1, maxLength: 20 }).map((k) => ({ ...incident, [`x_${k}`]: 1 })),
      fc.constantFrom('shortDescription', 'caller', 'description', 'state').map((field) => ({ ...incident, [field]: `a\u0000b` })),
      fc
        .constantFrom(['shortDescription', 161], ['state', 41], ['caller', 201], ['description', 8001])
        .map(([field, n]) => ({ ...incident, [field as string]: 'x'.repeat(n as number) })),
      fc
        .record({
          priority: fc.oneof(
            fc.integer({ min: 6 }),
            fc.integer({ max: 0 }),
            fc.double({ min: 1.1, max: 4.9, noInteger: true, noNaN: true }),
          ),
        })
        .map((p) => ({ ...incident, ...p })),
      fc.jsonValue(),
    )
    await fc.assert(
      fc.asyncProperty(mutated, async (body) => {
        // Judge what goes over the wire (JSON.stringify turns NaN into null, drops undefined).
        // (request() sends a string as it is, anything else as JSON.)
        const wire = typeof body === 'string' ? body : JSON.stringify(body)
        let received: unknown
        try {
          received = JSON.parse(wire)
        } catch {
          received = undefined // not JSON at all: refused as such
        }
        fc.pre(received === undefined || !integrationRecordInputSchema.safeParse(received).success)
        const response = await request('PUT', '/api/integration/v1/incidents/INC7000100', body)
        expect(response.status).toBe(400)
        expect(response.body.error.code).toBe('INVALID_INPUT')
      }),
      { numRuns: 150 },
    )
    for (const number of ['', 'A', '../etc', 'INC%00', 'x'.repeat(41), 'INC 1']) {
      const response = await request('PUT', `/api/integration/v1/incidents/${encodeURIComponent(number)}`, incident)
      expect([400, 404]).toContain(response.status)
      expect(['INVALID_INPUT', 'UNKNOWN_OPERATION']).toContain(response.body.error.code)
    }
    for (const raw of ['{', '[1,2', 'null', '"text"', '{"shortDescription": }']) {
      const response = await request('PUT', '/api/integration/v1/incidents/INC7000101', raw)
      expect(response.status).toBe(400)
      expect(response.body.error.code).toBe('INVALID_INPUT')
    }
    const unknownAssignee = await request('PUT', '/api/integration/v1/incidents/INC7000102', { ...incident, assignee: 'nobody-here' })
    expect(unknownAssignee.status).toBe(400)
    expect(await counts()).toEqual(before)
  })

  it('rate-limits per key, across replicas, with a catalogue error and Retry-After; another key is unaffected', async () => {
    // Two servers on one store stand for two replicas: the counts live in the store.
    const replicaA = await listen({ integrationRateLimit: { max: 3, timeWindowMs: 60_000 } })
    const replicaB = await listen({ integrationRateLimit: { max: 3, timeWindowMs: 60_000 } })
    const limitedKey = (await h.call(admin, 'admin:apiKeys:create', { name: 'Busy ITSM' })).key
    const other = (await h.call(admin, 'admin:apiKeys:create', { name: 'Second ITSM' })).key
    const get = (token: string, at: string) => request('GET', '/api/integration/v1/incidents/INC7000001', undefined, token, at)
    const statuses: number[] = []
    for (const at of [replicaA, replicaB, replicaA, replicaB]) statuses.push((await get(limitedKey, at)).status)
    expect(statuses).toEqual([200, 200, 200, 429])
    const refused = await get(limitedKey, replicaA)
    expect(refused.status).toBe(429)
    expect(refused.body.error.code).toBe('TOO_MANY_REQUESTS')
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect((await get(other, replicaB)).status).toBe(200)
    // The window ends: the key may call again (the test's clock, not real time).
    h.clock.advance(60_000)
    expect((await get(limitedKey, replicaB)).status).toBe(200)
  })

  it('is in the OpenAPI document', async () => {
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { paths: Record<string, any>; components: any }
    expect(doc.paths['/api/integration/v1/incidents/{number}']).toHaveProperty('put')
    expect(doc.paths['/api/integration/v1/interactions/{number}']).toHaveProperty('get')
    expect(doc.components.securitySchemes).toHaveProperty('apiKey')
  })

  it('no key reaches a log line or a stored row in clear', async () => {
    const keys = [key]
    let dump = ''
    const tables = await sql<{
      table_name: string
    }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(h.backend.store.db)
    for (const { table_name } of tables.rows)
      dump += JSON.stringify((await sql`select * from ${sql.table(table_name)}`.execute(h.backend.store.db)).rows)
    expect(dump).toContain('INC7000001')
    for (const k of keys) {
      expect(dump).not.toContain(k)
      expect(dump).not.toContain(k.slice(12))
      for (const line of h.logLines) expect(line).not.toContain(k.slice(12))
    }
    expect(h.logLines.some((l) => l.includes('/api/integration/v1/incidents/:number'))).toBe(true)
  })
})
