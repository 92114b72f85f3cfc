// Issue 11 item 10: verification expires. A flow kept alive by activity once allowed a reset 26
// hours after the caller verified; a pass now counts for the process's verificationValidMinutes
// (default 15) and then the caller must verify again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import type { Session } from '../../electron/backend/operations'

const MINUTE = 60_000

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`verification expiry on ${variant.name}`, () => {
    let h: Harness
    let desk: Session
    let recordId: string

    beforeAll(async () => {
      h = await startHarness(variant)
      desk = await h.signIn('desk')
      recordId = await assignedRecord(h, desk)
    })
    afterAll(async () => h?.dispose())

    it('a verification older than 15 minutes forces re-verification before a reset, even with the flow kept alive', async () => {
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      const verified = await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      expect(verified.verified).toBe(true)

      // Activity every 7 minutes keeps the flow open (idle expiry never fires) ...
      for (let i = 0; i < 2; i++) {
        h.clock.advance(7 * MINUTE)
        expect((await h.call(desk, 'flow:get', { flowId: flow.id })).verified).toBe(true)
      }
      // ... but 15 minutes after the pass, the pass has lapsed.
      h.clock.advance(1 * MINUTE + 1)
      const lapsed = await h.call(desk, 'flow:get', { flowId: flow.id })
      expect(lapsed.verified).toBe(false)
      expect(lapsed.state).toBe('verifying')
      expect(lapsed.methods.find((m) => m.method === 'personal_data_confirm')?.passed).toBe(false)
      expect((await errorOf(h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' }))).code).toBe('NOT_VERIFIED')
      const resets = await h.backend.store.db.selectFrom('resets').select('id').where('flow_id', '=', flow.id).execute()
      expect(resets).toHaveLength(0)

      // Kept alive for 26 hours, still not verified.
      for (let i = 0; i < 26 * 4; i++) {
        h.clock.advance(15 * MINUTE)
        await h.backend.store.db
          .updateTable('flows')
          .set({ last_activity_at: h.clock.now().toISOString() })
          .where('id', '=', flow.id)
          .execute()
      }
      expect((await errorOf(h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' }))).code).toBe('NOT_VERIFIED')

      // Verifying again opens the reset.
      await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      const done = await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
      expect(done.generatedPassword).toBeTruthy()
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })
    })

    it('the window is a setting of the process', async () => {
      const row = await h.backend.store.db.selectFrom('processes').selectAll().where('id', '=', 'proc-standard').executeTakeFirstOrThrow()
      const config = JSON.parse(row.config)
      config.settings.verificationValidMinutes = 60
      await h.backend.store.db
        .updateTable('processes')
        .set({ config: JSON.stringify(config) })
        .where('id', '=', row.id)
        .execute()
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-jamie-garcia', processId: 'proc-standard' })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      h.clock.advance(20 * MINUTE)
      expect((await h.call(desk, 'flow:get', { flowId: flow.id })).verified).toBe(true)
      h.clock.advance(25 * MINUTE)
      expect((await h.call(desk, 'flow:get', { flowId: flow.id })).verified).toBe(true)
      h.clock.advance(16 * MINUTE)
      expect((await h.call(desk, 'flow:get', { flowId: flow.id })).verified).toBe(false)
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
    })
  })
}
