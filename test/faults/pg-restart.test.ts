// F1/F2/F3/F8: PostgreSQL stopped and restarted during flows, on a cluster of this file's own
// (the shared one keeps serving the other files). The credential store is a real slapd.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClusterDatabase, findPgBin, startPgCluster, type PgCluster } from '../helpers/pg-cluster'
import { addPerson, ldapConfig, slapd, userBind } from '../helpers/ldap-fixtures'
import { createBackend, type Backend } from '../../electron/backend/index'
import { dispatch } from '../../electron/backend/dispatch'
import { LdapDirectory } from '../../electron/backend/directory/ldap-directory'
import type { CredentialStore } from '../../electron/backend/credentials/credential-store'
import type { Notifier, OutboundMessage } from '../../electron/backend/notify/notifier'
import type { Session } from '../../electron/backend/operations'
import { processRow } from '../../electron/backend/rules/processes'
import { readiness } from '../../electron/backend/http/readiness'
import { sweepOnce } from '../../electron/backend/intents/sweeper'
import { processSchema } from '../../shared/domain/types'
import { AppError } from '../../shared/errors'
import type { Channel, InputOf, OutputOf } from '../../shared/ipc/contract'

const bin = findPgBin()
const canRun = bin !== null && process.getuid?.() === 0 && slapd().missing === null
if (!canRun && process.env.CI === 'true') throw new Error('F8 fault tests need PostgreSQL (as root) and slapd under CI')
const noLog = { info: () => {}, error: () => {} }

