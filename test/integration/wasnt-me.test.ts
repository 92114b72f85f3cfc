// B11 "Notify and contain" on SQLite and PostgreSQL: the notice after every reset carries a
// single-use "this wasn't me" link (email and SMS alike). Opening it changes nothing; confirming
// flags the reset, re-locks the account (demo store here, OpenLDAP's ppolicy lock with a real
// slapd below), ends the user's enrolment-page sessions, audits, writes a work note and reaches
// the supervisors' queue and live view. Used, unknown and expired links get one answer (S5).
// And R7: a flow that changed nothing leaves no work note.
import { randomBytes } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { storeUpTo } from '../helpers/store-up-to'
import { storeVariants, type StoreVariant } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { addPerson, ldapConfig, ppolicyState, slapd, userBind } from '../helpers/ldap-fixtures'
import { startResetLinkServer } from '../../electron/backend/http/reset-link-page'
import { wasntMePageCsp } from '../../electron/backend/contain/wasnt-me-page'
import { WASNT_ME_THROTTLE } from '../../electron/backend/contain/wasnt-me'
import { CONTAIN_MAX_TRIES, CONTAIN_RETRY_DELAYS_MS } from '../../electron/backend/contain/containment'
import { sweepOnce } from '../../electron/backend/intents/sweeper'
import { createBackend, type Backend } from '../../electron/backend/index'
import type { CredentialStore } from '../../electron/backend/credentials/credential-store'
import type { StoreConfig } from '../../electron/backend/store/database'
import { LdapDirectory } from '../../electron/backend/directory/ldap-directory'
import { createHttpServer } from '../../electron/backend/http/server'
import { processRow } from '../../electron/backend/rules/processes'
import { processSchema } from '../../shared/domain/types'
import type { OutboundMessage } from '../../electron/backend/notify/notifier'
import type { Session } from '../../electron/backend/operations'

const DAY = 24 * 3_600_000
const linkPattern = /https?:\/\/\S+\/wasnt-me#token=[\w-]+/

/** A notifier that keeps what it sends, with an SMS provider (so mobiles get the notice too). */
function recordingNotifier() {
  const sent: OutboundMessage[] = []
  return { sent, notifier: { smsProviderConfigured: true, deliver: async (m: OutboundMessage) => void sent.push(m) } }
}

