// R6.1 / S5: the reset link mailed over a real SMTP server is opened in Chromium; the user sets a
// password under the policy on the reset page, which unlocks the account. Unknown, used and
// expired links get one and the same answer.
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromium, type Browser, type Page } from 'playwright-core'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, startHarness, type Harness } from '../helpers/backend-harness'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink'
import { SmtpNotifier } from '../../electron/backend/notify/smtp-notifier'
import { resetPageCsp, startResetLinkServer } from '../../electron/backend/http/reset-link-page'
import { createHttpServer } from '../../electron/backend/http/server'
import type { Session } from '../../electron/backend/operations'
import { chromiumLaunchOptions, chromiumPath } from '../helpers/chromium'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!
const missing = existsSync(chromiumPath) ? null : 'Chromium is not installed'
if (missing && process.env.CI === 'true') throw new Error(`CI=true and ${missing}`)
const NEW_PASSWORD = 'quiet-meadow-copper-kettle'

describe.skipIf(missing !== null)('reset-link page in Chromium', () => {
  let sink: SmtpSink
  let h: Harness
  let desk: Session
  let recordId: string
  let browser: Browser
  let page: { url: string; close(): Promise<void> }

  beforeAll(async () => {
    sink = await startSmtpSink()
    page = await startResetLinkServer({ complete: (token, password) => h.backend.completeResetLink(token, password) })
    const notifier = new SmtpNotifier({ host: '127.0.0.1', port: sink.port, secure: false, from: 'desk@example.com', timeoutMs: 3000 })
    h = await startHarness(sqlite, { notifier, resetLinkBase: page.url })
    desk = await h.signIn('desk')
    recordId = await assignedRecord(h, desk)
    browser = await chromium.launch(chromiumLaunchOptions)
  })
  afterAll(async () => {
    await browser?.close()
    await page?.close()
    await h?.dispose()
    await sink?.close()
  })

  /** Emails a link to the user and returns it as it arrived over SMTP. */
  async function mailedLink(userId: string, email: string): Promise<string> {
    const flow = await h.call(desk, 'flow:start', { recordId, userId, processId: 'proc-standard' })
    await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
    const before = sink.mails.length
    await h.call(desk, 'reset:run', { flowId: flow.id, method: 'email_link' })
    const mail = await sink.waitFor((m) => sink.mails.indexOf(m) >= before && m.to.includes(email) && m.subject === 'Reset your password')
    await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
    const link = mail.text.match(/https?:\/\/\S+#token=[\w-]+/)![0]
    expect(mail.html).toContain(link) // the HTML part carries the same link
    return link
  }

  async function submit(url: string, password: string, confirm = password): Promise<{ p: Page; answer: string }> {
    const ctx = await browser.newContext()
    const p = await ctx.newPage()
    const errors: string[] = []
    p.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await p.goto(url)
    expect(p.url()).not.toContain('#token') // the token leaves the address bar at once
    await p.getByLabel('New password', { exact: true }).fill(password)
    await p.getByLabel('New password again').fill(confirm)
    await p.getByRole('button', { name: 'Set new password' }).click()
    await p.getByRole('status').locator('p').first().waitFor()
    const answer = await p.getByRole('status').innerText()
    expect(errors).toEqual([]) // no CSP violations, no script errors
    return { p, answer }
  }

  it('R6.1 the emailed link sets a new password under the policy and unlocks the account', async () => {
    // Blair's account is locked on the demo desk.
    expect(await h.backend.local.verifyPassword('blair.chen', NEW_PASSWORD)).toBe(false)
    const link = await mailedLink('user-blair', 'blair.chen@example.com')
    expect(link.startsWith(`${page.url}#token=`)).toBe(true)

    const tooShort = await submit(link, 'short')
    expect(tooShort.answer).toContain('does not meet the policy')
    expect(tooShort.answer).toContain('at least 15 characters')
    await tooShort.p.context().close()

    const mismatch = await submit(link, NEW_PASSWORD, `${NEW_PASSWORD}x`)
    expect(mismatch.answer).toContain('do not match')
    await mismatch.p.context().close()

    const done = await submit(link, NEW_PASSWORD)
    expect(done.answer).toContain('Your password has been changed')
    await done.p.context().close()
    expect(await h.backend.local.verifyPassword('blair.chen', NEW_PASSWORD)).toBe(true) // set, and unlocked
    const audit = await h.backend.store.db
      .selectFrom('audit')
      .select(['action', 'outcome'])
      .where('user_id', '=', 'user-blair')
      .where('action', 'in', ['reset.link_completed', 'reset.notice'])
      .orderBy('seq')
      .execute()
    expect(audit).toEqual([
      { action: 'reset.link_completed', outcome: 'done' },
      { action: 'reset.notice', outcome: 'sent' },
    ])
    await sink.waitFor((m) => m.to.includes('blair.chen@example.com') && m.subject === 'Your password was reset')
  })

  it('S5 the page is the same for any link, and unknown, used and expired links get one answer', async () => {
    const link = await mailedLink('user-jamie-garcia', 'jamie.garcia@example.com')
    const bogus = `${page.url}#token=${'A'.repeat(43)}`
    const [good, bad] = await Promise.all([fetch(link.split('#')[0]!), fetch(bogus.split('#')[0]!)])
    expect(good.headers.get('content-security-policy')).toBe(resetPageCsp)
    expect(await good.text()).toBe(await bad.text())

    const unknown = await submit(bogus, NEW_PASSWORD)
    await unknown.p.context().close()
    expect(unknown.answer).toContain('This link is not valid')

    const first = await submit(link, NEW_PASSWORD)
    await first.p.context().close()
    expect(first.answer).toContain('Your password has been changed')
    const used = await submit(link, 'another-long-password-here')
    await used.p.context().close()
    expect(used.answer).toBe(unknown.answer)

    const later = await mailedLink('user-alex', 'alex.morgan@example.com')
    h.clock.advance(31 * 60_000)
    const expired = await submit(later, NEW_PASSWORD)
    await expired.p.context().close()
    expect(expired.answer).toBe(unknown.answer)
    expect(await h.backend.local.verifyPassword('alex.morgan', NEW_PASSWORD)).toBe(false)
  })

  it("R6.1 the standalone backend's HTTP side serves the same page at the link base's path", async () => {
    const app = createHttpServer(h.backend)
    try {
      const get = await app.inject({ method: 'GET', url: new URL(page.url).pathname })
      expect(get.statusCode).toBe(200)
      expect(get.headers['content-security-policy']).toBe(resetPageCsp)
      expect(get.body).toContain('Choose a new password')
      const post = await app.inject({
        method: 'POST',
        url: `${new URL(page.url).pathname}/complete`,
        payload: { token: 'B'.repeat(43), password: NEW_PASSWORD },
      })
      expect(post.json()).toEqual({ status: 'invalid' })
    } finally {
      await app.close()
    }
  })
})