describe.skipIf(!canRun)('F1/F2/F3: PostgreSQL stopped and restarted during flows (own cluster)', () => {
  let cluster: PgCluster
  let backend: Backend
  const desk: Session = { agentId: null }
  const supervisor: Session = { agentId: null }
  let recordId: string
  const mail: OutboundMessage[] = []
  /** What the credential store does right after slapd answered the modify. */
  let afterModify: () => Promise<void> = async () => {}

  beforeAll(async () => {
    cluster = await startPgCluster(bin!)
    const url = await createClusterDatabase(cluster, 'faults')
    const ldap = new LdapDirectory(ldapConfig(), noLog)
    const faulty: CredentialStore = {
      async resetPassword(userId, password, options) {
        await ldap.resetPassword(userId, password, options)
        await afterModify()
      },
      unlock: (userId) => ldap.unlock(userId),
      resetApplied: (userId, since, password) => ldap.resetApplied(userId, since, password),
    }
    const notifier: Notifier = { smsProviderConfigured: true, deliver: async (m) => void mail.push(m) }
    backend = await createBackend({
      store: { kind: 'postgres', connectionString: url.toString(), poolSize: 4, connectTimeoutMs: 1000 },
      demo: true,
      hashCost: { N: 1024 },
      directory: ldap,
      credentialStores: { ldap: faulty },
      notifier,
      sweepEverySeconds: 0,
      intentLeaseSeconds: 1,
      log: noLog,
    })
    await backend.store.db
      .insertInto('processes')
      .values(
        processRow(
          processSchema.parse({
            id: 'proc-ldap',
            name: 'LDAP staff',
            description: 'Directory staff',
            appliesToGroups: ['PG Fault Staff'],
            protectedAccounts: false,
            credentialStore: 'ldap',
            methods: ['personal_data_confirm'],
            requiredPasses: 1,
            resetMethods: ['generate', 'email_link'],
            unlock: true,
            requireChange: false,
            requiresApproval: false,
            policy: {},
            settings: {},
          }),
        ),
      )
      .execute()
    await call(desk, 'session:signIn', { username: 'desk', password: 'desk-demo-2026' })
    await call(supervisor, 'session:signIn', { username: 'super', password: 'super-demo-2026' })
    recordId = (await call(desk, 'records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 1 })).rows[0]!.id
  }, 120_000)
  afterAll(async () => {
    await backend?.close()
    cluster?.stop()
  })

  /** Through dispatch, as every transport calls: failures come back as catalogue errors. */
  async function call<C extends Channel>(s: Session, channel: C, input: InputOf<C>): Promise<OutputOf<C>> {
    const result = await dispatch(backend.ops, noLog, s, channel, input)
    if (!result.ok) throw new AppError(result.error.code, result.error.details)
    return result.data as OutputOf<C>
  }
  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e) => (e as AppError).code,
    )
  async function verifiedFlow(userId: string) {
    const flow = await call(desk, 'flow:start', { recordId, userId, processId: 'proc-ldap' })
    return call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
  }
  const usesLeft = async (userId: string) =>
    (await call(desk, 'processes:forUser', { userId })).find((o) => o.process.id === 'proc-ldap')!.usesLeft
  const auditOf = (userId: string) =>
    backend.store.db
      .selectFrom('audit')
      .select(['action', 'outcome', 'detail'])
      .where('user_id', '=', userId)
      .where('action', 'like', 'reset%')
      .orderBy('seq')
      .execute()

  it('down: each request gets DATABASE_UNAVAILABLE, readiness names the database; back up: the next request recovers', async () => {
    const p = await addPerson({ groups: ['PG Fault Staff'] })
    const flow = await verifiedFlow(p.id)
    cluster.halt()
    try {
      expect(await codeOf(call(desk, 'flow:get', { flowId: flow.id }))).toBe('DATABASE_UNAVAILABLE')
      expect(await codeOf(call(desk, 'reset:run', { flowId: flow.id, method: 'generate' }))).toBe('DATABASE_UNAVAILABLE')
      expect(await readiness(backend.ctx)).toEqual({
        ok: false,
        dependencies: { database: 'down', directory: 'up', mail: 'not_configured' },
      })
    } finally {
      cluster.resume()
    }
    expect((await readiness(backend.ctx)).dependencies.database).toBe('up')
    // Nothing was reserved while the database was down: all three uses, and the reset works.
    expect(await usesLeft(p.id)).toBe(3)
    const done = await call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
    expect(await userBind(p.dn, done.generatedPassword!)).toBe('ok')
    expect(await usesLeft(p.id)).toBe(2)
  }, 60_000)

  it('F2: the database fails after the directory changed the password: the agent still gets the password; the sweeper records the truth', async () => {
    const p = await addPerson({ groups: ['PG Fault Staff'] })
    const flow = await verifiedFlow(p.id)
    afterModify = async () => cluster.halt()
    let result: OutputOf<'reset:run'>
    try {
      result = await call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
    } finally {
      afterModify = async () => {}
      cluster.resume()
    }
    // What the agent saw: the truth — reset, with the password to read out.
    expect(result.flow.state).toBe('reset')
    expect(await userBind(p.dn, result.generatedPassword!)).toBe('ok')
    // The database never heard of it yet: the intent is open, the R4 use held (not handed back).
    const intent = await backend.store.db.selectFrom('intents').selectAll().where('user_id', '=', p.id).executeTakeFirstOrThrow()
    expect(intent.status).toBe('open')
    expect(await usesLeft(p.id)).toBe(2)
    await new Promise((r) => setTimeout(r, 1100))
    expect((await sweepOnce(backend.ctx)).settled).toBe(1)
    expect(await backend.store.db.selectFrom('resets').select('status').where('user_id', '=', p.id).execute()).toEqual([{ status: 'done' }])
    expect(await usesLeft(p.id)).toBe(2)
    const audit = await auditOf(p.id)
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ['reset', 'done'],
      ['reset.notice', 'sent'],
    ])
    expect(JSON.parse(audit[0]!.detail)).toMatchObject({ resolvedBy: 'sweeper' })
    const notes = (await call(desk, 'records:get', { recordId })).activity.filter((a) => a.kind === 'work_note' && a.text.includes(p.uid))
    expect(notes).toHaveLength(1)
    expect(mail.filter((m) => m.to === p.mail && /password was reset|changed/i.test(m.subject ?? ''))).toHaveLength(1)
    // A second sweep changes nothing: settled once.
    expect((await sweepOnce(backend.ctx)).settled).toBe(0)
  }, 60_000)

  it('F3: a reset link completed while the database failed stays usable', async () => {
    const p = await addPerson({ groups: ['PG Fault Staff'] })
    const flow = await verifiedFlow(p.id)
    await call(desk, 'reset:run', { flowId: flow.id, method: 'email_link' })
    const token = mail
      .filter((m) => m.to === p.mail)
      .map((m) => m.text.match(/#token=([\w-]+)/)?.[1])
      .find(Boolean)!
    expect(token).toBeTruthy()

    // Down before the submission: refused, and the link untouched.
    cluster.halt()
    try {
      expect(await codeOf(backend.completeResetLink(token, 'copper-meadow-lantern-4412'))).not.toBe('ok')
    } finally {
      cluster.resume()
    }
    // F1: the first query after a restart may meet a pooled connection not yet known dead; that
    // request fails as DATABASE_UNAVAILABLE and the pool drops the connection. The next recovers.
    for (let i = 0; i < 5; i++)
      await backend.store.db
        .selectFrom('meta')
        .select('key')
        .execute()
        .catch(() => {})
    // Down in the middle: the link was spent, then the directory refused and the database fell.
    afterModify = async () => {
      cluster.halt()
      throw new AppError('DIRECTORY_UNAVAILABLE', { reason: 'ldap_error' })
    }
    const faulty = backend.ctx.credentialStores.ldap!
    const realReset = faulty.resetPassword.bind(faulty)
    faulty.resetPassword = async (userId, password, options) => {
      // The directory refuses without changing anything; the database falls at that moment.
      await afterModify()
      return realReset(userId, password, options)
    }
    try {
      expect(await backend.completeResetLink(token, 'copper-meadow-lantern-4412').catch((e) => (e as AppError).code ?? String(e))).toBe(
        'DIRECTORY_UNAVAILABLE',
      )
    } finally {
      faulty.resetPassword = realReset
      afterModify = async () => {}
      cluster.resume()
    }
    expect(await userBind(p.dn, p.password)).toBe('ok')
    await new Promise((r) => setTimeout(r, 1100))
    expect((await sweepOnce(backend.ctx)).settled).toBe(1)
    // Given back by the sweeper: the user completes the same link now.
    expect(await backend.completeResetLink(token, 'copper-meadow-lantern-4412')).toEqual({ ok: true })
    expect(await userBind(p.dn, 'copper-meadow-lantern-4412')).toBe('ok')
    const audit = await auditOf(p.id)
    expect(audit.map((a) => [a.action, a.outcome])).toEqual([
      ['reset', 'done'],
      ['reset.link_completed', 'failed'],
      ['reset.link_completed', 'done'],
      ['reset.notice', 'sent'],
    ])
  }, 60_000)
})