/** The user's side of the page: what a browser sends when the button is pressed. */
async function confirm(pageUrl: string, token: string): Promise<string> {
  const response = await fetch(`${pageUrl}/wasnt-me/confirm`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  })
  return ((await response.json()) as { status: string }).status
}
const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '')

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`B11 "this wasn't me" on ${variant.name}`, () => {
    let h: Harness
    let page: { url: string; close(): Promise<void> }
    let desk: Session
    let supervisor: Session
    let admin: Session
    let recordId: string
    const { sent, notifier } = recordingNotifier()

    beforeAll(async () => {
      page = await startResetLinkServer({
        complete: (t, p) => h.backend.completeResetLink(t, p),
        wasntMe: (t, a) => h.backend.reportWasntMe(t, a),
      })
      h = await startHarness(variant, { notifier, resetLinkBase: page.url })
      desk = await h.signIn('desk')
      supervisor = await h.signIn('super')
      admin = await h.signIn('admin')
      recordId = await assignedRecord(h, desk)
    })
    afterAll(async () => {
      await page?.close()
      await h?.dispose()
    })

    /** An agent resets the user's password (auto-generated) and exits; the notices it sent. */
    async function resetBy(userId: string): Promise<{ password: string; notices: OutboundMessage[] }> {
      const before = sent.length
      const flow = await h.call(desk, 'flow:start', { recordId, userId, processId: 'proc-standard' })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      const { generatedPassword } = await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })
      return { password: generatedPassword!, notices: sent.slice(before).filter((m) => m.userId === userId && /was reset on/.test(m.text)) }
    }
    const user = (id: string) => h.backend.ctx.directory.get(id)
    const audit = (userId: string) =>
      h.backend.store.db
        .selectFrom('audit')
        .select(['action', 'outcome', 'agent_id', 'detail'])
        .where('user_id', '=', userId)
        .where('action', 'like', 'reset.%')
        .orderBy('seq')
        .execute()

    it('B11 every notice carries the one link; opening it changes nothing; confirming flags the reset, re-locks, ends sessions, audits and notes it', async () => {
      const { password, notices } = await resetBy('user-alex')
      // Alex's email and both mobiles are told, each with the same link for this reset.
      expect(notices.map((m) => m.channel).sort()).toEqual(['email', 'sms', 'sms'])
      const links = notices.map((m) => m.text.match(linkPattern)?.[0])
      expect(new Set(links).size).toBe(1)
      const link = links[0]!
      expect(link.startsWith(`${page.url}/wasnt-me#token=`)).toBe(true)
      expect(tokenOf(link)).toMatch(/^[\w-]{43}$/) // 256 bits
      expect(notices.find((m) => m.channel === 'email')!.html).toContain(link)
      // The token itself is nowhere in the store: only its keyed hash.
      let dump = ''
      for (const t of ['reset_reports', 'audit', 'record_activity', 'outbox', 'webhook_deliveries'])
        dump += JSON.stringify((await sql`select * from ${sql.table(t)}`.execute(h.backend.store.db)).rows)
      expect(dump).not.toContain(tokenOf(link))
      expect(
        await h.backend.store.db.selectFrom('reset_reports').select('token_hash').where('user_id', '=', 'user-alex').execute(),
      ).toHaveLength(1)

      // Alex, signed in on the enrolment page with the new password (as a thief would be).
      await h.backend.store.db
        .insertInto('enrolment_sessions')
        .values({
          token_hash: 'a-session-of-alex',
          user_id: 'user-alex',
          expires_at: new Date(h.clock.now().getTime() + DAY).toISOString(),
        })
        .execute()

      // A mail scanner (or the user) opens the link: the same page as any other link, and nothing happens.
      const [good, bogus] = await Promise.all([fetch(link.split('#')[0]!), fetch(`${page.url}/wasnt-me`)])
      expect(good.status).toBe(200)
      expect(good.headers.get('content-security-policy')).toBe(wasntMePageCsp)
      expect(good.headers.get('cache-control')).toBe('no-store')
      expect(await good.text()).toBe(await bogus.text())
      expect((await user('user-alex'))!.locked).toBe(false)
      expect(await h.backend.local.verifyPassword('alex.morgan', password)).toBe(true)
      expect(await h.call(supervisor, 'reports:list', {})).toEqual([])

      expect(await confirm(page.url, tokenOf(link))).toBe('reported')

      // Contained: the account is locked (the new password no longer signs in), the session ended.
      expect((await user('user-alex'))!.locked).toBe(true)
      expect(await h.backend.local.verifyPassword('alex.morgan', password)).toBe(false)
      expect(
        await h.backend.store.db.selectFrom('enrolment_sessions').select('token_hash').where('user_id', '=', 'user-alex').execute(),
      ).toEqual([])
      const entries = await audit('user-alex')
      expect(entries.map((e) => [e.action, e.outcome])).toEqual([
        ['reset.notice', 'sent'],
        ['reset.reported', 'reported'],
        ['reset.contain', 'locked'],
      ])
      expect(JSON.parse(entries[2]!.detail)).toMatchObject({ sessionsRevoked: 1 })
      expect(entries[1]!.agent_id).toBeNull() // the user acted, not an agent
      const notes = (await h.call(desk, 'records:get', { recordId })).activity.filter(
        (a) => a.kind === 'work_note' && a.text.includes('reported this reset as not theirs'),
      )
      expect(notes).toEqual([
        expect.objectContaining({
          author: 'ResetDesk (user report)',
          text: 'The user reported this reset as not theirs at 2026-11-27 09:00 UTC; account re-locked. Enrolment-page sessions ended: 1.',
        }),
      ])

      // The supervisors' queue and live view show it; the live view by initials only.
      const queue = await h.call(supervisor, 'reports:list', {})
      const recordNumber = (await h.call(desk, 'records:get', { recordId })).record.number
      expect(queue).toEqual([
        expect.objectContaining({
          recordNumber,
          userDisplayName: 'Alex Morgan',
          agentName: 'Dana Desk',
          processName: 'Standard password reset',
          method: 'generate',
          relock: 'locked',
          sessionsRevoked: 1,
          acknowledgedAt: null,
        }),
      ])
      const live = await h.call(supervisor, 'live:next', { afterSeq: 0, waitMs: 0 })
      expect(live.reports).toEqual([
        expect.objectContaining({ id: queue[0]!.id, recordNumber, agentName: 'Dana Desk', userInitials: 'A. M.', relock: 'locked' }),
      ])
      expect(JSON.stringify(live)).not.toContain('Alex Morgan')
      expect((await errorOf(h.call(desk, 'reports:list', {}))).code).toBe('FORBIDDEN')
      // B2: the next agent to pick Alex at Identify is warned.
      const risk = await h.call(desk, 'users:risk', { userId: 'user-alex', recordId })
      expect(risk.signals.map((x) => x.kind)).toEqual(expect.arrayContaining(['locked', 'reported_reset']))

      // A second use is refused exactly as a link that never existed, and changes nothing.
      expect(await confirm(page.url, tokenOf(link))).toBe('invalid')
      expect(await confirm(page.url, 'B'.repeat(43))).toBe('invalid')
      expect((await audit('user-alex')).length).toBe(3)

      // A supervisor follows up and acknowledges: audited once, off the queue and the live view.
      expect((await errorOf(h.call(desk, 'reports:acknowledge', { reportId: queue[0]!.id }))).code).toBe('FORBIDDEN')
      expect((await errorOf(h.call(supervisor, 'reports:acknowledge', { reportId: 'no-such-report' }))).code).toBe('REPORT_NOT_FOUND')
      const acknowledged = await h.call(supervisor, 'reports:acknowledge', { reportId: queue[0]!.id })
      expect(acknowledged).toMatchObject({ acknowledgedBy: 'Sam Supervisor', acknowledgedAt: h.clock.now().toISOString() })
      await h.call(supervisor, 'reports:acknowledge', { reportId: queue[0]!.id })
      expect((await audit('user-alex')).filter((e) => e.action === 'reset.report_ack').map((e) => e.agent_id)).toEqual(['agent-super'])
      expect(await h.call(supervisor, 'reports:list', {})).toEqual([])
      expect((await h.call(supervisor, 'live:next', { afterSeq: 0, waitMs: 0 })).reports).toEqual([])

      // The user calls in, is verified and reset again: the reset unlocks the account (R6).
      const again = await resetBy('user-alex')
      expect((await user('user-alex'))!.locked).toBe(false)
      expect(await h.backend.local.verifyPassword('alex.morgan', again.password)).toBe(true)
    })

    it('S5 an expired link is refused like an unknown one and changes nothing; the lifetime is a desk setting', async () => {
      const { notices } = await resetBy('user-jamie-garcia')
      const token = tokenOf(notices[0]!.text.match(linkPattern)![0])
      h.clock.advance(7 * DAY + 60_000)
      expect(await confirm(page.url, token)).toBe('invalid')
      expect((await user('user-jamie-garcia'))!.locked).toBe(false)
      expect((await audit('user-jamie-garcia')).map((e) => e.action)).toEqual(['reset.notice'])

      const settings = await h.call(admin, 'admin:settings:get', {})
      await h.call(admin, 'admin:settings:save', { ...settings, wasntMeLinkDays: 1 })
      try {
        const short = await resetBy('user-jamie-garcia')
        expect(short.notices[0]!.text).toContain('it works once, for 1 day')
        h.clock.advance(DAY + 60_000)
        expect(await confirm(page.url, tokenOf(short.notices[0]!.text.match(linkPattern)![0]))).toBe('invalid')
      } finally {
        await h.call(admin, 'admin:settings:save', settings)
      }
    })

    it('S6 the link is single-use under concurrency: five presses at once flag the reset once', async () => {
      h.clock.advance(WASNT_ME_THROTTLE.windowMs) // a fresh throttle window for this address
      const { notices } = await resetBy('user-harper-schmidt')
      const token = tokenOf(notices[0]!.text.match(linkPattern)![0])
      const answers = await Promise.all(Array.from({ length: 5 }, () => confirm(page.url, token)))
      expect(answers.sort()).toEqual(['invalid', 'invalid', 'invalid', 'invalid', 'reported'])
      expect((await audit('user-harper-schmidt')).map((e) => e.action)).toEqual(['reset.notice', 'reset.reported', 'reset.contain'])
      const queue = await h.call(supervisor, 'reports:list', {})
      expect(queue.map((r) => r.userDisplayName)).toEqual(['Harper Schmidt'])
      await h.call(supervisor, 'reports:acknowledge', { reportId: queue[0]!.id })
    })

    it(`the page is throttled per address: ${WASNT_ME_THROTTLE.limit} tries in the window, then "try later" until it frees up`, async () => {
      h.clock.advance(WASNT_ME_THROTTLE.windowMs) // earlier tests' tries leave the window
      for (let i = 0; i < WASNT_ME_THROTTLE.limit; i++) expect(await confirm(page.url, `guess-${i}`)).toBe('invalid')
      expect(await confirm(page.url, 'one-more-guess')).toBe('throttled')
      // A real link is not let through either while the address is throttled.
      const { notices } = await resetBy('user-blair')
      const token = tokenOf(notices[0]!.text.match(linkPattern)![0])
      expect(await confirm(page.url, token)).toBe('throttled')
      expect((await h.call(supervisor, 'reports:list', {})).length).toBe(0)
      h.clock.advance(WASNT_ME_THROTTLE.windowMs)
      expect(await confirm(page.url, token)).toBe('reported')
      expect((await h.call(supervisor, 'reports:list', {})).map((r) => r.userDisplayName)).toEqual(['Blair Chen'])
    })

    it("the standalone backend's HTTP side serves the same page under the reset-link page's path", async () => {
      const app = createHttpServer(h.backend)
      try {
        const path = `${new URL(page.url).pathname}/wasnt-me`
        const get = await app.inject({ method: 'GET', url: path })
        expect([get.statusCode, get.headers['content-security-policy']]).toEqual([200, wasntMePageCsp])
        expect(get.body).toContain("This wasn't me: lock my account")
        const post = await app.inject({ method: 'POST', url: `${path}/confirm`, payload: { token: 'C'.repeat(43) } })
        expect(post.json()).toEqual({ status: 'invalid' })
      } finally {
        await app.close()
      }
    })

    it('R7 Exit writes no work note for a flow that changed nothing, and keeps it when a reset link was sent', async () => {
      const notes = async () => (await h.call(desk, 'records:get', { recordId })).activity.filter((a) => a.kind === 'work_note').length
      const before = await notes()
      const idle = await h.call(desk, 'flow:start', { recordId, userId: 'user-harper-schmidt', processId: 'proc-standard' })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: idle.id, confirmed: true })
      await h.call(desk, 'flow:close', { flowId: idle.id, passwordShared: false })
      expect(await notes()).toBe(before)
      // The close itself is still audited.
      expect(
        await h.backend.store.db
          .selectFrom('audit')
          .select('outcome')
          .where('flow_id', '=', idle.id)
          .where('action', '=', 'flow.close')
          .execute(),
      ).toEqual([{ outcome: 'exit' }])

      const linked = await h.call(desk, 'flow:start', { recordId, userId: 'user-harper-schmidt', processId: 'proc-standard' })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: linked.id, confirmed: true })
      await h.call(desk, 'reset:run', { flowId: linked.id, method: 'email_link' })
      await h.call(desk, 'flow:close', { flowId: linked.id, passwordShared: false })
      const activity = (await h.call(desk, 'records:get', { recordId })).activity.filter((a) => a.kind === 'work_note')
      expect(activity.length).toBe(before + 2) // the link sent, and the Exit
      expect(
        activity.some(
          (a) => a.text.includes('Harper Schmidt') && a.text.includes('Resets in this flow: 1. Password shared with the user: no.'),
        ),
      ).toBe(true)
    })
  })
}

