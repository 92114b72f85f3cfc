// Issue 4: the LDAP credential store against a real slapd with the ppolicy overlay, through the
// backend's reset rules. The app binds as the delegated help-desk account, never the root DN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { addPerson, deletePerson, ldapConfig, ppolicyState, slapd, userBind } from '../helpers/ldap-fixtures'
import { startSlapd } from '../helpers/slapd'
import { LdapDirectory } from '../../electron/backend/directory/ldap-directory'
import { processRow } from '../../electron/backend/rules/processes'
import { processSchema } from '../../shared/domain/types'
import type { Session } from '../../electron/backend/operations'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!
const NEW_PASSWORD = 'violet-harbour-lantern-2026'

describe.skipIf(slapd().missing !== null)('LDAP credential store (OpenLDAP + ppolicy) on a real slapd', () => {
  let h: Harness
  let desk: Session
  let recordId: string
  const ldapLog: string[] = []
  const log = {
    info: (e: string, f?: object) => void ldapLog.push(JSON.stringify({ e, ...f })),
    error: (e: string, f?: object) => void ldapLog.push(JSON.stringify({ e, ...f })),
  }
  let stopDown: () => void

  beforeAll(async () => {
    const ldap = new LdapDirectory(ldapConfig(), log)
    const ldapWrong = new LdapDirectory(ldapConfig({ bindPassword: 'not-the-helpdesk-password' }), log)
    // Its own slapd, stopped before use: the shared one keeps serving the other files.
    const down = await startSlapd()
    stopDown = down.stop
    const ldapDown = new LdapDirectory(ldapConfig({ url: down.url }), log)
    h = await startHarness(sqlite, { directory: ldap, credentialStores: { ldap, ldapWrong, ldapDown } })
    for (const [id, store] of [
      ['proc-ldap', 'ldap'],
      ['proc-ldap-wrong', 'ldapWrong'],
      ['proc-ldap-down', 'ldapDown'],
    ] as const) {
      await h.backend.store.db
        .insertInto('processes')
        .values(
          processRow(
            processSchema.parse({
              id,
              name: `LDAP ${id}`,
              description: 'Directory staff',
              appliesToGroups: [id === 'proc-ldap' ? 'LDAP Staff' : 'LDAP Faults'],
              protectedAccounts: false,
              credentialStore: store,
              methods: ['personal_data_confirm'],
              requiredPasses: 1,
              resetMethods: ['manual', 'generate'],
              unlock: true,
              requireChange: true,
              requiresApproval: false,
              policy: {},
              settings: {},
            }),
          ),
        )
        .execute()
    }
    desk = await h.signIn('desk')
    recordId = await assignedRecord(h, desk)
  })
  afterAll(async () => {
    stopDown?.()
    await h?.dispose()
  })

  async function verifiedFlow(userId: string, processId: string) {
    const flow = await h.call(desk, 'flow:start', { recordId, userId, processId })
    return h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
  }
  const resetRows = (userId: string) => h.backend.store.db.selectFrom('resets').select(['status']).where('user_id', '=', userId).execute()

  it('R3 finds people and reads mail, mobiles, groups and lock state as the help-desk account', async () => {
    const p = await addPerson({ groups: ['LDAP Staff', 'LDAP Executives'], mobiles: ['+1 415 555 0140', '+1 415 555 0141'] })
    const user = await h.backend.ctx.directory.get(p.id)
    expect(user).toMatchObject({
      id: p.id,
      username: p.uid,
      displayName: p.displayName,
      email: p.mail,
      mobiles: ['+1 415 555 0140', '+1 415 555 0141'],
      locked: false,
      mustChange: false,
      protected: true,
    })
    expect(user!.groups.sort()).toEqual(['LDAP Executives', 'LDAP Staff'])
    const found = await h.call(desk, 'users:search', { q: p.uid.slice(0, 9) })
    expect(found.map((u) => u.id)).toContain(p.id)
    expect(await h.backend.ctx.directory.get('nobody-such')).toBeNull()
  })

  it('R6 a user locked by three bad binds is unlocked, must change at next sign-in, and signs in with the new password', async () => {
    const p = await addPerson({ groups: ['LDAP Staff'] })
    for (let i = 0; i < 3; i++) expect(await userBind(p.dn, 'wrong-password')).toBe('InvalidCredentialsError')
    expect(await ppolicyState(p.dn)).toEqual({ locked: true, pwdReset: false })
    expect(await userBind(p.dn, p.password)).toBe('InvalidCredentialsError') // locked: even the right password fails
    expect((await h.backend.ctx.directory.get(p.id))!.locked).toBe(true)

    const flow = await verifiedFlow(p.id, 'proc-ldap')
    await h.call(desk, 'reset:run', { flowId: flow.id, method: 'manual', password: NEW_PASSWORD, confirm: NEW_PASSWORD })

    expect(await ppolicyState(p.dn)).toEqual({ locked: false, pwdReset: true })
    expect(await userBind(p.dn, NEW_PASSWORD)).toBe('ok')
    expect(await userBind(p.dn, p.password)).toBe('InvalidCredentialsError')
    const user = await h.backend.ctx.directory.get(p.id)
    expect([user!.locked, user!.mustChange]).toEqual([false, true])
    expect(await resetRows(p.id)).toEqual([{ status: 'done' }])
    expect(ldapLog.join('\n')).not.toContain(NEW_PASSWORD)
    await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })
  })

  it('R8 a wrong delegated bind password is DIRECTORY_UNAVAILABLE and no reset is recorded', async () => {
    const p = await addPerson({ groups: ['LDAP Faults'] })
    const flow = await verifiedFlow(p.id, 'proc-ldap-wrong')
    const e = await errorOf(h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' }))
    expect([e.code, e.details.reason]).toEqual(['DIRECTORY_UNAVAILABLE', 'service_account_rejected'])
    expect(await resetRows(p.id)).toEqual([])
    expect(await userBind(p.dn, p.password)).toBe('ok') // nothing changed in the directory
    const audit = await h.backend.store.db
      .selectFrom('audit')
      .select(['action', 'outcome'])
      .where('user_id', '=', p.id)
      .where('action', '=', 'reset')
      .execute()
    expect(audit).toEqual([{ action: 'reset', outcome: 'failed' }])
    await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
  })

  it('R8 a stopped slapd is DIRECTORY_UNAVAILABLE and no reset is recorded', async () => {
    stopDown()
    await new Promise((r) => setTimeout(r, 200))
    const p = await addPerson({ groups: ['LDAP Faults'] })
    const flow = await verifiedFlow(p.id, 'proc-ldap-down')
    const e = await errorOf(h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' }))
    expect([e.code, e.details.reason]).toEqual(['DIRECTORY_UNAVAILABLE', 'unreachable'])
    expect(await resetRows(p.id)).toEqual([])
    await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
  })

  it('R8 a user who vanished from the directory is USER_NOT_FOUND and no reset is recorded', async () => {
    const p = await addPerson({ groups: ['LDAP Staff'] })
    const flow = await verifiedFlow(p.id, 'proc-ldap')
    await deletePerson(p.dn)
    const e = await errorOf(h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' }))
    expect(e.code).toBe('USER_NOT_FOUND')
    expect(await resetRows(p.id)).toEqual([])
    const direct = await errorOf(
      new LdapDirectory(ldapConfig(), log).resetPassword(p.id, NEW_PASSWORD, { unlock: true, mustChange: false }),
    )
    expect(direct.code).toBe('USER_NOT_FOUND')
  })
})
