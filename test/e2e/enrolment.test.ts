// G4 in Chromium: a user enrols on the enrolment page (security questions and a mobile confirmed
// by a code read from the demo outbox), then an agent verifies that user by security questions in
// the console. A wrong directory password, an unknown user and a throttled try get one and the
// same answer (S5). axe on the page before and after sign-in.
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import { generate } from 'otplib'
import { chooseUser, expect, identify, methodCard, openRecord, screenshot, startWizard, test } from './host/fixture'
import { enrolmentPageCsp, startEnrolmentServer } from '../../electron/backend/enrolment/enrolment-page'
import { enrolmentLimits } from '../../electron/backend/enrolment/self-service'
import type { OutboxNotifier } from '../../electron/backend/notify/outbox-notifier'
import type { BrowserHost } from './host/server'

const PASSWORD = 'casey-enrols-2026-long'
const axeSource = readFile(join(resolve(import.meta.dirname, '../..'), 'node_modules/axe-core/axe.min.js'), 'utf8')

/** axe-core evaluated into the page (the page's strict CSP admits no test script); serious and critical only. */
async function axeViolations(page: Page) {
  await page.evaluate(await axeSource)
  const found = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: { run: (c: Document) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> }
      }
    ).axe
    return (await axe.run(document)).violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      nodes: v.nodes.map((n) => JSON.stringify(n.target)),
    }))
  })
  return found.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}

async function openEnrolmentPage(console_: Page, url: string) {
  const context = await console_.context().browser()!.newContext()
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
  await page.goto(url)
  return { page, errors }
}

async function signInAnswer(page: Page, login: string, password: string): Promise<string> {
  await page.getByLabel('User name').fill(login)
  await page.getByLabel('Password').fill(password)
  await page.getByRole('button', { name: 'Sign in' }).click()
  const status = page.locator('#signin-status')
  await expect(status.locator('p').first()).toBeVisible()
  const text = await status.innerText()
  await page.evaluate(() => (document.getElementById('signin-status')!.textContent = ''))
  return text
}

async function latestSmsCode(host: BrowserHost, userId: string): Promise<string> {
  const outbox = host.backend.ctx.notifier as OutboxNotifier
  const sms = (await outbox.mailbox(userId)).find((m) => m.channel === 'sms')
  const code = sms?.body.match(/\b(\d{6})\b/)?.[1]
  if (!code) throw new Error('no code on the phone')
  return code
}