describe.skipIf(slapd().missing !== null)('B11 "this wasn\'t me" on OpenLDAP with ppolicy (real slapd)', () => {
  let h: Harness
  let page: { url: string; close(): Promise<void> }
  let desk: Session
  let recordId: string
  const { sent, notifier } = recordingNotifier()
  const noLog = { info: () => {}, error: () => {} }

  beforeAll(async () => {
    page = await startResetLinkServer({
      complete: (t, p) => h.backend.completeResetLink(t, p),
      wasntMe: (t, a) => h.backend.reportWasntMe(t, a),
    })
    const ldap = new LdapDirectory(ldapConfig(), noLog)
    h = await startHarness(storeVariants[0]!, { notifier, resetLinkBase: page.url, directory: ldap, credentialStores: { ldap } })
    await h.backend.store.db
      .insertInto('processes')
      .values(
        processRow(
          processSchema.parse({
            id: 'proc-ldap-b11',
            name: 'LDAP staff',
            description: 'Directory staff',
            appliesToGroups: ['LDAP B11 Staff'],
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
    desk = await h.signIn('desk')
    recordId = await assignedRecord(h, desk)
  })
  afterAll(async () => {
    await page?.close()
    await h?.dispose()
  })

  async function reset(userId: string): Promise<{ password: string; link: string }> {
    const before = sent.length
    const flow = await h.call(desk, 'flow:start', { recordId, userId, processId: 'proc-ldap-b11' })
    await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
    const { generatedPassword } = await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
    await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })
    const notice = sent.slice(before).find((m) => m.userId === userId && m.channel === 'email')!
    return { password: generatedPassword!, link: notice.text.match(linkPattern)![0] }
  }

  it("confirming sets ppolicy's lasting lock: the new password no longer binds; the agent's next reset lifts it", async () => {
    const p = await addPerson({ groups: ['LDAP B11 Staff'] })
    const { password, link } = await reset(p.id)
    expect(await userBind(p.dn, password)).toBe('ok')
    expect(await confirm(page.url, tokenOf(link))).toBe('reported')
    expect(await ppolicyState(p.dn)).toMatchObject({ locked: true })
    expect(await userBind(p.dn, password)).toBe('InvalidCredentialsError')
    expect((await h.backend.ctx.directory.get(p.id))!.locked).toBe(true)
    const contain = await h.backend.store.db
      .selectFrom('audit')
      .select('outcome')
      .where('user_id', '=', p.id)
      .where('action', '=', 'reset.contain')
      .execute()
    expect(contain).toEqual([{ outcome: 'locked' }])
    // The lock lasts (no lockout duration ends it) until a reset that unlocks, after the user calls in.
    const second = await reset(p.id)
    expect(await ppolicyState(p.dn)).toMatchObject({ locked: false })
    expect(await userBind(p.dn, second.password)).toBe('ok')
  })
})

// B11 with F1-F3: a containment left half-way (the process stalled or died, the database failed
// after the claim) or a re-lock the credential store did not answer is taken up by the sweeper
// until it is recorded — by one process at a time, with one audit entry and one work note —
// and supervisors see what it is meanwhile. The ITSM hears of the report and its outcome.
for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`B11 containment completes after faults on ${variant.name}`, () => {
    const secret = randomBytes(32)
    const leaseMs = 60_000
    let h: Harness
    let shared: { config: StoreConfig; dispose(): Promise<void> }
    let replica: Backend | null
    let desk: Session
    let supervisor: Session
    let recordId: string
    let sent: OutboundMessage[]
    /** The credential store's lock as the test decides: down (throws), held on a gate, or up. */
    let lockCtl: { down: boolean; calls: number; hold: Promise<void> | null }
    const address = '203.0.113.7'

    const controlled = (local: CredentialStore): CredentialStore => ({
      resetPassword: (userId, password, options) => local.resetPassword(userId, password, options),
      unlock: (userId) => local.unlock(userId),
      resetApplied: (userId, since, password) => local.resetApplied!(userId, since, password),
      async lock(userId) {
        lockCtl.calls++
        const hold = lockCtl.hold
        lockCtl.hold = null
        if (hold) await hold
        if (lockCtl.down) throw new Error('connect ECONNREFUSED 10.0.0.5:636')
        await local.lock!(userId)
      },
    })

    beforeEach(async () => {
      lockCtl = { down: false, calls: 0, hold: null }
      const recording = recordingNotifier()
      sent = recording.sent
      shared = await variant.create()
      const onShared: StoreVariant = { ...variant, create: async () => ({ config: shared.config, dispose: async () => {} }) }
      h = await startHarness(onShared, {
        secret,
        notifier: recording.notifier,
        sweepEverySeconds: 0,
        intentLeaseSeconds: leaseMs / 1000,
        webhooks: false,
      })
      h.backend.ctx.credentialStores.local = controlled(h.backend.local)
      replica = null
      desk = await h.signIn('desk')
      supervisor = await h.signIn('super')
      recordId = await assignedRecord(h, desk)
      // The ITSM's endpoint (deliveries stay in the outbox: no worker runs here).
      const admin = await h.signIn('admin')
      await h.call(admin, 'admin:webhooks:save', {
        name: 'ITSM',
        url: 'http://127.0.0.1:9/hook',
        events: ['reset.reported', 'reset.contained', 'work_note.added'],
      })
    })
    afterEach(async () => {
      await replica?.close()
      await h?.dispose()
      await shared?.dispose()
    })

    /** An agent resets the user's password and exits; the token of the notice's link. */
    async function resetBy(userId: string): Promise<string> {
      const before = sent.length
      const flow = await h.call(desk, 'flow:start', { recordId, userId, processId: 'proc-standard' })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })
      const notice = sent.slice(before).find((m) => m.userId === userId && m.channel === 'email' && linkPattern.test(m.text))!
      return tokenOf(notice.text.match(linkPattern)![0])
    }
    const locked = async (userId: string) => (await h.backend.ctx.directory.get(userId))!.locked
    const containAudit = (userId: string) =>
      h.backend.store.db
        .selectFrom('audit')
        .select(['action', 'outcome', 'detail'])
        .where('user_id', '=', userId)
        .where('action', 'in', ['reset.reported', 'reset.contain_retry', 'reset.contain'])
        .orderBy('seq')
        .execute()
    const reportNotes = async () =>
      (await h.call(desk, 'records:get', { recordId })).activity
        .filter((a) => a.kind === 'work_note' && a.text.includes('reported this reset as not theirs'))
        .map((a) => a.text)
    const relockSeen = async () => {
      const [queue, live] = await Promise.all([
        h.call(supervisor, 'reports:list', {}),
        h.call(supervisor, 'live:next', { afterSeq: 0, waitMs: 0 }),
      ])
      return { queue: queue.map((r) => r.relock), live: live.reports.map((r) => r.relock) }
    }
    /** Alex's report ended locked, recorded once: one containment entry, one note, seen so by supervisors. */
    const expectLockedOnce = async () => {
      expect(await locked('user-alex')).toBe(true)
      expect((await containAudit('user-alex')).map((e) => [e.action, e.outcome])).toEqual([
        ['reset.reported', 'reported'],
        ['reset.contain', 'locked'],
      ])
      expect(await reportNotes()).toEqual(['The user reported this reset as not theirs at 2026-11-27 09:00 UTC; account re-locked.'])
      expect(await relockSeen()).toEqual({ queue: ['locked'], live: ['locked'] })
    }
    const outbox = async (type: string) =>
      (await h.backend.store.db.selectFrom('webhook_deliveries').select('payload').where('event_type', '=', type).execute()).map(
        (d) => JSON.parse(d.payload) as { record: { number: string } | null; data: Record<string, unknown> },
      )
    const sweep = () => sweepOnce(h.backend.ctx)
    const sessionOf = (userId: string) =>
      h.backend.store.db
        .insertInto('enrolment_sessions')
        .values({
          token_hash: `session-${randomBytes(8).toString('hex')}`,
          user_id: userId,
          expires_at: new Date(h.clock.now().getTime() + DAY).toISOString(),
        })
        .execute()

    it('the database fails after the claim: the report waits "Locking…"; after the lease a sweep records it once', async () => {
      const token = await resetBy('user-alex')
      // Every write of the outcome fails, as a database that went away mid-containment would.
      const { db } = h.backend.store
      if (variant.name === 'sqlite') {
        await sql`create trigger contain_fault before update of lock_outcome on reset_reports begin select raise(abort, 'injected store failure'); end`.execute(
          db,
        )
      } else {
        await sql`create function contain_fault() returns trigger language plpgsql as $$ begin raise exception 'injected store failure'; end $$`.execute(
          db,
        )
        await sql`create trigger contain_fault before update of lock_outcome on reset_reports for each row execute function contain_fault()`.execute(
          db,
        )
      }
      expect(await h.backend.reportWasntMe(token, address)).toBe('reported')
      expect(h.logLines.filter((l) => l.includes('wasnt_me_contain_failed'))).toHaveLength(1)
      expect(await relockSeen()).toEqual({ queue: ['pending'], live: ['pending'] })
      expect((await containAudit('user-alex')).map((e) => e.action)).toEqual(['reset.reported'])
      expect(await reportNotes()).toEqual([])
      await sql`drop trigger contain_fault ${sql.raw(variant.name === 'postgres' ? 'on reset_reports' : '')}`.execute(db)

      // The request's lease holds: no sweeper steps in while it may still be working.
      h.clock.advance(leaseMs - 1_000)
      expect(await sweep()).toMatchObject({ contained: 0, containRetrying: 0 })
      h.clock.advance(2_000)
      expect(await sweep()).toMatchObject({ contained: 1 })
      await expectLockedOnce()
      // Recorded: later rounds leave it alone.
      h.clock.advance(DAY)
      expect(await sweep()).toMatchObject({ contained: 0, containRetrying: 0 })
      expect((await containAudit('user-alex')).length).toBe(2)
    })

    it('a holder that stalls past its lease is overtaken by the sweeper and, when it wakes, records nothing', async () => {
      const token = await resetBy('user-alex')
      let wakeRequest!: () => void
      lockCtl.hold = new Promise<void>((r) => (wakeRequest = r))
      // The request stalls in the directory call (a process hung, or about to die).
      const stalled = h.backend.reportWasntMe(token, address)
      await expect.poll(() => lockCtl.calls).toBe(1)
      expect(await relockSeen()).toEqual({ queue: ['pending'], live: ['pending'] })
      expect(await locked('user-alex')).toBe(false)

      // Its lease runs out; a sweeper takes the report and is in the directory call in turn.
      h.clock.advance(leaseMs + 1_000)
      let wakeSweeper!: () => void
      lockCtl.hold = new Promise<void>((r) => (wakeSweeper = r))
      const round = sweep()
      await expect.poll(() => lockCtl.calls).toBe(2)
      // The stalled request wakes to a directory that failed it: it no longer holds the report,
      // so it schedules no retry and audits nothing.
      lockCtl.down = true
      wakeRequest()
      expect(await stalled).toBe('reported')
      expect((await containAudit('user-alex')).map((e) => e.action)).toEqual(['reset.reported'])
      lockCtl.down = false
      wakeSweeper()
      expect(await round).toMatchObject({ contained: 1, containRetrying: 0 })
      await expectLockedOnce()
    })

    it('two sweepers (on PostgreSQL two replicas) racing for a due report contain it once', async () => {
      const token = await resetBy('user-alex')
      lockCtl.down = true
      expect(await h.backend.reportWasntMe(token, address)).toBe('reported')
      lockCtl.down = false
      // On PostgreSQL the second sweeper is another backend process's pool on the same database.
      // SQLite is one process's store: two rounds of that process race, interleaved on its connection.
      if (variant.name === 'postgres') {
        replica = await createBackend({
          store: shared.config,
          secret,
          hashCost: { N: 1024 },
          now: h.clock.now,
          log: { info: () => {}, error: () => {} },
          sweepEverySeconds: 0,
          intentLeaseSeconds: leaseMs / 1000,
          webhooks: false,
        })
        replica.ctx.credentialStores.local = controlled(replica.local)
      }
      h.clock.advance(CONTAIN_RETRY_DELAYS_MS[0])
      // The first lock call waits until one round has finished: the other round then ran all of
      // its course while the first held the report.
      let release!: () => void
      lockCtl.hold = new Promise<void>((r) => (release = r))
      const rounds = [sweep(), sweepOnce((replica ?? h.backend).ctx)] as const
      void Promise.race(rounds).then(release)
      const [a, b] = await Promise.all(rounds)
      expect(a.contained + b.contained).toBe(1)
      expect(a.containRetrying + b.containRetrying).toBe(0)
      expect(lockCtl.calls).toBe(2) // the request's try, and one sweeper's
      expect(await locked('user-alex')).toBe(true)
      expect((await containAudit('user-alex')).map((e) => [e.action, e.outcome])).toEqual([
        ['reset.reported', 'reported'],
        ['reset.contain_retry', 'failed'],
        ['reset.contain', 'locked'],
      ])
      expect(await reportNotes()).toHaveLength(1)
      expect(await outbox('reset.contained')).toHaveLength(1)
    })

    it('the credential store is down for the first tries, then back: "not locked yet" meanwhile, then locked, noted once; the ITSM is told', async () => {
      const token = await resetBy('user-alex')
      await sessionOf('user-alex')
      lockCtl.down = true
      expect(await h.backend.reportWasntMe(token, address)).toBe('reported')
      // Not locked, and supervisors are told so; the enrolment-page session ended already.
      expect(await locked('user-alex')).toBe(false)
      expect(await relockSeen()).toEqual({ queue: ['retrying'], live: ['retrying'] })
      expect((await h.call(supervisor, 'reports:list', {}))[0]!.sessionsRevoked).toBe(1)
      expect(
        await h.backend.store.db.selectFrom('enrolment_sessions').select('token_hash').where('user_id', '=', 'user-alex').execute(),
      ).toEqual([])
      expect(await reportNotes()).toEqual([])
      // The ITSM hears of the report at once; of its outcome once there is one.
      const [reported] = await outbox('reset.reported')
      expect(reported).toMatchObject({ data: { action: 'reset.reported', userId: 'user-alex', agentId: null } })
      expect(reported!.record?.number).toMatch(/^INC/)
      expect(await outbox('reset.contained')).toEqual([])

      // Not before the backoff's first wait; then a second try, still down.
      h.clock.advance(CONTAIN_RETRY_DELAYS_MS[0] - 1_000)
      expect(await sweep()).toMatchObject({ contained: 0, containRetrying: 0 })
      expect(lockCtl.calls).toBe(1)
      h.clock.advance(1_000)
      expect(await sweep()).toMatchObject({ contained: 0, containRetrying: 1 })
      expect(lockCtl.calls).toBe(2)
      expect(await relockSeen()).toEqual({ queue: ['retrying'], live: ['retrying'] })

      // The directory is back for the third try.
      lockCtl.down = false
      h.clock.advance(CONTAIN_RETRY_DELAYS_MS[1])
      expect(await sweep()).toMatchObject({ contained: 1, containRetrying: 0 })
      expect(await locked('user-alex')).toBe(true)
      expect(await relockSeen()).toEqual({ queue: ['locked'], live: ['locked'] })
      const entries = await containAudit('user-alex')
      expect(entries.map((e) => [e.action, e.outcome])).toEqual([
        ['reset.reported', 'reported'],
        ['reset.contain_retry', 'failed'],
        ['reset.contain_retry', 'failed'],
        ['reset.contain', 'locked'],
      ])
      expect(JSON.parse(entries[1]!.detail)).toMatchObject({ try: 1, of: CONTAIN_MAX_TRIES, sessionsRevoked: 1 })
      expect(JSON.parse(entries[3]!.detail)).toMatchObject({ unansweredTries: 2, sessionsRevoked: 1 })
      expect(await reportNotes()).toEqual([
        'The user reported this reset as not theirs at 2026-11-27 09:00 UTC; account re-locked. Enrolment-page sessions ended: 1.',
      ])
      const contained = await outbox('reset.contained')
      expect(contained).toEqual([
        expect.objectContaining({
          record: reported!.record,
          data: expect.objectContaining({
            outcome: 'locked',
            userId: 'user-alex',
            reportedAt: '2026-11-27T09:00:00.000Z',
            sessionsRevoked: 1,
            unansweredTries: 2,
          }),
        }),
      ])
      // No link token in what the ITSM receives.
      const bodies = JSON.stringify(await h.backend.store.db.selectFrom('webhook_deliveries').select('payload').execute())
      expect(bodies).not.toContain(token)
    })

    it(`the credential store stays down: ${CONTAIN_MAX_TRIES} tries with backoff, then "failed" and the by-hand note, once`, async () => {
      const token = await resetBy('user-alex')
      lockCtl.down = true
      expect(await h.backend.reportWasntMe(token, address)).toBe('reported')
      for (const [i, wait] of CONTAIN_RETRY_DELAYS_MS.entries()) {
        expect(await relockSeen()).toEqual({ queue: ['retrying'], live: ['retrying'] })
        h.clock.advance(wait)
        const last = i === CONTAIN_RETRY_DELAYS_MS.length - 1
        expect(await sweep()).toMatchObject(last ? { contained: 1, containRetrying: 0 } : { contained: 0, containRetrying: 1 })
      }
      expect(lockCtl.calls).toBe(CONTAIN_MAX_TRIES)
      expect(await locked('user-alex')).toBe(false)
      expect(await relockSeen()).toEqual({ queue: ['failed'], live: ['failed'] })
      const entries = await containAudit('user-alex')
      expect(entries.map((e) => e.action)).toEqual([
        'reset.reported',
        ...Array<string>(CONTAIN_MAX_TRIES - 1).fill('reset.contain_retry'),
        'reset.contain',
      ])
      expect(entries.at(-1)!.outcome).toBe('failed')
      expect(JSON.parse(entries.at(-1)!.detail)).toMatchObject({ unansweredTries: CONTAIN_MAX_TRIES })
      expect(await reportNotes()).toEqual([
        `The user reported this reset as not theirs at 2026-11-27 09:00 UTC; re-locking the account failed (the credential store did not answer ${CONTAIN_MAX_TRIES} tries). Lock it in the directory by hand.`,
      ])
      expect((await outbox('reset.contained')).map((p) => p.data.outcome)).toEqual(['failed'])
      // Bounded: no further try, ever.
      h.clock.advance(DAY)
      expect(await sweep()).toMatchObject({ contained: 0, containRetrying: 0 })
      expect(lockCtl.calls).toBe(CONTAIN_MAX_TRIES)
    })

    it('the user is reset again (verified) while the re-lock waits for the store: the sweeper does not lock them out of it', async () => {
      const token = await resetBy('user-alex')
      lockCtl.down = true
      expect(await h.backend.reportWasntMe(token, address)).toBe('reported')
      h.clock.advance(60_000)
      await resetBy('user-alex')
      lockCtl.down = false
      h.clock.advance(CONTAIN_RETRY_DELAYS_MS[0])
      expect(await sweep()).toMatchObject({ contained: 1 })
      expect(lockCtl.calls).toBe(1)
      expect(await locked('user-alex')).toBe(false)
      expect(await relockSeen()).toEqual({ queue: ['superseded'], live: ['superseded'] })
      expect((await containAudit('user-alex')).map((e) => [e.action, e.outcome]).at(-1)).toEqual(['reset.contain', 'superseded'])
      expect(await reportNotes()).toEqual([
        "The user reported this reset as not theirs at 2026-11-27 09:00 UTC; the account was not re-locked: the user's password was reset again after the report, at 2026-11-27 09:01 UTC. Make sure that reset was the user's.",
      ])
    })
  })
}

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`0017 on an existing store (${variant.name})`, () => {
    it('a report left "Locking…" by a release that died mid-containment is due at once, and the first sweep contains it', async () => {
      const { config, dispose } = await variant.create()
      try {
        const old = await storeUpTo(config, '0016_audit_head')
        const row = {
          token_hash: 'hash',
          user_id: 'user-alex',
          process_id: 'proc-standard',
          flow_id: 'flow-old',
          record_id: null,
          agent_id: null,
          credential_store: 'local',
          method: 'generate',
          reset_at: '2026-11-26T09:00:00.000Z',
          expires_at: '2026-12-03T09:00:00.000Z',
          sessions_revoked: null,
          acknowledged_at: null,
          acknowledged_by: null,
        }
        await old
          .insertInto('reset_reports')
          .values([
            { ...row, id: 'stuck', reported_at: '2026-11-26T10:00:00.000Z', lock_outcome: null },
            { ...row, id: 'done', token_hash: 'hash-2', reported_at: '2026-11-26T10:00:00.000Z', lock_outcome: 'locked' },
            { ...row, id: 'unreported', token_hash: 'hash-3', reported_at: null, lock_outcome: null },
          ])
          .execute()
        await old.destroy()

        const h = await startHarness(
          { ...variant, create: async () => ({ config, dispose: async () => {} }) },
          { sweepEverySeconds: 0, webhooks: false },
        )
        try {
          const due = await h.backend.store.db
            .selectFrom('reset_reports')
            .select(['id', 'contain_due_at', 'contain_tries'])
            .orderBy('id')
            .execute()
          expect(due).toEqual([
            { id: 'done', contain_due_at: null, contain_tries: 0 },
            { id: 'stuck', contain_due_at: '2026-11-26T10:00:00.000Z', contain_tries: 0 },
            { id: 'unreported', contain_due_at: null, contain_tries: 0 },
          ])
          expect(await sweepOnce(h.backend.ctx)).toMatchObject({ contained: 1 })
          expect((await h.backend.ctx.directory.get('user-alex'))!.locked).toBe(true)
          const contain = await h.backend.store.db
            .selectFrom('audit')
            .select(['outcome', 'detail'])
            .where('action', '=', 'reset.contain')
            .execute()
          expect(contain.map((c) => [c.outcome, JSON.parse(c.detail).reportId])).toEqual([['locked', 'stuck']])
          expect(await sweepOnce(h.backend.ctx)).toMatchObject({ contained: 0 })
        } finally {
          await h.dispose()
        }
      } finally {
        await dispose()
      }
    })
  })
}
