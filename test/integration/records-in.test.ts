// G5 records in from the console, on SQLite and PostgreSQL: new interactions numbered from a
// race-free counter, "Assign to me" within one's groups only, reassignment closing the old flow
// so the new assignee can start at once (R3), and callers as live directory references.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import type { Session } from '../../electron/backend/operations'
import { contract } from '../../shared/ipc/contract'
import { searchTextOf } from '../../electron/backend/records/search-text'

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`G5 records in on ${variant.name}`, () => {
    let h: Harness
    let desk: Session
    let admin: Session
    let viewer: Session
    beforeAll(async () => {
      h = await startHarness(variant)
      desk = await h.signIn('desk')
      admin = await h.signIn('admin')
      viewer = await h.signIn('viewer')
    })
    afterAll(async () => h?.dispose())

    const db = () => h.backend.store.db
    const auditOf = (recordId: string) => db().selectFrom('audit').selectAll().where('record_id', '=', recordId).orderBy('seq').execute()

    it('creates an interaction for a directory caller, assigned to the agent, numbered after the seeded ones', async () => {
      const created = await h.call(desk, 'records:createInteraction', {
        channel: 'walk-up',
        callerId: 'user-alex',
        shortDescription: 'Forgot password after leave',
      })
      // The demo desk holds IMS0000001–IMS0000100: the counter moves past them on the first clash.
      expect(created).toMatchObject({
        kind: 'interaction',
        number: 'IMS0000101',
        channel: 'walk-up',
        callerId: 'user-alex',
        callerName: 'Alex Morgan',
        assignedToId: 'agent-desk',
        assignmentGroup: 'Service Desk',
      })
      const detail = await h.call(desk, 'records:get', { recordId: created.id })
      expect(detail.canReset).toBe(true)
      expect(detail.resetRefusal).toBeNull()
      expect(detail.caller).toEqual({ status: 'resolved', id: 'user-alex', nameAtTime: 'Alex Morgan', currentName: 'Alex Morgan' })
      expect(detail.activity.map((a) => a.kind)).toEqual(['assignment'])
      const row = await db().selectFrom('records').select('search_text').where('id', '=', created.id).executeTakeFirstOrThrow()
      expect(row.search_text).toBe(
        searchTextOf({ number: 'IMS0000101', callerName: 'Alex Morgan', shortDescription: 'Forgot password after leave', description: '' }),
      )
      const found = await h.call(desk, 'records:list', { kind: 'interaction', filter: 'assigned_to_me', q: 'ims0000101' })
      expect(found.rows.map((r) => r.id)).toEqual([created.id])
      const audit = await auditOf(created.id)
      expect(audit.map((a) => [a.action, a.outcome, a.user_id])).toEqual([['record.create', 'created', 'user-alex']])

      // The next one takes the next number, and a flow can start on it at once.
      const next = await h.call(desk, 'records:createInteraction', {
        channel: 'phone',
        callerId: 'user-blair',
        shortDescription: 'Locked out',
      })
      expect(next.number).toBe('IMS0000102')
      const flow = await h.call(desk, 'flow:start', { recordId: next.id, userId: 'user-blair', processId: 'proc-standard' })
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
    })

    it('refuses an unknown caller, a viewer without a role, and text that is not one line', async () => {
      expect(
        (await errorOf(h.call(desk, 'records:createInteraction', { channel: 'phone', callerId: 'user-nobody', shortDescription: 'x' })))
          .code,
      ).toBe('USER_NOT_FOUND')
      expect(
        (await errorOf(h.call(viewer, 'records:createInteraction', { channel: 'phone', callerId: 'user-alex', shortDescription: 'x' })))
          .code,
      ).toBe('FORBIDDEN')
      const input = contract['records:createInteraction'].input
      expect(input.safeParse({ channel: 'phone', callerId: 'user-alex', shortDescription: 'a\u0000b' }).success).toBe(false)
      expect(input.safeParse({ channel: 'phone', callerId: 'user-alex', shortDescription: 'two\nlines' }).success).toBe(false)
      expect(input.safeParse({ channel: 'fax', callerId: 'user-alex', shortDescription: 'x' }).success).toBe(false)
      expect(input.safeParse({ channel: 'phone', callerId: 'user-alex', shortDescription: '   ' }).success).toBe(false)
    })

    it('gives concurrent creations distinct, consecutive numbers', async () => {
      const before = await db().selectFrom('record_numbers').select('last').where('prefix', '=', 'IMS').executeTakeFirstOrThrow()
      const created = await Promise.all(
        Array.from({ length: 16 }, (_, i) =>
          h.call(i % 2 ? desk : admin, 'records:createInteraction', {
            channel: 'chat',
            callerId: 'user-casey',
            shortDescription: `Concurrent ${i}`,
          }),
        ),
      )
      const numbers = created.map((r) => Number(r.number.slice(3))).sort((a, b) => a - b)
      expect(new Set(numbers).size).toBe(16)
      expect(numbers).toEqual(Array.from({ length: 16 }, (_, i) => Number(before.last) + 1 + i))
    })

    it('refuses "Assign to me" on a record outside the agent\'s groups, and audits the refusal', async () => {
      const network = await db()
        .selectFrom('records')
        .selectAll()
        .where('assignment_group', '=', 'Network')
        .limit(1)
        .executeTakeFirstOrThrow()
      const e = await errorOf(h.call(desk, 'records:assignToMe', { recordId: network.id }))
      expect([e.code, e.details.group]).toEqual(['NOT_IN_GROUP', 'Network'])
      const after = await db().selectFrom('records').select('assigned_to').where('id', '=', network.id).executeTakeFirstOrThrow()
      expect(after.assigned_to).toBe(network.assigned_to)
      expect((await auditOf(network.id)).map((a) => [a.action, a.outcome])).toEqual([['record.assign', 'refused']])
      const detail = await h.call(desk, 'records:get', { recordId: network.id })
      expect([detail.canAssignToMe, detail.resetRefusal]).toEqual([false, 'NOT_ASSIGNED'])
      // A viewer holds no role: the view names the missing role rather than offering the record.
      const mine = await assignedRecord(h, desk)
      const asViewer = await h.call(viewer, 'records:get', { recordId: mine })
      expect([asViewer.canAssignToMe, asViewer.resetRefusal]).toEqual([false, 'ROLE_MISSING'])
      expect((await errorOf(h.call(viewer, 'records:assignToMe', { recordId: mine }))).code).toBe('FORBIDDEN')
    })

    it('reassignment mid-flow closes the old flow cleanly and the new assignee starts one at once', async () => {
      const recordId = await assignedRecord(h, desk)
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-jamie-garcia', processId: 'proc-standard' })
      await h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' })

      const offered = await h.call(admin, 'records:get', { recordId })
      expect([offered.canAssignToMe, offered.resetRefusal]).toEqual([true, 'NOT_ASSIGNED'])
      const taken = await h.call(admin, 'records:assignToMe', { recordId })
      expect(taken.record.assignedToId).toBe('agent-admin')
      expect([taken.canReset, taken.canAssignToMe]).toEqual([true, false])
      expect(taken.activity[0]).toMatchObject({
        kind: 'assignment',
        author: 'Avery Admin',
        text: 'Assigned to Avery Admin (was Dana Desk).',
      })

      // The old flow is closed, its code void, the user released — and it says why.
      const old = await db().selectFrom('flows').selectAll().where('id', '=', flow.id).executeTakeFirstOrThrow()
      expect([old.close_reason, old.open_user_id, old.closed_at !== null]).toEqual(['reassigned', null, true])
      const codes = await db().selectFrom('codes').select('state').where('flow_id', '=', flow.id).execute()
      expect(codes.length).toBeGreaterThan(0)
      expect(codes.every((c) => c.state === 'void')).toBe(true)
      expect((await errorOf(h.call(desk, 'flow:get', { flowId: flow.id }))).code).toBe('RECORD_REASSIGNED')
      const audit = (await auditOf(recordId)).filter(
        (a) => (a.action === 'record.assign' && a.outcome !== 'refused') || (a.action === 'flow.close' && a.flow_id === flow.id),
      )
      expect(audit.map((a) => [a.action, a.outcome])).toEqual([
        ['record.assign', 'assigned'],
        ['flow.close', 'reassigned'],
      ])
      expect(JSON.parse(audit[0]!.detail)).toEqual({ from: 'agent-desk', to: 'agent-admin' })

      const fresh = await h.call(admin, 'flow:start', { recordId, userId: 'user-jamie-garcia', processId: 'proc-standard' })
      expect(fresh.state).toBe('verifying')
      await h.call(admin, 'flow:close', { flowId: fresh.id, passwordShared: false })
      // Taking a record one already holds changes nothing and writes nothing.
      const count = (await auditOf(recordId)).length
      await h.call(admin, 'records:assignToMe', { recordId })
      expect((await auditOf(recordId)).length).toBe(count)
    })

    it('concurrent "Assign to me" on one record: each change audited, every from the previous to', async () => {
      const supervisor = await h.signIn('super')
      const record = await db()
        .selectFrom('records')
        .select(['id', 'assigned_to'])
        .where('assignment_group', '=', 'Service Desk')
        .where('assigned_to', 'is', null)
        .limit(1)
        .executeTakeFirstOrThrow()
      await Promise.all([desk, admin, supervisor].map((agent) => h.call(agent, 'records:assignToMe', { recordId: record.id })))
      const changes = (await auditOf(record.id))
        .filter((a) => a.action === 'record.assign')
        .map((a) => JSON.parse(a.detail) as { from: string | null; to: string })
      expect(changes).toHaveLength(3)
      expect(changes[0]!.from).toBeNull()
      for (let i = 1; i < changes.length; i++) expect(changes[i]!.from).toBe(changes[i - 1]!.to)
      const final = await db().selectFrom('records').select('assigned_to').where('id', '=', record.id).executeTakeFirstOrThrow()
      expect(final.assigned_to).toBe(changes[2]!.to)
      expect(new Set(changes.map((c) => c.to))).toEqual(new Set(['agent-desk', 'agent-admin', 'agent-super']))
    })

    it('a flow stranded by a reassignment made elsewhere is closed when the new assignee starts', async () => {
      const recordId = (await h.call(desk, 'records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 5 })).rows[3]!.id
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-taylor-tanaka', processId: 'proc-standard' })
      // As a connector that writes the assignee directly would (no assignRecord, no flow close).
      await db()
        .updateTable('records')
        .set({ assigned_to: 'agent-admin', assigned_to_name: 'Avery Admin' })
        .where('id', '=', recordId)
        .execute()
      const fresh = await h.call(admin, 'flow:start', { recordId, userId: 'user-taylor-tanaka', processId: 'proc-standard' })
      expect(fresh.state).toBe('verifying')
      const old = await db()
        .selectFrom('flows')
        .select(['close_reason', 'open_user_id'])
        .where('id', '=', flow.id)
        .executeTakeFirstOrThrow()
      expect(old).toEqual({ close_reason: 'reassigned', open_user_id: null })
      expect((await errorOf(h.call(desk, 'flow:get', { flowId: flow.id }))).code).toBe('RECORD_REASSIGNED')
      await h.call(admin, 'flow:close', { flowId: fresh.id, passwordShared: false })
    })

    it('resolves the caller live: renamed, gone from the directory, or unmatched free text', async () => {
      const created = await h.call(desk, 'records:createInteraction', {
        channel: 'email',
        callerId: 'user-casey',
        shortDescription: 'Name check',
      })
      await db().updateTable('directory_users').set({ display_name: 'Casey Singh-Ortiz' }).where('id', '=', 'user-casey').execute()
      expect((await h.call(desk, 'records:get', { recordId: created.id })).caller).toEqual({
        status: 'resolved',
        id: 'user-casey',
        nameAtTime: 'Casey Singh',
        currentName: 'Casey Singh-Ortiz',
      })
      await db().updateTable('records').set({ caller_id: 'user-left-the-company' }).where('id', '=', created.id).execute()
      expect((await h.call(desk, 'records:get', { recordId: created.id })).caller).toMatchObject({
        status: 'not_found',
        currentName: null,
        nameAtTime: 'Casey Singh',
      })
      await db()
        .updateTable('records')
        .set({ caller_id: null, caller_name: 'j.smith@partner.example' })
        .where('id', '=', created.id)
        .execute()
      expect((await h.call(desk, 'records:get', { recordId: created.id })).caller).toEqual({
        status: 'unmatched',
        id: null,
        nameAtTime: 'j.smith@partner.example',
        currentName: null,
      })
    })
  })
}