test.describe('G4 enrolment page in Chromium', () => {
  let t: { host: BrowserHost; page: Page }
  test.beforeEach(({ host, page }) => {
    t = { host, page }
  })

  test('G4 a user enrols questions and a mobile, then the agent verifies them by security questions', async () => {
    const host = t.host
    // Casey Singh is enrolled in nothing on the demo desk, and has a demo password for this page (README).
    const server = await startEnrolmentServer(host.backend.ctx)
    try {
      const { page, errors } = await openEnrolmentPage(t.page, server.url)
      const response = await page.request.get(server.url)
      expect(response.headers()['content-security-policy']).toBe(enrolmentPageCsp)
      expect(await axeViolations(page)).toEqual([])

      await page.getByLabel('User name').fill('casey.singh')
      await page.getByLabel('Password').fill('casey-demo-2026')
      await page.keyboard.press('Enter') // keyboard first: Enter submits
      await expect(page.getByRole('heading', { name: 'Signed in as Casey Singh' }).first()).toBeVisible()

      const picks: [string, string][] = [
        ['What was the name of your first pet?', 'Pickle'],
        ['What was your first car?', 'Mini Cooper'],
        ['In which city were you born?', 'Cork'],
      ]
      for (const [i, [question, answer]] of picks.entries()) {
        await page.getByLabel(`Question ${i + 1}`).selectOption({ label: question })
        await page.getByLabel(`Answer ${i + 1}`).fill(answer)
      }
      await page.getByRole('button', { name: 'Save answers' }).click()
      await expect(page.getByText('Your answers are saved.').first()).toBeVisible()

      await page.getByRole('textbox', { name: 'Mobile number' }).fill('+1 415 555 0142')
      await page.getByLabel('Mobile carrier').selectOption('att')
      await page.getByRole('button', { name: 'Send code' }).nth(1).click()
      await expect(page.getByText(/A code was sent to/).first()).toBeVisible()
      await page
        .getByLabel('Code from the message')
        .nth(1)
        .fill(await latestSmsCode(host, 'user-casey'))
      await page.getByRole('button', { name: 'Confirm mobile' }).click()
      await expect(page.getByText('Your mobile number is confirmed.').first()).toBeVisible()
      await expect(page.getByText(/Confirmed: .*0142/).first()).toBeVisible()
      expect(await axeViolations(page)).toEqual([])
      await screenshot(page, 'enrolment-page')
      expect(errors).toEqual([])
      await page.context().close()

      // The agent's console: Identify shows the enrolment; Verify passes by security questions.
      const console_ = t.page
      await openRecord(console_, 'INC0010004')
      await startWizard(console_)
      await chooseUser(console_, 'casey', /Casey Singh/)
      await expect(console_.getByTestId('user-enrolment').first()).toBeVisible()
      expect(await console_.getByTestId('user-enrolment').innerText()).toBe('Enrolled in: mobile, 3 security questions.')
      await identify(console_)
      await expect((await methodCard(console_, 'SMS code')).getByText('not enrolled')).toHaveCount(0)
      const questions = await methodCard(console_, 'Security questions')
      await questions.getByLabel('What was the name of your first pet?').fill('  pickle')
      await questions.getByLabel('What was your first car?').fill('MINI   cooper')
      await questions.getByLabel('In which city were you born?').fill('cork')
      await questions.getByRole('button', { name: 'Check answers' }).click()
      await expect(questions.getByText('Passed.').first()).toBeVisible()
      expect(await console_.getByRole('button', { name: 'Continue to reset' }).isEnabled()).toBe(true)
    } finally {
      await server.close()
    }
  })

  test('G4 a user enrols an authenticator app by its QR key; the agent verifies the code once, never twice', async () => {
    const host = t.host
    await host.backend.local.resetPassword('user-casey', PASSWORD, { unlock: true, mustChange: false })
    const server = await startEnrolmentServer(host.backend.ctx)
    const codeAt = (secret: string) => generate({ secret, epoch: Math.floor(host.clock.now().getTime() / 1000) })
    try {
      const { page, errors } = await openEnrolmentPage(t.page, server.url)
      await page.getByLabel('User name').fill('casey.singh')
      await page.getByLabel('Password').fill(PASSWORD)
      await page.getByRole('button', { name: 'Sign in' }).click()
      await page.getByRole('button', { name: 'Set up an authenticator app' }).click()
      await expect(page.getByRole('img', { name: /QR code/ }).first()).toBeVisible()
      const secret = await page.locator('#totp-secret').innerText()
      await page.getByLabel('Code shown in the app').fill(await codeAt(secret))
      await page.getByRole('button', { name: 'Confirm authenticator app' }).click()
      await expect(page.getByText('Your authenticator app is enrolled.').first()).toBeVisible()
      await expect(page.locator('#totp-secret')).toHaveText('') // the key leaves the page once enrolled
      expect(await axeViolations(page)).toEqual([])
      expect(errors).toEqual([])
      await page.context().close()

      const console_ = t.page
      await openRecord(console_, 'INC0010004')
      await startWizard(console_)
      await chooseUser(console_, 'casey', /Casey Singh/)
      await expect(console_.getByText('Enrolled in: authenticator app.').first()).toBeVisible()
      await identify(console_)
      host.clock.advance(30_000) // the next time step: the enrolment's step is spent
      const card = await methodCard(console_, 'Authenticator app code')
      const code = await codeAt(secret)
      await card.getByLabel('Code from the authenticator app').fill(code)
      await card.getByRole('button', { name: 'Check authenticator code' }).click()
      await expect(card.getByText('Passed.').first()).toBeVisible()
      expect(await console_.getByRole('button', { name: 'Continue to reset' }).isEnabled()).toBe(true)
      // The same code in a new flow is refused: a time step is accepted once.
      const flowId = await host.backend.store.db
        .selectFrom('flows')
        .select('id')
        .where('open_user_id', '=', 'user-casey')
        .executeTakeFirstOrThrow()
      const agent = await host.backend.store.db.selectFrom('flows').select('agent_id').where('id', '=', flowId.id).executeTakeFirstOrThrow()
      await host.backend.ops['flow:close']({ agentId: agent.agent_id }, { flowId: flowId.id, passwordShared: false })
      const record = await host.backend.store.db
        .selectFrom('records')
        .select('id')
        .where('number', '=', 'INC0010004')
        .executeTakeFirstOrThrow()
      const again = await host.backend.ops['flow:start'](
        { agentId: agent.agent_id },
        { recordId: record.id, userId: 'user-casey', processId: 'proc-standard' },
      )
      const replay = await host.backend.ops['verify:checkTotp']({ agentId: agent.agent_id }, { flowId: again.id, code }).catch(
        (e: { code: string }) => e.code,
      )
      expect(replay).toBe('CODE_ALREADY_USED')
    } finally {
      await server.close()
    }
  })

  test('S5 a wrong password, an unknown user and a throttled try get one answer', async () => {
    const host = t.host
    await host.backend.local.resetPassword('user-casey', PASSWORD, { unlock: true, mustChange: false })
    const server = await startEnrolmentServer(host.backend.ctx)
    try {
      const { page, errors } = await openEnrolmentPage(t.page, server.url)
      const wrong = await signInAnswer(page, 'casey.singh', 'not-the-password-at-all')
      const unknown = await signInAnswer(page, 'nobody.here', PASSWORD)
      expect(wrong).toContain('Sign-in failed')
      expect(unknown).toBe(wrong)

      // The API answers byte for byte the same, status included.
      const post = (login: string, password: string) =>
        fetch(`${server.url}/api/signin`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ login, password }),
        }).then(async (r) => [r.status, await r.text()])
      const [wrongApi, unknownApi] = [await post('casey.singh', 'still-not-it'), await post('nobody.here', 'whatever')]
      expect(unknownApi).toEqual(wrongApi)
      // Casey has now failed twice; the throttle allows enrolmentLimits.failuresPerLogin failures.
      for (let i = 2; i < enrolmentLimits.failuresPerLogin; i++) await post('casey.singh', `wrong-${i}`)
      const throttledApi = await post('casey.singh', PASSWORD)
      expect(throttledApi).toEqual(wrongApi)
      const throttled = await signInAnswer(page, 'casey.singh', PASSWORD)
      expect(throttled).toBe(wrong)
      await expect(page.getByRole('heading', { name: /Signed in as/ })).toHaveCount(0)
      expect(await axeViolations(page)).toEqual([])
      expect(errors).toEqual([])
      await page.context().close()
    } finally {
      await server.close()
    }
  })
})
