// The one attempt throttle under agent sign-in (G3), the enrolment page (G4) and the wasn't-me page
// (B11), on both stores: its own rules, and 0014 merging the throttles' tables on a store that
// already held tries.
// Each use keeps its own tests (test/adversary/sign-in-throttle.test.ts,
// test/integration/enrolment.test.ts, test/integration/wasnt-me.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeUpTo } from '../helpers/store-up-to'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import { openStore } from '../../electron/backend/store/database'
import { reserveAttempt, throttleKey } from '../../electron/backend/throttle/attempt-throttle'
import { signInKeys } from '../../electron/backend/rules/sign-in-throttle'
import { keyedHash } from '../../electron/backend/crypto/secrets'

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`attempt throttle (${variant.name})`, () => {
    let h: Harness
    beforeAll(async () => {
      h = await startHarness(variant)
    })
    afterAll(() => h?.dispose())

    const minute = 60_000
    const counter = (value: string, limit: number, windowMs = 10 * minute) => ({
      key: throttleKey(h.backend.ctx, 'test', value),
      limit,
      windowMs,
    })

    it('counts per key in a sliding window, says when a full window frees, and a refusal takes no try', async () => {
      const tight = counter('tight', 2)
      const loose = counter('loose', 5, 60 * minute)
      const first = h.clock.now()
      expect((await reserveAttempt(h.backend.ctx, [tight, loose])).ok).toBe(true)
      h.clock.advance(minute)
      expect((await reserveAttempt(h.backend.ctx, [tight, loose])).ok).toBe(true)
      const refused = await reserveAttempt(h.backend.ctx, [tight, loose])
      expect(refused).toEqual({ ok: false, full: [tight.key], freesAt: new Date(first.getTime() + 10 * minute).toISOString() })
      // The refusal reserved nothing under the other key: three tries are left on it, not two.
      for (let i = 0; i < 3; i++) expect((await reserveAttempt(h.backend.ctx, [loose])).ok).toBe(true)
      expect((await reserveAttempt(h.backend.ctx, [loose])).ok).toBe(false)
      // The first try ages out of the tight window only: one more there, none on the loose key.
      h.clock.advance(9 * minute)
      expect((await reserveAttempt(h.backend.ctx, [tight])).ok).toBe(true)
      expect((await reserveAttempt(h.backend.ctx, [tight])).ok).toBe(false)
    })

    it('a released try counts no more; the table holds keyed hashes, never the counted text', async () => {
      const key = counter('casey.singh@example.com', 1)
      const taken = await reserveAttempt(h.backend.ctx, [key])
      expect((await reserveAttempt(h.backend.ctx, [key])).ok).toBe(false)
      if (taken.ok) await taken.release()
      expect((await reserveAttempt(h.backend.ctx, [key])).ok).toBe(true)
      const stored = JSON.stringify(await h.backend.store.db.selectFrom('throttle_attempts').selectAll().execute())
      expect(stored).not.toContain('casey')
      expect(stored).toContain(key.key)
    })

    it("sign-in's keys are the ones 0003's table held, so tries counted before the upgrade still count", () => {
      const keys = signInKeys(h.backend.ctx, ' Desk ', '10.9.9.9')
      expect(keys).toEqual({
        name: keyedHash(h.backend.ctx.keys.codes, 'sign-in name\0desk'),
        address: keyedHash(h.backend.ctx.keys.codes, 'sign-in address\x0010.9.9.9'),
      })
    })

    it('concurrent reservations on one key: exactly the limit succeed', async () => {
      const key = counter('racer', 4)
      const results = await Promise.all(Array.from({ length: 9 }, () => reserveAttempt(h.backend.ctx, [key, counter('racer address', 50)])))
      expect(results.filter((r) => r.ok)).toHaveLength(4)
    })
  })

  describe.skipIf(variant.skip !== null)(`0014 merges the throttles' tables on an existing store (${variant.name})`, () => {
    it("keeps sign-in's tries (same keys), drops the enrolment page's clear-text ones and both old tables", async () => {
      const { config, dispose } = await variant.create()
      try {
        const old = await storeUpTo(config, '0013_reset_reports')
        const at = new Date().toISOString()
        await old
          .insertInto('sign_in_attempts')
          .values([
            { id: 's1', key: 'hash-a', at },
            { id: 's2', key: 'hash-b', at },
          ])
          .execute()
        await old.insertInto('enrolment_throttle').values({ id: 'e1', key: 'login:casey.singh', at }).execute()
        await old.destroy()

        const store = await openStore(config)
        try {
          const rows = await store.db.selectFrom('throttle_attempts').selectAll().orderBy('id').execute()
          expect(rows).toEqual([
            { id: 's1', key: 'hash-a', at },
            { id: 's2', key: 'hash-b', at },
          ])
          const tables = (await store.db.introspection.getTables()).map((t) => t.name)
          expect(tables).toContain('throttle_attempts')
          expect(tables).not.toContain('sign_in_attempts')
          expect(tables).not.toContain('enrolment_throttle')
        } finally {
          await store.close()
        }
      } finally {
        await dispose()
      }
    })
  })
}
