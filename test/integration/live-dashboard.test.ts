// B5 and B10 rules on real SQLite and PostgreSQL: the long poll wakes on a committed step and
// times out empty-handed; a supervisor sees the open flows of their groups (all with no groups)
// and nothing of the user but initials; a flow outside them cannot be followed; the dashboard
// counts what the audit holds for the chosen days.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import type { Session } from '../../electron/backend/operations'
import { initials } from '../../electron/backend/live/live-view'
import { dashboardCsv } from '../../renderer/src/features/dashboard/dashboard-csv'

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`B5/B10 on ${variant.name}`, () => {
    let h: Harness
    let desk: Session
    let sup: Session
    let recordId: string
    beforeEach(async () => {
      h = await startHarness(variant, { sweepEverySeconds: 0, webhooks: false })
      desk = await h.signIn('desk')
      sup = await h.signIn('super')
      recordId = (await h.call(desk, 'records:list', { kind: 'incident', filter: 'assigned_to_me', q: 'INC0010004' })).rows[0]!.id
    })
    afterEach(() => h.dispose())
    const setGroups = (agentId: string, groups: string[]) =>
      h.backend.store.db
        .updateTable('agents')
        .set({ groups: JSON.stringify(groups) })
        .where('id', '=', agentId)
        .execute()

    it('B5 live:next wakes on the committed step, not on its timeout, and shows the user by initials only', async () => {
      const before = await h.call(sup, 'live:next', { afterSeq: 0, waitMs: 0 })
      expect(before.flows).toEqual([])
      const started = Date.now()
      const waiting = h.call(sup, 'live:next', { afterSeq: before.seq, waitMs: 10_000 })
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      const next = await waiting
      expect(Date.now() - started).toBeLessThan(1_000)
      expect(next.seq).toBeGreaterThan(before.seq)
      expect(next.flows).toEqual([
        expect.objectContaining({
          flowId: flow.id,
          agentName: 'Dana Desk',
          userInitials: 'A. M.',
          step: 'verifying',
          methodsPassed: [],
          methodsFailed: [],
        }),
      ])
      // Each step moves it on; a wrong answer shows as a failed method.
      await errorOf(h.call(desk, 'verify:personalData', { flowId: flow.id, email: 'someone@example.com' }))
      await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      const followed = await h.call(sup, 'live:next', { afterSeq: next.seq, follow: flow.id, waitMs: 0 })
      expect(followed.flows[0]).toMatchObject({
        step: 'verified',
        methodsPassed: ['personal_data_confirm'],
        methodsFailed: ['personal_data_verify'],
      })
      expect(followed.followed!.events.map((e) => `${e.action}:${e.method ?? ''}:${e.outcome}`)).toEqual([
        'flow.start::started',
        'verify.check:personal_data_verify:failed',
        'verify.check:personal_data_confirm:passed',
      ])
      expect(JSON.stringify(followed)).not.toMatch(/@|alex|morgan|415/i)
      // Nothing new: the poll answers after its wait with the same sequence.
      const t = Date.now()
      const idle = await h.call(sup, 'live:next', { afterSeq: followed.seq, waitMs: 400 })
      expect(Date.now() - t).toBeGreaterThanOrEqual(350)
      expect(idle.seq).toBe(followed.seq)
    })

    it("B5 a supervisor sees the flows of their groups only (all with no groups), and cannot follow another group's flow", async () => {
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      const group = (
        await h.backend.store.db.selectFrom('records').select('assignment_group').where('id', '=', recordId).executeTakeFirstOrThrow()
      ).assignment_group!
      await setGroups('agent-super', [group.toUpperCase()])
      expect((await h.call(sup, 'live:next', { waitMs: 0 })).flows.map((f) => f.flowId)).toEqual([flow.id])
      await setGroups('agent-super', ['Another Group'])
      expect((await h.call(sup, 'live:next', { waitMs: 0 })).flows).toEqual([])
      expect((await errorOf(h.call(sup, 'live:next', { follow: flow.id, waitMs: 0 }))).code).toBe('FLOW_NOT_OBSERVABLE')
      await setGroups('agent-super', [])
      expect((await h.call(sup, 'live:next', { waitMs: 0 })).flows.map((f) => f.flowId)).toEqual([flow.id])
      // Roles: a desk agent and an administrator are refused Live; the dashboard takes admins.
      expect((await errorOf(h.call(desk, 'live:next', { waitMs: 0 }))).code).toBe('FORBIDDEN')
      const admin = await h.signIn('admin')
      expect((await errorOf(h.call(admin, 'live:next', { waitMs: 0 }))).code).toBe('FORBIDDEN')
      expect((await h.call(admin, 'dashboard:get', { from: '2026-11-27', to: '2026-11-27' })).from).toBe('2026-11-27')
      expect((await errorOf(h.call(desk, 'dashboard:get', { from: '2026-11-27', to: '2026-11-27' }))).code).toBe('FORBIDDEN')
    })

    it('B10 the dashboard counts resets, verifications, limit hits and handle time for the chosen days', async () => {
      for (let i = 0; i < 3; i++) {
        const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
        await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
        h.clock.advance(60_000 * (i + 1))
        await h.call(desk, 'reset:run', { flowId: flow.id, method: i === 0 ? 'email_link' : 'generate' })
        await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
      }
      // A method closed after three failures counts as a lockout hit (R5).
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-blair', processId: 'proc-standard' })
      for (let i = 0; i < 3; i++) await errorOf(h.call(desk, 'verify:personalData', { flowId: flow.id, email: `wrong${i}@example.com` }))
      const d = await h.call(sup, 'dashboard:get', { from: '2026-11-26', to: '2026-11-27' })
      expect(d.resetsPerDay).toEqual([
        { day: '2026-11-26', email_link: 0, generate: 0, manual: 0 },
        { day: '2026-11-27', email_link: 1, generate: 2, manual: 0 },
      ])
      expect(d.verification).toEqual([
        { method: 'personal_data_confirm', passed: 3, failed: 0 },
        { method: 'personal_data_verify', passed: 0, failed: 3 },
      ])
      expect(d.limitsPerDay[1]).toEqual({ day: '2026-11-27', rateLimited: 0, lockouts: 1, signInThrottled: 0 })
      // Handle times 60, 120 and 180 s (the open fourth flow is not handled yet): median 120 s.
      expect(d.handleTimes).toEqual([{ agentName: 'Dana Desk', flows: 3, medianSeconds: 120 }])
      // Three days on, those days have ended: counted once into audit_daily, with the same figures.
      h.clock.advance(3 * 86_400_000)
      expect(await h.call(sup, 'dashboard:get', { from: '2026-11-26', to: '2026-11-27' })).toEqual({ ...d, approvalsWaiting: 0 })
      expect(await h.backend.store.db.selectFrom('audit_daily_done').select('day').orderBy('day').execute()).toEqual([
        { day: '2026-11-26' },
        { day: '2026-11-27' },
      ])
      expect(await h.call(sup, 'dashboard:get', { from: '2026-11-26', to: '2026-11-27' })).toEqual({ ...d, approvalsWaiting: 0 })
      const earlier = await h.call(sup, 'dashboard:get', { from: '2026-11-20', to: '2026-11-26' })
      expect(earlier.resetsPerDay.every((r) => r.email_link + r.generate + r.manual === 0)).toBe(true)
      expect(earlier.handleTimes).toEqual([])
      expect(dashboardCsv(d)).toContain('median_handle_time,Dana Desk,median_seconds,120')
    })
  })
}

it('B5 initials never spell out a name', () => {
  expect(initials('Drew Patel')).toBe('D. P.')
  expect(initials('  éva   de la cruz ')).toBe('É. D. L. C.')
  expect(initials('')).toBe('—')
})
