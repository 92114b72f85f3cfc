// B11 "Notify and contain" on SQLite and PostgreSQL: the notice after every reset carries a
// single-use "this wasn't me" link (email and SMS alike). Opening it changes nothing; confirming
// flags the reset, re-locks the account (demo store here, OpenLDAP's ppolicy lock with a real
// slapd below), ends the user's enrolment-page sessions, audits, writes a work note and reaches
// the supervisors' queue and live view. Used, unknown and expired links get one answer (S5).
// And R7: a flow that changed nothing leaves no work note.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { addPerson, ldapConfig, ppolicyState, slapd, userBind } from '../helpers/ldap-fixtures'
import { startResetLinkServer } from '../../electron/backend/http/reset-link-page'
import { wasntMePageCsp } from '../../electron/backend/contain/wasnt-me-page'
import { WASNT_ME_THROTTLE } from '../../electron/backend/contain/wasnt-me'
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
