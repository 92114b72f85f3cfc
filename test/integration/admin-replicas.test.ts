// G7 "in force at once on every replica": an administrator's change made through one server
// process governs the next flow started through another, on one PostgreSQL, with no restart.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replicasSkip, startReplicasOnPostgres, type Console, type ReplicaSet } from '../helpers/replica'
import { errorOf } from '../helpers/backend-harness'
import { newProcessDraft } from '../../shared/domain/process-admin'

describe.skipIf(replicasSkip !== null)('G7 administration across two replicas on one PostgreSQL', () => {
  let set: ReplicaSet
  let adminOnA: Console
  let deskOnB: Console
  let recordId: string

  beforeAll(async () => {
    set = await startReplicasOnPostgres(2, { agents: ['admin', 'desk'] })
    adminOnA = set.consoles[0]!
    deskOnB = set.consoles[1]!
    recordId = (
      await deskOnB.ops['records:list'](deskOnB.session, {
        kind: 'incident',
        filter: 'assigned_to_me',
        q: '',
        sort: 'openedAt',
        dir: 'desc',
        offset: 0,
        limit: 1,
      })
    ).rows[0]!.id
  }, 120_000)

  afterAll(() => set?.stop())

  it('a process edited through one replica governs the next flow started through the other', async () => {
    const listed = await adminOnA.ops['admin:processes:list'](adminOnA.session, {})
    const standard = listed.find((p) => p.process.id === 'proc-standard')!.process
    await adminOnA.ops['admin:processes:save'](adminOnA.session, {
      ...standard,
      name: 'Standard (confirm only)',
      methods: ['personal_data_confirm'],
      policy: { ...standard.policy, minLength: 24 },
      settings: { ...standard.settings, resetsPerDay: 1 },
    })

    const flow = await deskOnB.ops['flow:start'](deskOnB.session, { recordId, userId: 'user-alex', processId: 'proc-standard' })
    expect(flow.process.name).toBe('Standard (confirm only)')
    expect(flow.methods.map((m) => m.method)).toEqual(['personal_data_confirm'])
    await deskOnB.ops['verify:confirmPersonalData'](deskOnB.session, { flowId: flow.id, confirmed: true })
    const check = await deskOnB.ops['policy:check'](deskOnB.session, { flowId: flow.id, password: 'violet-harbour-lantern' })
    expect(check.ok).toBe(false)
    await deskOnB.ops['reset:run'](deskOnB.session, { flowId: flow.id, method: 'generate' })
    expect((await errorOf(deskOnB.ops['reset:run'](deskOnB.session, { flowId: flow.id, method: 'generate' }))).code).toBe('RATE_LIMITED')
    await deskOnB.ops['flow:close'](deskOnB.session, { flowId: flow.id, passwordShared: true })
  })

  it('a process disabled through one replica is neither offered nor startable through the other', async () => {
    await adminOnA.ops['admin:processes:setEnabled'](adminOnA.session, { processId: 'proc-standard', enabled: false })
    // Harper's only process was the standard one: Identify now finds none for them.
    expect((await errorOf(deskOnB.ops['processes:forUser'](deskOnB.session, { userId: 'user-harper-schmidt' }))).code).toBe('NO_PROCESS')
    const refused = await errorOf(
      deskOnB.ops['flow:start'](deskOnB.session, { recordId, userId: 'user-harper-schmidt', processId: 'proc-standard' }),
    )
    expect(refused.code).toBe('PROCESS_DISABLED')
    await adminOnA.ops['admin:processes:setEnabled'](adminOnA.session, { processId: 'proc-standard', enabled: true })
    const back = await deskOnB.ops['processes:forUser'](deskOnB.session, { userId: 'user-harper-schmidt' })
    expect(back.map((o) => o.process.id)).toContain('proc-standard')
  })

  it("the desk's code lifetime saved through one replica governs codes sent through the other", async () => {
    await adminOnA.ops['admin:settings:save'](adminOnA.session, {
      trustDirectoryContacts: true,
      questionsRequired: 3,
      codeTtlMinutes: 2,
      wasntMeLinkDays: 7,
    })
    // A process created through A, with no code lifetime of its own.
    const created = await adminOnA.ops['admin:processes:save'](adminOnA.session, {
      ...newProcessDraft,
      name: 'Email code',
      credentialStore: 'local',
      methods: ['email_code'],
    })
    expect(created.process.settings.codeTtlMinutes).toBeUndefined()
    const flow = await deskOnB.ops['flow:start'](deskOnB.session, {
      recordId,
      userId: 'user-harper-schmidt',
      processId: created.process.id,
    })
    const sentAt = Date.now()
    const { flow: after } = await deskOnB.ops['verify:sendCode'](deskOnB.session, { flowId: flow.id, method: 'email_code' })
    const expiresAt = new Date(after.methods.find((m) => m.method === 'email_code')!.codeExpiresAt!).getTime()
    expect(Math.abs(expiresAt - sentAt - 2 * 60_000)).toBeLessThan(10_000)
    await deskOnB.ops['flow:close'](deskOnB.session, { flowId: flow.id, passwordShared: false })
  })
})
