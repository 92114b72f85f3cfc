// G7 administration of processes and desk settings, on both stores: every change validated and
// audited with before/after, a disabled process neither offered nor startable, delete refused
// once a flow used the process, R4 counts kept across renames (keyed by process id), and R5's
// code lifetime taken from the desk where the process sets none.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { dispatch } from '../../electron/backend/dispatch'
import { newProcessDraft, type ProcessDraft } from '../../shared/domain/process-admin'
import type { Session } from '../../electron/backend/operations'

const MINUTE = 60_000

const draft = (over: Partial<ProcessDraft> = {}): ProcessDraft => ({
  ...newProcessDraft,
  name: 'Contractors',
  description: 'Contract staff, confirmed by their registered address.',
  credentialStore: 'local',
  methods: ['personal_data_confirm', 'email_code'],
  resetMethods: ['generate'],
  ...over,
})

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`G7 process administration on ${variant.name}`, () => {
    let h: Harness
    let admin: Session
    let desk: Session
    let recordId: string

    beforeAll(async () => {
      h = await startHarness(variant)
      admin = await h.signIn('admin')
      desk = await h.signIn('desk')
      recordId = await assignedRecord(h, desk)
    })
    afterAll(async () => h?.dispose())

    const auditOf = (processId: string) =>
      h.backend.store.db
        .selectFrom('audit')
        .select(['action', 'outcome', 'detail', 'agent_id'])
        .where('process_id', '=', processId)
        .where('action', 'like', 'admin.%')
        .orderBy('seq')
        .execute()
    const offered = async (userId: string) => (await h.call(desk, 'processes:forUser', { userId })).map((o) => o.process.name)

    it('creates, edits, disables, enables and deletes an unused process, each change audited with before and after', async () => {
      expect(await h.call(admin, 'admin:credentialStores:list', {})).toEqual([{ name: 'local' }])
      const created = await h.call(admin, 'admin:processes:save', draft())
      expect(created).toMatchObject({
        enabled: true,
        openFlows: 0,
        everUsed: false,
        process: { name: 'Contractors', credentialStore: 'local' },
      })
      const id = created.process.id
      expect(await offered('user-blair')).toContain('Contractors')

      const edited = await h.call(
        admin,
        'admin:processes:save',
        draft({ id, name: 'Contract staff', policy: { ...newProcessDraft.policy, minLength: 20 } }),
      )
      expect(edited.process).toMatchObject({ id, name: 'Contract staff', policy: { minLength: 20 } })
      expect((await h.call(admin, 'admin:processes:list', {})).filter((p) => p.process.id === id)).toHaveLength(1)

      const disabled = await h.call(admin, 'admin:processes:setEnabled', { processId: id, enabled: false })
      expect(disabled.enabled).toBe(false)
      expect(await offered('user-blair')).not.toContain('Contract staff')
      expect((await errorOf(h.call(desk, 'flow:start', { recordId, userId: 'user-blair', processId: id }))).code).toBe('PROCESS_DISABLED')
      await h.call(admin, 'admin:processes:setEnabled', { processId: id, enabled: true })
      expect(await offered('user-blair')).toContain('Contract staff')

      expect(await h.call(admin, 'admin:processes:delete', { processId: id })).toEqual({ deleted: true })
      expect((await h.call(admin, 'admin:processes:list', {})).map((p) => p.process.id)).not.toContain(id)
      expect((await errorOf(h.call(admin, 'admin:processes:delete', { processId: id }))).code).toBe('PROCESS_NOT_FOUND')

      const audit = await auditOf(id)
      expect(audit.map((a) => `${a.action}:${a.outcome}`)).toEqual([
        'admin.processes.save:created',
        'admin.processes.save:changed',
        'admin.processes.setEnabled:changed',
        'admin.processes.setEnabled:changed',
        'admin.processes.delete:deleted',
      ])
      expect(audit.every((a) => a.agent_id === admin.agentId)).toBe(true)
      const rename = JSON.parse(audit[1]!.detail)
      expect(rename.before).toMatchObject({ id, name: 'Contractors', policy: { minLength: 15 } })
      expect(rename.after).toMatchObject({ id, name: 'Contract staff', policy: { minLength: 20 } })
      expect(JSON.parse(audit[2]!.detail)).toEqual({ before: { enabled: true }, after: { enabled: false } })
      expect(JSON.parse(audit[4]!.detail)).toMatchObject({ before: { name: 'Contract staff' }, after: null })
      expect((await h.call(admin, 'audit:verify', {})).ok).toBe(true)
    })

    it('refuses to delete a process with an open flow (disable instead); the open flow may finish', async () => {
      const { process } = await h.call(admin, 'admin:processes:save', draft({ name: 'In use' }))
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-blair', processId: process.id })

      const refused = await errorOf(h.call(admin, 'admin:processes:delete', { processId: process.id }))
      expect(refused.code).toBe('PROCESS_IN_USE')
      expect(refused.details).toEqual({ openFlows: 1, flows: 1 })
      expect((await h.call(admin, 'admin:processes:list', {})).find((p) => p.process.id === process.id)).toMatchObject({
        openFlows: 1,
        everUsed: true,
      })
      expect((await auditOf(process.id)).at(-1)).toMatchObject({ action: 'admin.processes.delete', outcome: 'refused_in_use' })

      // Disabled: no new flow, but the open one verifies, resets and closes as it would have.
      await h.call(admin, 'admin:processes:setEnabled', { processId: process.id, enabled: false })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      expect((await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })).generatedPassword).toBeTruthy()
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })
      expect((await errorOf(h.call(desk, 'flow:start', { recordId, userId: 'user-blair', processId: process.id }))).code).toBe(
        'PROCESS_DISABLED',
      )

      // Its history (flow, reset, audit) names it, so it stays deletable never.
      const again = await errorOf(h.call(admin, 'admin:processes:delete', { processId: process.id }))
      expect(again.details).toEqual({ openFlows: 0, flows: 1 })
    })

    it('R4 counts stay with the process across a rename', async () => {
      const { process } = await h.call(admin, 'admin:processes:save', draft({ name: 'Before rename' }))
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-harper-schmidt', processId: process.id })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
      await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })

      await h.call(admin, 'admin:processes:save', draft({ id: process.id, name: 'After rename', description: 'Renamed.' }))
      const option = (await h.call(desk, 'processes:forUser', { userId: 'user-harper-schmidt' })).find((o) => o.process.id === process.id)!
      expect(option.process.name).toBe('After rename')
      expect(option.usesLeft).toBe(1)
      const again = await h.call(desk, 'flow:start', { recordId, userId: 'user-harper-schmidt', processId: process.id })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: again.id, confirmed: true })
      await h.call(desk, 'reset:run', { flowId: again.id, method: 'generate' })
      expect((await errorOf(h.call(desk, 'reset:run', { flowId: again.id, method: 'generate' }))).code).toBe('RATE_LIMITED')
      await h.call(desk, 'flow:close', { flowId: again.id, passwordShared: true })
    })

    it('refuses invalid processes in place: schema rules over dispatch, store names in the backend', async () => {
      const viaDispatch = (input: unknown) => dispatch(h.backend.ops, h.backend.ctx.log, admin, 'admin:processes:save', input)
      const paths = async (input: unknown) => {
        const r = await viaDispatch(input)
        if (r.ok) throw new Error('expected a refusal')
        expect(r.error.code).toBe('INVALID_INPUT')
        return (r.error.details.issues as { path: string }[]).map((i) => i.path)
      }
      expect(await paths(draft({ methods: ['email_code'], requiredPasses: 2 }))).toEqual(['requiredPasses'])
      expect(
        await paths(draft({ protectedAccounts: true, methods: ['security_questions', 'personal_data_verify'], requiresApproval: false })),
      ).toEqual(['methods', 'requiresApproval'])
      expect(await paths(draft({ name: '   ' }))).toEqual(['name'])
      expect(await paths({ ...draft(), policy: { ...newProcessDraft.policy, minLength: 7 } })).toEqual(['policy.minLength'])
      expect(await paths(draft({ credentialStore: 'corp-ad' }))).toEqual(['credentialStore'])
      await h.call(admin, 'admin:processes:save', draft({ name: 'Unique name' }))
      expect(await paths(draft({ name: 'unique NAME' }))).toEqual(['name'])
      expect((await errorOf(h.call(admin, 'admin:processes:save', draft({ id: 'no-such-process' })))).code).toBe('PROCESS_NOT_FOUND')
    })

    it("R5: the desk's code lifetime governs where the process sets none; a process's own wins", async () => {
      expect(await h.call(admin, 'admin:settings:get', {})).toEqual({
        trustDirectoryContacts: true,
        questionsRequired: 3,
        codeTtlMinutes: 10,
        wasntMeLinkDays: 7,
      })
      const saved = await h.call(admin, 'admin:settings:save', { trustDirectoryContacts: true, questionsRequired: 3, codeTtlMinutes: 3 })
      expect(saved.codeTtlMinutes).toBe(3)
      const audit = await h.backend.store.db
        .selectFrom('audit')
        .select(['outcome', 'detail'])
        .where('action', '=', 'admin.settings.save')
        .execute()
      expect(audit.map((a) => JSON.parse(a.detail))).toEqual([
        { before: { trustDirectoryContacts: true, questionsRequired: 3, codeTtlMinutes: 10, wasntMeLinkDays: 7 }, after: saved },
      ])

      const expiresIn = async (processId: string) => {
        const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId })
        const sent = await h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' })
        await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
        const at = sent.flow.methods.find((m) => m.method === 'email_code')!.codeExpiresAt!
        return (new Date(at).getTime() - h.clock.now().getTime()) / MINUTE
      }
      expect(await expiresIn('proc-standard')).toBe(3)
      const own = await h.call(
        admin,
        'admin:processes:save',
        draft({ name: 'Own lifetime', settings: { ...newProcessDraft.settings, codeTtlMinutes: 7 } }),
      )
      expect(await expiresIn(own.process.id)).toBe(7)
      await h.call(admin, 'admin:settings:save', { trustDirectoryContacts: true, questionsRequired: 3, codeTtlMinutes: 10 })
    })
  })
}
