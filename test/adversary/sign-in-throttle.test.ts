// G3: sign-in is throttled per user name and per client address with a counter in the store, so
// the limit holds on SQLite, on PostgreSQL under concurrency, and across server replicas.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { demoPasswords, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { replicasSkip, startReplicasOnPostgres, type ReplicaSet } from '../helpers/replica'
import { signIn } from '../../electron/backend/rules/sessions'
import { SIGN_IN_THROTTLE } from '../../electron/backend/rules/sign-in-throttle'

const { limit, windowMs } = SIGN_IN_THROTTLE

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`G3 sign-in throttle (${variant.name})`, () => {
    let h: Harness
    beforeAll(async () => {
      h = await startHarness(variant)
    })
    afterAll(() => h?.dispose())

    const fromConsole = () => h.call({ agentId: null }, 'session:signIn', { username: 'desk', password: demoPasswords.desk! })
    const wrong = (username: string) => h.call({ agentId: null }, 'session:signIn', { username, password: 'not-the-password' })

    it(`refuses the ${limit + 1}th quick try from the console, even with the right password, saying when to try again`, async () => {
      for (let i = 0; i < limit; i++) expect((await errorOf(wrong(`someone${i}`))).code).toBe('INVALID_CREDENTIALS')
      const e = await errorOf(fromConsole())
      expect(e.code).toBe('SIGN_IN_THROTTLED')
      expect(e.details.freesAt).toBe(new Date(h.clock.now().getTime() + windowMs).toISOString())
      const audit = await h.backend.store.db.selectFrom('audit').select(['outcome']).where('action', '=', 'session.sign_in').execute()
      expect(audit.filter((a) => a.outcome === 'throttled')).toHaveLength(1)
      h.clock.advance(windowMs + 1000)
      expect((await fromConsole()).username).toBe('desk')
    })

    it('throttles one user name across addresses, and one address across names; successes do not count', async () => {
      h.clock.advance(windowMs + 1000)
      for (let i = 0; i < limit; i++) await errorOf(signIn(h.backend.ctx, 'admin', 'not-it', `10.0.0.${i}`))
      expect((await errorOf(signIn(h.backend.ctx, 'admin', demoPasswords.admin!, '10.0.1.1'))).code).toBe('SIGN_IN_THROTTLED')
      // Another name from those addresses is still served.
      expect((await signIn(h.backend.ctx, 'super', demoPasswords.super!, '10.0.0.1')).username).toBe('super')
      h.clock.advance(windowMs + 1000)
      for (let i = 0; i < limit * 2; i++)
        expect((await signIn(h.backend.ctx, 'viewer', demoPasswords.viewer!, '10.0.2.1')).username).toBe('viewer')
    })

    it(`${limit + 1} concurrent tries from one address: ${limit} are answered, one is throttled`, async () => {
      h.clock.advance(windowMs + 1000)
      const results = await Promise.all(
        Array.from({ length: limit + 1 }, (_, i) => errorOf(signIn(h.backend.ctx, `racer${i}`, 'x', '10.0.3.1'))),
      )
      const codes = results.map((e) => e.code).sort()
      expect(codes).toEqual([...Array(limit).fill('INVALID_CREDENTIALS'), 'SIGN_IN_THROTTLED'].sort())
    })
  })
}

describe.skipIf(replicasSkip !== null)('G3 sign-in throttle across two replicas on one PostgreSQL', () => {
  let set: ReplicaSet
  beforeAll(async () => {
    set = await startReplicasOnPostgres(2)
  }, 60_000)
  afterAll(() => set?.stop())

  const post = async (url: string, username: string, password: string) => {
    const response = await fetch(`${url}/api/session/signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    })
    return {
      status: response.status,
      body: (await response.json()) as { ok: boolean; error?: { code: string; details: { freesAt?: string } } },
    }
  }

  it(`tries spread over both replicas add up: the ${limit + 1}th from one address is refused by either`, async () => {
    for (let i = 0; i < limit; i++) {
      const r = await post(set.replicas[i % 2]!.url, `nobody${i}`, 'wrong')
      expect([r.status, r.body.error?.code]).toEqual([401, 'INVALID_CREDENTIALS'])
    }
    for (const replica of set.replicas) {
      const r = await post(replica.url, 'desk', 'desk-demo-2026')
      expect([r.status, r.body.error?.code]).toEqual([429, 'SIGN_IN_THROTTLED'])
      expect(Date.parse(r.body.error!.details.freesAt!)).toBeGreaterThan(Date.now())
    }
    for (const replica of set.replicas) expect(replica.output()).not.toContain('nobody')
  })
})
