// F2/F8: a TCP proxy between the backend and a real slapd cuts the directory connection around
// the password modify. The backend must tell the agent the truth (resolved by a bind as the user
// with the new password), count R4 once, and audit what really happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { addPerson, ldapConfig, slapd, userBind } from '../helpers/ldap-fixtures'
import { startLdapProxy, type LdapProxy } from '../helpers/ldap-proxy'
import { LdapDirectory } from '../../electron/backend/directory/ldap-directory'
import { processRow } from '../../electron/backend/rules/processes'
import { processSchema } from '../../shared/domain/types'
import { sweepOnce } from '../../electron/backend/intents/sweeper'
import type { Session } from '../../electron/backend/operations'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!
const noLog = { info: () => {}, error: () => {} }

describe.skipIf(slapd().missing !== null)('F2: the directory connection cut around the modify (TCP proxy before slapd)', () => {
  let h: Harness
  let desk: Session
  let recordId: string
  let proxy: LdapProxy

  beforeAll(async () => {
    proxy = await startLdapProxy(slapd().url!)
    // The directory reads go straight to slapd; the credential store goes through the proxy.
    const direct = new LdapDirectory(ldapConfig(), noLog)
    const viaProxy = new LdapDirectory(ldapConfig({ url: proxy.url, timeoutMs: 1500 }), noLog)
    // A real clock: the sweeper compares with slapd's pwdChangedTime.
    h = await startHarness(sqlite, { directory: direct, credentialStores: { ldap: viaProxy }, sweepEverySeconds: 0, intentLeaseSeconds: 1 })
    h.backend.ctx.now = () => new Date()
    await h.backend.store.db
      .insertInto('processes')
      .values(
        processRow(
          processSchema.parse({
            id: 'proc-ldap-proxy',
            name: 'LDAP via proxy',
            description: 'Directory staff',
            appliesToGroups: ['LDAP Proxy Staff'],
            protectedAccounts: false,
            credentialStore: 'ldap',
            methods: ['personal_data_confirm'],
            requiredPasses: 1,
            resetMethods: ['manual', 'generate'],
            unlock: true,
            requireChange: false,
            requiresApproval: false,
            policy: {},
            settings: {},
          }),
        ),
      )
      .execute()
    desk = await h.signIn('desk')
    recordId = await assignedRecord(h, desk)
  })
  afterAll(async () => {
    await proxy?.close()
    await h?.dispose()
  })

  async function verifiedFlow(userId: string) {
    const flow = await h.call(desk, 'flow:start', { recordId, userId, processId: 'proc-ldap-proxy' })
    return h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
  }
  const usesLeft = async (userId: string) =>
    (await h.call(desk, 'processes:forUser', { userId })).find((o) => o.process.id === 'proc-ldap-proxy')!.usesLeft
  const audit = (userId: string) =>
    h.backend.store.db
      .selectFrom('audit')
      .select(['action', 'outcome', 'detail'])
      .where('user_id', '=', userId)
      .where('action', 'like', 'reset%')
      .orderBy('seq')
      .execute()
  const rows = async (userId: string) => ({
    resets: await h.backend.store.db.selectFrom('resets').select(['status']).where('user_id', '=', userId).execute(),
    intents: await h.backend.store.db
      .selectFrom('intents')
      .select(['status', 'resolved_by', 'unresolved_at'])
      .where('user_id', '=', userId)
      .execute(),
  })

  it('reply dropped after slapd applied the modify: resolved by a bind, the agent gets the password, R4 counted once', async () => {
    const p = await addPerson({ groups: ['LDAP Proxy Staff'] })
    const flow = await verifiedFlow(p.id)
    proxy.mode = 'drop_reply_after_modify'
    const before = proxy.modifies
    try {
      const result = await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
      expect(proxy.modifies).toBe(before + 1)
      // What the agent saw: the reset done, with the password to read out.
      expect(result.generatedPassword).toBeTruthy()
      expect(result.flow.state).toBe('reset')
      // The truth in the directory: the new password binds, the old one does not.
      expect(await userBind(p.dn, result.generatedPassword!)).toBe('ok')
      expect(await userBind(p.dn, p.password)).toBe('InvalidCredentialsError')
    } finally {
      proxy.mode = 'pass'
    }
    expect(await rows(p.id)).toEqual({
      resets: [{ status: 'done' }],
      intents: [{ status: 'applied', resolved_by: 'store', unresolved_at: null }],
    })
    expect(await usesLeft(p.id)).toBe(2)
    const entries = await audit(p.id)
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['reset', 'done'],
      ['reset.notice', 'sent'],
    ])
    expect(JSON.parse(entries[0]!.detail)).toMatchObject({ resolvedBy: 'store' })
    const notes = (await h.call(desk, 'records:get', { recordId })).activity.filter((a) => a.kind === 'work_note' && a.text.includes(p.uid))
    expect(notes).toHaveLength(1)
  })

  it('the modify never reached slapd: resolved as not applied, R4 handed back, the agent told nothing changed', async () => {
    const p = await addPerson({ groups: ['LDAP Proxy Staff'] })
    const flow = await verifiedFlow(p.id)
    proxy.mode = 'drop_modify'
    try {
      const e = await errorOf(h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' }))
      expect(e.code).toBe('DIRECTORY_UNAVAILABLE')
    } finally {
      proxy.mode = 'pass'
    }
    expect(await userBind(p.dn, p.password)).toBe('ok')
    expect(await rows(p.id)).toEqual({ resets: [], intents: [{ status: 'not_applied', resolved_by: 'store', unresolved_at: null }] })
    expect(await usesLeft(p.id)).toBe(3)
    expect((await audit(p.id)).map((e) => [e.action, e.outcome])).toEqual([['reset', 'failed']])
  })

  it('nobody can tell (the directory gone after the modify): OUTCOME_UNKNOWN, queued, then the sweeper records the truth', async () => {
    const p = await addPerson({ groups: ['LDAP Proxy Staff'] })
    const flow = await verifiedFlow(p.id)
    proxy.mode = 'drop_reply_after_modify'
    // The cut reply, then every new connection refused: the bind that would tell cannot happen.
    proxy.afterDrop = 'refuse'
    try {
      const e = await errorOf(
        h.call(desk, 'reset:run', {
          flowId: flow.id,
          method: 'manual',
          password: 'amber-orchard-compass-7731',
          confirm: 'amber-orchard-compass-7731',
        }),
      )
      expect(e.code).toBe('OUTCOME_UNKNOWN')
    } finally {
      proxy.afterDrop = null
    }
    // The reservation is held while the truth is unknown: never a second reset on a guess.
    expect(await rows(p.id)).toMatchObject({ resets: [{ status: 'pending' }], intents: [{ status: 'open', resolved_by: null }] })
    expect((await rows(p.id)).intents[0]!.unresolved_at).not.toBeNull()
    expect(await usesLeft(p.id)).toBe(2)
    const queue = await h.call(await h.signIn('super'), 'intents:list', {})
    expect(queue.map((i) => i.userId)).toContain(p.id)

    // The directory answers again; once the lease has passed the sweeper asks pwdChangedTime.
    proxy.mode = 'pass'
    await new Promise((r) => setTimeout(r, 1100))
    const report = await sweepOnce(h.backend.ctx)
    expect(report.settled).toBeGreaterThanOrEqual(1)
    expect(await userBind(p.dn, 'amber-orchard-compass-7731')).toBe('ok')
    expect(await rows(p.id)).toMatchObject({ resets: [{ status: 'done' }], intents: [{ status: 'applied', resolved_by: 'sweeper' }] })
    expect(await usesLeft(p.id)).toBe(2)
    const entries = await audit(p.id)
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['reset', 'outcome_unknown'],
      ['reset', 'done'],
      ['reset.notice', 'sent'],
    ])
    expect(JSON.parse(entries[1]!.detail)).toMatchObject({ resolvedBy: 'sweeper' })
    expect((await h.call(await h.signIn('super'), 'intents:list', {})).map((i) => i.userId)).not.toContain(p.id)
  })
})
