// Issue 11 item 5 / F5: the audit chain resists its own database. Before, deleting the tail,
// deleting everything, recomputing the (unkeyed SHA-256) hashes after an edit and appending a
// forged row all verified as intact. Now the chain is an HMAC under the desk secret, the database
// refuses UPDATE and DELETE, and a signed checkpoint kept outside the database reveals a cut.
import { randomBytes } from 'node:crypto'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sql, type Selectable } from 'kysely'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { asDatabaseOwner } from '../helpers/audit-tamper'
import { entryHash, legacyEntryHash } from '../../electron/backend/audit/audit-chain'
import type { AuditTable } from '../../electron/backend/store/schema'
import type { Session } from '../../electron/backend/operations'

type Row = Selectable<AuditTable>
/** What a forger without the key recomputes: the hash entries had before migration 0009. */
const unkeyed = legacyEntryHash

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`F5 audit chain on ${variant.name}`, () => {
    let h: Harness
    let admin: Session
    beforeEach(async () => {
      h = await startHarness(variant)
      const desk = await h.signIn('desk')
      admin = await h.signIn('admin')
      // A few steps so the chain has a body: a flow, a verification, a close.
      const recordId = await assignedRecord(h, desk)
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
    })
    afterEach(async () => h?.dispose())

    const rows = () => h.backend.store.db.selectFrom('audit').selectAll().orderBy('seq').execute()
    /** The attacker rewrites rows from `from` on with a recipe of their choice, relinking the chain. */
    async function rechain(all: Row[], from: number, recipe: (r: Omit<Row, 'hash'>) => string) {
      await asDatabaseOwner(h.backend.store, async (db) => {
        let prev = all.find((r) => r.seq === from - 1)?.hash ?? '0'.repeat(64)
        for (const r of all.filter((x) => x.seq >= from)) {
          const { hash: _old, ...rest } = { ...r, prev_hash: prev }
          const hash = recipe(rest)
          await db
            .updateTable('audit')
            .set({ ...rest, hash })
            .where('seq', '=', r.seq)
            .execute()
          prev = hash
        }
      })
    }

    it('the database refuses UPDATE and DELETE on the audit table', async () => {
      const before = await rows()
      await expect(h.backend.store.db.updateTable('audit').set({ outcome: 'forged' }).where('seq', '=', 2).execute()).rejects.toThrow(
        /append-only/,
      )
      await expect(h.backend.store.db.deleteFrom('audit').where('seq', '=', before.length).execute()).rejects.toThrow(/append-only/)
      await expect(h.backend.store.db.deleteFrom('audit').execute()).rejects.toThrow(/append-only/)
      if (variant.name === 'postgres') await expect(sql`truncate audit`.execute(h.backend.store.db)).rejects.toThrow(/append-only/)
      expect(await rows()).toEqual(before)
      expect((await h.call(admin, 'audit:verify', {})).ok).toBe(true)
    })

    it('an edit with every later hash recomputed (unkeyed recipe or a guessed key) is detected', async () => {
      const all = await rows()
      await rechain(
        all.map((r) => (r.seq === 3 ? { ...r, outcome: 'forged' } : r)),
        3,
        unkeyed,
      )
      expect(await h.call(admin, 'audit:verify', {})).toMatchObject({ ok: false, brokenAt: 3, checkpoint: null })
      const guessed = randomBytes(32)
      await rechain(await rows(), 1, (r) => entryHash(guessed, r))
      expect(await h.call(admin, 'audit:verify', {})).toMatchObject({ ok: false, brokenAt: 1 })
    })

    it('a forged row appended at the head is detected', async () => {
      const last = (await rows()).at(-1)!
      const forged = { ...last, seq: last.seq + 1, action: 'reset', outcome: 'done', prev_hash: last.hash, at: h.clock.now().toISOString() }
      const { hash: _h, ...rest } = forged
      await h.backend.store.db
        .insertInto('audit')
        .values({ ...rest, hash: entryHash(randomBytes(32), rest) })
        .execute()
      expect(await h.call(admin, 'audit:verify', {})).toMatchObject({ ok: false, brokenAt: last.seq + 1, count: last.seq })
    })

    it('deleting the tail is reported as truncation against a kept checkpoint', async () => {
      const kept = (await h.call(admin, 'audit:verify', {})).checkpoint!
      expect(kept.seq).toBe((await rows()).length)
      await asDatabaseOwner(h.backend.store, (db) =>
        db
          .deleteFrom('audit')
          .where('seq', '>', kept.seq - 3)
          .execute(),
      )
      const seen = await h.call(admin, 'audit:verify', { checkpoint: kept })
      expect(seen).toMatchObject({ ok: false, truncated: true, brokenAt: null, count: kept.seq - 3, checkpoint: null })
    })

    it('deleting everything is reported as truncation against the checkpoint an export carried', async () => {
      const exported = await h.call(admin, 'audit:export', {})
      expect(exported.checkpoint).toMatchObject({ seq: exported.toSeq })
      await asDatabaseOwner(h.backend.store, (db) => db.deleteFrom('audit').execute())
      expect(await h.call(admin, 'audit:verify', { checkpoint: exported.checkpoint! })).toMatchObject({
        ok: false,
        truncated: true,
        count: 0,
      })
    })

    it('twenty concurrent audited steps append one chain: consecutive, each linked to the one before', async () => {
      // On PostgreSQL each export runs on its own pooled connection: the appends really race for
      // the chain's lock (issue 14 takes it and reads the head in one statement, audit_lock_head).
      const before = (await rows()).length
      await Promise.all(Array.from({ length: 20 }, () => h.call(admin, 'audit:export', { fromSeq: 1, limit: 1 })))
      const after = await rows()
      expect(after.map((r) => r.seq)).toEqual(Array.from({ length: before + 20 }, (_, i) => i + 1))
      expect(after.filter((r) => r.action === 'audit.export')).toHaveLength(20)
      expect(await h.call(admin, 'audit:verify', {})).toMatchObject({ ok: true, count: before + 20, brokenAt: null })
    })

    it('a rewrite of the checkpointed row is reported, and a forged checkpoint is refused', async () => {
      const kept = (await h.call(admin, 'audit:verify', {})).checkpoint!
      // A checkpoint the attacker signs themselves (or edits) is not the desk's.
      const forged = { ...kept, seq: 1 }
      expect((await errorOf(h.call(admin, 'audit:verify', { checkpoint: forged }))).code).toBe('INVALID_INPUT')
      // The checkpointed row still links and verifies, yet is not the one signed: only a keyed
      // rewrite could do that, so this stands in for a leaked key; the mismatch is still caught.
      const all = await rows()
      const key = h.backend.ctx.keys.audit
      await rechain(
        all.map((r) => (r.seq === kept.seq ? { ...r, outcome: 'rewritten' } : r)),
        kept.seq,
        (r) => entryHash(key, r),
      )
      expect(await h.call(admin, 'audit:verify', { checkpoint: kept })).toMatchObject({
        ok: false,
        checkpointMismatch: true,
        checkpoint: null,
      })
    })
  })
}
