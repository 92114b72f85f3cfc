// F3/F8: a replica killed with SIGKILL in the middle of a reset (its password modify held by a
// TCP proxy before slapd). The other replica's sweeper resolves the intent by asking slapd, so
// the uses left are exact: counted once when the modify was applied, handed back when it never
// reached the directory. Each case asserts rows, audit and what the agent sees afterwards.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { replicasSkip, signInThrough, startReplicasOnPostgres, type Console, type Replica, type ReplicaSet } from '../helpers/replica'
import { addPerson, ldapConfig, slapd, userBind, type LdapPerson, uidLayout } from '../helpers/ldap-fixtures'
import { startLdapProxy, type LdapProxy, type ProxyMode } from '../helpers/ldap-proxy'
import { ldapHelpdesk } from '../helpers/slapd'
import { openStore, type Store } from '../../electron/backend/store/database'
import { processRow } from '../../electron/backend/rules/processes'
import { processSchema } from '../../shared/domain/types'

describe.skipIf(replicasSkip !== null || slapd().missing !== null)('F3: a replica killed with SIGKILL mid-reset', () => {
  let proxy: LdapProxy
  let dir: string
  let set: ReplicaSet
  let store: Store
  let survivor: Console
  let agent: LdapPerson

  // A real desk (no demo, G1): the agent signs in with their directory password.
  const connect = (replica: Replica) => signInThrough(replica, agent.uid, agent.password)

  beforeAll(async () => {
    proxy = await startLdapProxy(slapd().url!)
    agent = await addPerson({ prefix: 'agent', groups: ['Kill Agents'] })
    dir = mkdtempSync(join(tmpdir(), 'resetdesk-kill-'))
    const config = ldapConfig()
    writeFileSync(
      join(dir, 'connectors.json'),
      JSON.stringify({
        version: 1,
        directory: {
          name: 'ldap',
          useAsDirectory: true,
          dialect: 'openldap',
          url: proxy.url,
          bindDn: config.bindDn,
          timeoutMs: 10000,
          bindPassword: { secret: 'ldap-helpdesk' },
          ...uidLayout,
          agentSignIn: { groups: ['Kill Agents'], roleGroups: { password_reset_service_desk: ['Kill Agents'] } },
        },
      }),
    )
    set = await startReplicasOnPostgres(1, {
      demo: false,
      env: {
        RESETDESK_CONNECTORS_FILE: join(dir, 'connectors.json'),
        RESETDESK_SECRET_LDAP_HELPDESK: ldapHelpdesk.password,
        // A short lease and a quick sweep, so the test sees the survivor take over in seconds. The
        // lease outlasts the directory timeout (10 s): a live writer is never overtaken.
        RESETDESK_INTENT_LEASE_SECONDS: '12',
        RESETDESK_SWEEP_SECONDS: '1',
      },
    })
    store = await openStore(set.storeConfig)
    await store.db
      .insertInto('processes')
      .values(
        processRow(
          processSchema.parse({
            id: 'proc-kill',
            name: 'Directory staff',
            description: 'Directory staff',
            appliesToGroups: ['Kill Staff'],
            protectedAccounts: false,
            credentialStore: 'ldap',
            methods: ['personal_data_confirm'],
            requiredPasses: 1,
            resetMethods: ['generate'],
            unlock: true,
            requireChange: false,
            requiresApproval: false,
            policy: {},
            settings: {},
          }),
        ),
      )
      .execute()
    survivor = await connect(set.replicas[0]!)
  }, 120_000)

  afterAll(async () => {
    await store?.close()
    await set?.stop()
    await proxy?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** Starts a reset on a fresh replica, kills it with SIGKILL once the proxy holds the modify. */
  async function killMidReset(mode: ProxyMode) {
    const victim = await set.start()
    const onVictim = await connect(victim)
    const p = await addPerson({ groups: ['Kill Staff'] })
    const recordId = (
      await onVictim.ops['records:createInteraction'](onVictim.session, {
        channel: 'phone',
        callerId: p.id,
        shortDescription: 'Locked out',
      } as never)
    ).id
    const flow = await onVictim.ops['flow:start'](onVictim.session, { recordId, userId: p.id, processId: 'proc-kill' })
    await onVictim.ops['verify:confirmPersonalData'](onVictim.session, { flowId: flow.id, confirmed: true })
    const modifiesBefore = proxy.modifies
    proxy.mode = mode
    const seen = onVictim.ops['reset:run'](onVictim.session, { flowId: flow.id, method: 'generate' }).then(
      () => 'ok',
      (e) => e.code as string,
    )
    for (let i = 0; i < 600 && proxy.modifies === modifiesBefore; i++) await new Promise((r) => setTimeout(r, 25))
    expect(proxy.modifies).toBe(modifiesBefore + 1)
    // Let slapd apply a forwarded modify before the kill (the reply is held either way).
    await new Promise((r) => setTimeout(r, 200))
    await victim.kill('SIGKILL')
    proxy.mode = 'pass'
    // What the agent on the killed replica saw: the server gone, never "done" or "nothing changed".
    expect(await seen).toBe('BACKEND_UNREACHABLE')
    return { p, flow, recordId }
  }

  async function settled(userId: string) {
    for (let i = 0; i < 150; i++) {
      const intent = await store.db.selectFrom('intents').selectAll().where('user_id', '=', userId).executeTakeFirst()
      if (intent && intent.status !== 'open') return intent
      await new Promise((r) => setTimeout(r, 200))
    }
    throw new Error('the sweeper did not settle the intent')
  }
  const usesLeft = async (userId: string) =>
    (await survivor.ops['processes:forUser'](survivor.session, { userId })).find((o) => o.process.id === 'proc-kill')!.usesLeft
  const audit = (userId: string) =>
    store.db
      .selectFrom('audit')
      .select(['action', 'outcome', 'detail'])
      .where('user_id', '=', userId)
      .where('action', 'like', 'reset%')
      .orderBy('seq')
      .execute()
  /**
   * The audit once the B11 notice is in it: the survivor's sweeper sends the notice after its
   * settling transaction commits, so `settled` can return before the notice is recorded.
   */
  async function auditWithNotice(userId: string) {
    for (let i = 0; i < 50; i++) {
      const entries = await audit(userId)
      if (entries.some((e) => e.action === 'reset.notice')) return entries
      await new Promise((r) => setTimeout(r, 200))
    }
    return audit(userId)
  }

  it('killed after slapd applied the modify: the survivor records the reset once (uses left 2, audit done, work note)', async () => {
    const { p, flow, recordId } = await killMidReset('hold_reply_after_modify')
    // While the intent is with the dead process, the use is held: never a second reset on a guess.
    expect(await usesLeft(p.id)).toBe(2)
    const intent = await settled(p.id)
    expect(intent).toMatchObject({ status: 'applied', resolved_by: 'sweeper' })
    expect(await userBind(p.dn, p.password)).toBe('InvalidCredentialsError')
    expect(await store.db.selectFrom('resets').select('status').where('user_id', '=', p.id).execute()).toEqual([{ status: 'done' }])
    expect(await usesLeft(p.id)).toBe(2)
    const entries = await auditWithNotice(p.id)
    expect(entries.map((e) => [e.action, e.outcome])).toEqual([
      ['reset', 'done'],
      ['reset.notice', 'sent'],
    ])
    expect(JSON.parse(entries[0]!.detail)).toMatchObject({ resolvedBy: 'sweeper' })
    const notes = (await survivor.ops['records:get'](survivor.session, { recordId })).activity.filter(
      (a) => a.kind === 'work_note' && a.text.includes(p.uid),
    )
    expect(notes).toHaveLength(1)
    // The same agent carries on from the surviving replica and sees the truth.
    expect((await survivor.ops['flow:get'](survivor.session, { flowId: flow.id })).state).toBe('reset')
  }, 90_000)

  it('killed before the modify reached slapd: the survivor hands the use back (uses left 3, audit failed)', async () => {
    const { p, flow } = await killMidReset('hold_modify')
    const intent = await settled(p.id)
    expect(intent).toMatchObject({ status: 'not_applied', resolved_by: 'sweeper' })
    expect(await userBind(p.dn, p.password)).toBe('ok')
    expect(await store.db.selectFrom('resets').select('status').where('user_id', '=', p.id).execute()).toEqual([])
    expect(await usesLeft(p.id)).toBe(3)
    expect((await audit(p.id)).map((e) => [e.action, e.outcome])).toEqual([['reset', 'failed']])
    // The flow is still the agent's and still verified: the reset can run again from the survivor.
    const again = await survivor.ops['reset:run'](survivor.session, { flowId: flow.id, method: 'generate' })
    expect(await userBind(p.dn, again.generatedPassword!)).toBe('ok')
    expect(await usesLeft(p.id)).toBe(2)
  }, 90_000)
})
