// Issue 12 item 5 through the console at the desk laptop's 1366×768 (and 1920×1080): Identify's
// user card with B2 risk signals and their reasons; Verify one method at a time with the count and
// Continue always in view, methods inactive once verified, sends counted per method, help for a
// user enrolled in nothing; R6.2's passphrase and B3's read-aloud aid for a typed password.
import {
  chooseUser as chooseUserIn,
  expect,
  identify,
  methodCard,
  openRecord,
  readCode,
  screenshot,
  seriousAxeViolations,
  startWizard,
  test,
  type Page,
} from './host/fixture'

const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk
const sizes = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const

test.describe('issue 12 item 5: a calmer wizard', () => {
  let page: Page
  test.beforeEach(async ({ page: p }) => {
    page = p
    await page.setViewportSize(sizes[0])
    await openRecord(page, alexRecord)
    await startWizard(page)
  })

  /** axe and a screenshot at both sizes, back at 1366×768 afterwards. */
  async function checkView(name: string) {
    for (const size of sizes) {
      await page.setViewportSize(size)
      expect(await seriousAxeViolations(page)).toEqual([])
      await screenshot(page, `${name}-${size.width}x${size.height}`)
    }
    await page.setViewportSize(sizes[0])
  }

  async function chooseUser(name: string, q: string) {
    await chooseUserIn(page, q, new RegExp(name))
    await expect(page.getByTestId('user-card').getByRole('heading', { name }).first()).toBeVisible()
  }

  const signals = (p: Page) => p.getByTestId('risk-signals').locator('li')

  test('B2 the caller with nothing to flag: the card says so', async () => {
    const card = page.getByTestId('user-card')
    await expect(card.getByRole('heading', { name: 'Alex Morgan' }).first()).toBeVisible()
    await expect(page.getByTestId('user-status')).toHaveText('Active')
    await expect(page.getByTestId('user-resets')).toHaveText('0')
    await expect(page.getByTestId('user-enrolment')).toHaveText('Enrolled in: email, mobile, 2 security questions.')
    await expect(page.getByTestId('risk-signals').getByRole('heading', { name: 'No risk signals' }).first()).toBeVisible()
    await expect(signals(page)).toHaveCount(0)
    await checkView('wizard-identify-card')
  })

  test("B2 a locked user whose contact details changed two days ago, who is not the record's caller: each signal with its reason", async () => {
    await chooseUser('Blair Chen', 'blair')
    await expect(page.getByTestId('user-status')).toHaveText(/^Locked/)
    await expect(page.getByTestId('risk-signals').getByRole('heading', { name: 'Risk signals (3)' }).first()).toBeVisible()
    const byKind = async (kind: string) => page.getByTestId('risk-signals').locator(`li[data-kind="${kind}"]`).innerText()
    expect(await byKind('locked')).toMatch(/The account is locked: .*Ask the caller what happened/)
    expect(await byKind('contact_changed')).toMatch(
      /Contact details changed in the last 7 days: a code may go to an address an attacker added/,
    )
    expect(await byKind('not_the_caller')).toMatch(/not the record's caller/)
    await expect(signals(page)).toHaveCount(3)
    // R3: Blair has exactly one process, so it is preselected and Continue is ready.
    await page.waitForFunction(
      () => [...document.querySelectorAll<HTMLInputElement>('input[type=radio]')].filter((r) => r.checked).length === 1,
    )
    await expect(page.getByRole('radio', { name: 'Standard password reset' })).toBeChecked()
    await expect(page.getByRole('button', { name: 'Continue to verify' })).toBeEnabled()
    await checkView('wizard-identify-risk')
  })

  test('B2 failed verifications by any agent in the last 24 hours are flagged with their count', async () => {
    await identify(page)
    const card = await methodCard(page, 'Personal data verification')
    await card.getByLabel('Email address the caller gives').fill('someone.else@example.com')
    await card.getByRole('button', { name: 'Verify email address' }).click()
    await expect(card.getByRole('alert').first()).toBeVisible()
    await page.getByRole('button', { name: 'Cancel reset' }).click()
    await startWizard(page)
    await expect(page.getByTestId('risk-signals').locator('li[data-kind="recent_failed_verifications"]').first()).toBeVisible()
    await expect(page.getByTestId('risk-signals').locator('li[data-kind="recent_failed_verifications"]')).toHaveText(
      '1 failed verification of this user in the last 24 hours, by any agent.',
    )
  })

  test('R5 one method at a time, the count and Continue in view at 1366×768, methods inactive once verified', async () => {
    await identify(page)
    // One card on screen, the first method the user can pass.
    await expect(page.locator('section.method')).toHaveCount(1)
    await expect(page.getByRole('region', { name: 'Email code', exact: true }).first()).toBeVisible()
    const inView = async (name: string) => {
      const box = (await page.getByRole('button', { name }).boundingBox())!
      return box.y >= 0 && box.y + box.height <= sizes[0].height
    }
    expect(await inView('Continue to reset')).toBe(true)
    await expect(page.getByTestId('verify-summary')).toHaveText('Passed 0 of 1 required method.')
    await checkView('wizard-verify-one-method')

    const confirm = await methodCard(page, 'Personal data confirmation')
    await confirm.getByRole('button', { name: 'Caller confirms it is correct' }).click()
    await expect(confirm.getByText('Passed.').first()).toBeVisible()
    await expect(page.getByTestId('verify-summary')).toHaveText('Passed 1 of 1 required method. Verification is complete.')
    // Focus goes to the next thing to do.
    await page.waitForFunction(() => document.activeElement?.textContent === 'Continue to reset')
    expect(await inView('Continue to reset')).toBe(true)
    // The other methods offer nothing more: no code can be sent, no answers typed.
    const email = await methodCard(page, 'Email code')
    await expect(email.getByTestId('method-not-needed').first()).toBeVisible()
    await expect(email.getByRole('button')).toHaveCount(0)
    await expect(email.getByTestId('attempts-left')).toHaveCount(0)
    const questions = await methodCard(page, 'Security questions')
    await expect(questions.getByRole('textbox')).toHaveCount(0)
    await expect(page.getByTestId('verify-summary')).toHaveText('Passed 1 of 1 required method. Verification is complete.')
    await checkView('wizard-verify-complete')
  })

  test('R5 sends are counted per method, attempts shown once per method, and focus goes to the code field', async () => {
    await identify(page)
    const email = await methodCard(page, 'Email code')
    await expect(email.getByText('Sends left: 4')).toHaveCount(1)
    await email.getByRole('button', { name: 'Send verification code' }).click()
    await expect(email.getByText(/Code sent to/).first()).toBeVisible()
    await expect(email.getByText('Sends left: 3').first()).toBeVisible()
    // The code field has the focus: the caller is about to read the code.
    await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.autocomplete === 'one-time-code')
    const code = await readCode(page, 'inbox')
    const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10)
    await email.getByLabel('Code the caller reads back').fill(wrong)
    await email.getByRole('button', { name: 'Check code' }).click()
    await expect(email.getByRole('alert').first()).toBeVisible()
    await expect(email.getByTestId('attempts-left')).toHaveCount(1)
    await expect(email.getByTestId('attempts-left')).toHaveText('Attempts left: 2')
    await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.autocomplete === 'one-time-code')
    // SMS keeps its own sends.
    const sms = await methodCard(page, 'SMS code')
    await expect(sms.getByText('Sends left: 4')).toHaveCount(1)
  })

  test('R5 a user enrolled in nothing is told what to do', async () => {
    await chooseUser('Casey Singh', 'casey')
    await expect(page.getByTestId('user-enrolment')).toHaveText('Enrolled in: nothing.')
    await page.getByRole('radio', { name: 'Standard password reset' }).check()
    await page.getByRole('button', { name: 'Continue to verify' }).click()
    await expect(page.getByRole('heading', { name: 'Verify Casey Singh' }).first()).toBeVisible()
    const help = page.getByTestId('not-enrolled-help')
    await expect(help.first()).toBeVisible()
    await expect(help).toHaveText(
      /Casey Singh is enrolled in none of this process's methods.*enrolment page.*or cancel this reset and choose another process/s,
    )
    await expect(page.getByRole('button', { name: 'Continue to reset' })).toBeDisabled()
    await checkView('wizard-verify-not-enrolled')
  })

  async function toReset() {
    await identify(page)
    await (await methodCard(page, 'Personal data confirmation')).getByRole('button', { name: 'Caller confirms it is correct' }).click()
    await page.getByRole('button', { name: 'Continue to reset' }).click()
    await expect(page.getByRole('heading', { name: /^Reset the password of / }).first()).toBeVisible()
  }

  test('R6.2 a passphrase of eight words from the list, read aloud with its phonetic spelling', async () => {
    await toReset()
    await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
    await page.getByRole('radio', { name: /Passphrase of words/ }).check()
    await checkView('wizard-reset-passphrase')
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()
    const phrase = await page.getByTestId('generated-password').innerText()
    expect(phrase).toMatch(/^[a-z]{3,8}(-[a-z]{3,8}){7}$/)
    await expect(page.getByRole('list', { name: 'Phonetic spelling' })).toHaveText(/lower-case [A-Z]/)
  })

  test('B3 a typed password gets a read-aloud spelling on request', async () => {
    await toReset()
    await page.getByRole('radio', { name: 'Type a new password' }).check()
    await page.getByLabel('New password', { exact: true }).fill('Maple-Harbor-7')
    await page.getByText('Read-aloud spelling').click()
    const spelling = await page.getByRole('list', { name: 'Phonetic spelling' }).innerText()
    expect(spelling).toMatch(/upper-case M/)
    expect(spelling).toMatch(/Seven/)
    await checkView('wizard-reset-manual-read-aloud')
  })
})
