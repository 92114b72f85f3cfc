// Issue 12 in the backend, on SQLite and PostgreSQL: B2 risk signals from the store, B1 rejection
// with a reason and the decision the agent reads, and R9's audit search for people.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, latestCode, startHarness, type Harness } from '../helpers/backend-harness'
import type { Session } from '../../electron/backend/operations'
import { contract } from '../../shared/ipc/contract'

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`issue 12 rules on ${variant.name}`, () => {
    let h: Harness
    let desk: Session
    let supervisor: Session
    let admin: Session
    let recordId: string

    beforeAll(async () => {
      h = await startHarness(variant)
      desk = await h.signIn('desk')
      supervisor = await h.signIn('super')
      admin = await h.signIn('admin')
      recordId = await assignedRecord(h, desk)
    })
    afterAll(async () => h?.dispose())

    it('B2 users:risk reads locked, the contact change, resets and failed checks by any agent, and the caller mismatch', async () => {
      const blair = await h.call(desk, 'users:risk', { userId: 'user-blair', recordId })
      expect(blair.user).toMatchObject({ id: 'user-blair', locked: true })
      expect(blair.signals.map((s) => s.kind)).toEqual(expect.arrayContaining(['locked', 'contact_changed']))
      expect([blair.resetsLast24h, blair.failedVerificationsLast24h]).toEqual([0, 0])

      const userId = 'user-jamie-garcia'
      const flow = await h.call(desk, 'flow:start', { recordId, userId, processId: 'proc-standard' })
      await h.call(desk, 'verify:personalData', { flowId: flow.id, email: 'wrong@example.com' }).catch(() => undefined)
      await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })
      const after = await h.call(desk, 'users:risk', { userId, recordId })
      expect([after.resetsLast24h, after.failedVerificationsLast24h]).toEqual([1, 1])
      expect(after.signals.map((s) => s.kind)).toEqual(expect.arrayContaining(['recent_resets', 'recent_failed_verifications']))
    })

    it('B1 a supervisor rejects with a reason: the flow ends, the agent reads who and why, audited with a work note; the queue showed the methods passed', async () => {
      const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-drew', processId: 'proc-protected' })
      await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
      await h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: await latestCode(h, desk, 'user-drew') })
      const waiting = await h.call(supervisor, 'approvals:list', {})
      expect(waiting).toEqual([expect.objectContaining({ flowId: f.id, passedMethods: ['email_code'], verified: false })])
      expect(await h.call(desk, 'approvals:decision', { flowId: f.id })).toBeNull()
      // Only a supervisor rejects, and only with a reason.
      expect((await errorOf(h.call(desk, 'flow:reject', { flowId: f.id, reason: 'not me either' }))).code).toBe('FORBIDDEN')
      expect(contract['flow:reject'].input.safeParse({ flowId: f.id, reason: '   ' }).success).toBe(false)
      await h.call(supervisor, 'flow:reject', { flowId: f.id, reason: 'Caller hesitated on the questions.' })
      expect(await h.call(desk, 'approvals:decision', { flowId: f.id })).toMatchObject({
        decision: 'rejected',
        by: 'Sam Supervisor',
        reason: 'Caller hesitated on the questions.',
      })
      expect((await errorOf(h.call(desk, 'flow:get', { flowId: f.id }))).code).toBe('FLOW_CLOSED')
      expect((await errorOf(h.call(supervisor, 'flow:approve', { flowId: f.id }))).code).toBe('FLOW_CLOSED')
      expect(await h.call(supervisor, 'approvals:list', {})).toEqual([])
      const audit = await h.call(admin, 'audit:search', { action: 'flow.reject', offset: 0, limit: 10 })
      expect(audit.rows).toEqual([
        expect.objectContaining({
          outcome: 'rejected',
          agentName: 'Sam Supervisor',
          userName: 'Drew Patel',
          detail: JSON.stringify({ reason: 'Caller hesitated on the questions.' }),
        }),
      ])
      const notes = (await h.call(desk, 'records:get', { recordId })).activity.filter((a) => a.kind === 'work_note').map((a) => a.text)
      expect(notes.some((n) => n.includes('rejected by Sam Supervisor: Caller hesitated on the questions. No password was changed.'))).toBe(
        true,
      )
      // The user is free for a new flow at once.
      const again = await h.call(desk, 'flow:start', { recordId, userId: 'user-drew', processId: 'proc-protected' })
      await h.call(desk, 'flow:close', { flowId: again.id, passwordShared: false })
    })

    it('R9 audit:search filters in the backend, pages, and names agents, users and records; only for admins and supervisors', async () => {
      expect((await errorOf(h.call(desk, 'audit:search', { offset: 0, limit: 10 }))).code).toBe('FORBIDDEN')
      const all = await h.call(admin, 'audit:search', { offset: 0, limit: 5 })
      expect(all.rows).toHaveLength(5)
      expect(all.total).toBeGreaterThan(5)
      const page2 = await h.call(admin, 'audit:search', { offset: 5, limit: 5 })
      expect(page2.rows[0]!.seq).toBeLessThan(all.rows[4]!.seq)
      const byAgent = await h.call(admin, 'audit:search', { agent: 'dana', offset: 0, limit: 200 })
      expect(byAgent.rows.length).toBeGreaterThan(0)
      expect(new Set(byAgent.rows.map((r) => r.agentName))).toEqual(new Set(['Dana Desk']))
      const byUser = await h.call(admin, 'audit:search', { user: 'drew', offset: 0, limit: 200 })
      expect(new Set(byUser.rows.map((r) => r.userName))).toEqual(new Set(['Drew Patel']))
      const record = byUser.rows.find((r) => r.recordNumber)!.recordNumber!
      const byRecord = await h.call(admin, 'audit:search', { record: record.toLowerCase(), action: 'flow.start', offset: 0, limit: 200 })
      expect(byRecord.rows.length).toBeGreaterThan(0)
      expect(new Set(byRecord.rows.map((r) => `${r.recordNumber} ${r.action}`))).toEqual(new Set([`${record} flow.start`]))
      const today = h.clock.now().toISOString().slice(0, 10)
      expect((await h.call(admin, 'audit:search', { from: today, to: today, offset: 0, limit: 1 })).total).toBe(all.total)
      expect((await h.call(admin, 'audit:search', { from: '2001-01-01', to: '2001-01-02', offset: 0, limit: 1 })).total).toBe(0)
      expect((await h.call(admin, 'audit:search', { user: 'nobody-at-all', offset: 0, limit: 1 })).total).toBe(0)
    })
  })
}
