// Issue 12 item 5 through the console at the desk laptop's 1366×768 (and 1920×1080): Identify's
// user card with B2 risk signals and their reasons; Verify one method at a time with the count and
// Continue always in view, methods inactive once verified, sends counted per method, help for a
// user enrolled in nothing; R6.2's passphrase and B3's read-aloud aid for a typed password.
import { beforeEach, describe, expect, it } from 'vitest'
import {
  chooseUser as chooseUserIn, consolePerTest, e2eMissingReason, identify, methodCard, openRecord, readCode, screenshot,
  seriousAxeViolations, startWizard, visible, type Page,
} from './host/fixture'

const missing = e2eMissingReason()
const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk
const sizes = [{ width: 1366, height: 768 }, { width: 1920, height: 1080 }] as const

describe.skipIf(missing)('issue 12 item 5: a calmer wizard', () => {
  const t = consolePerTest('desk')
  let page: Page
  beforeEach(async () => {
    page = t.page
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
    await visible(page.getByTestId('user-card').getByRole('heading', { name }))
  }

  const signals = (p: Page) => p.getByTestId('risk-signals').locator('li')

  it('B2 the caller with nothing to flag: the card says so', async () => {
    const card = page.getByTestId('user-card')
    await visible(card.getByRole('heading', { name: 'Alex Morgan' }))
    expect(await page.getByTestId('user-status').innerText()).toBe('Active')
    expect(await page.getByTestId('user-resets').innerText()).toBe('0')
    expect(await page.getByTestId('user-enrolment').innerText()).toBe('Enrolled in: email, mobile, 2 security questions.')
    await visible(page.getByTestId('risk-signals').getByRole('heading', { name: 'No risk signals' }))
    expect(await signals(page).count()).toBe(0)
    await checkView('wizard-identify-card')
  })

  it("B2 a locked user whose contact details changed two days ago, who is not the record's caller: each signal with its reason", async () => {
    await chooseUser('Blair Chen', 'blair')
    expect(await page.getByTestId('user-status').innerText()).toMatch(/^Locked/)
    await visible(page.getByTestId('risk-signals').getByRole('heading', { name: 'Risk signals (3)' }))
    const byKind = async (kind: string) => page.getByTestId('risk-signals').locator(`li[data-kind="${kind}"]`).innerText()
    expect(await byKind('locked')).toMatch(/The account is locked: .*Ask the caller what happened/)
    expect(await byKind('contact_changed')).toMatch(/Contact details changed in the last 7 days: a code may go to an address an attacker added/)
    expect(await byKind('not_the_caller')).toMatch(/not the record's caller/)
    expect(await signals(page).count()).toBe(3)
    // R3: Blair has exactly one process, so it is preselected and Continue is ready.
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLInputElement>('input[type=radio]')].filter((r) => r.checked).length === 1)
    expect(await page.getByRole('radio', { name: 'Standard password reset' }).isChecked()).toBe(true)
    expect(await page.getByRole('button', { name: 'Continue to verify' }).isEnabled()).toBe(true)
    await checkView('wizard-identify-risk')
  })

  it('B2 failed verifications by any agent in the last 24 hours are flagged with their count', async () => {
    await identify(page)
    const card = await methodCard(page, 'Personal data verification')
    await card.getByLabel('Email address the caller gives').fill('someone.else@example.com')
    await card.getByRole('button', { name: 'Verify email address' }).click()
    await visible(card.getByRole('alert'))
    await page.getByRole('button', { name: 'Cancel reset' }).click()
    await startWizard(page)
    await visible(page.getByTestId('risk-signals').locator('li[data-kind="recent_failed_verifications"]'))
    expect(await page.getByTestId('risk-signals').locator('li[data-kind="recent_failed_verifications"]').innerText()).toBe(
      '1 failed verification of this user in the last 24 hours, by any agent.',
    )
  })

  it('R5 one method at a time, the count and Continue in view at 1366×768, methods inactive once verified', async () => {
    await identify(page)
    // One card on screen, the first method the user can pass.
    expect(await page.locator('section.method').count()).toBe(1)
    await visible(page.getByRole('region', { name: 'Email code', exact: true }))
    const inView = async (name: string) => {
      const box = (await page.getByRole('button', { name }).boundingBox())!
      return box.y >= 0 && box.y + box.height <= sizes[0].height
    }
    expect(await inView('Continue to reset')).toBe(true)
    expect(await page.getByTestId('verify-summary').innerText()).toBe('Passed 0 of 1 required method.')
    await checkView('wizard-verify-one-method')

    const confirm = await methodCard(page, 'Personal data confirmation')
    await confirm.getByRole('button', { name: 'Caller confirms it is correct' }).click()
    await visible(confirm.getByText('Passed.'))
    expect(await page.getByTestId('verify-summary').innerText()).toBe('Passed 1 of 1 required method. Verification is complete.')
    // Focus goes to the next thing to do.
    await page.waitForFunction(() => document.activeElement?.textContent === 'Continue to reset')
    expect(await inView('Continue to reset')).toBe(true)
    // The other methods offer nothing more: no code can be sent, no answers typed.
    const email = await methodCard(page, 'Email code')
    await visible(email.getByTestId('method-not-needed'))
    expect(await email.getByRole('button').count()).toBe(0)
    expect(await email.getByTestId('attempts-left').count()).toBe(0)
    const questions = await methodCard(page, 'Security questions')
    expect(await questions.getByRole('textbox').count()).toBe(0)
    expect(await page.getByTestId('verify-summary').innerText()).toBe('Passed 1 of 1 required method. Verification is complete.')
    await checkView('wizard-verify-complete')
  })

  it('R5 sends are counted per method, attempts shown once per method, and focus goes to the code field', async () => {
    await identify(page)
    const email = await methodCard(page, 'Email code')
    expect(await email.getByText('Sends left: 4').count()).toBe(1)
    await email.getByRole('button', { name: 'Send verification code' }).click()
    await visible(email.getByText(/Code sent to/))
    await visible(email.getByText('Sends left: 3'))
    // The code field has the focus: the caller is about to read the code.
    await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.autocomplete === 'one-time-code')
    const code = await readCode(page, 'inbox')
    const wrong = code.slice(0, -1) + String((Number(code.at(-1)) + 1) % 10)
    await email.getByLabel('Code the caller reads back').fill(wrong)
    await email.getByRole('button', { name: 'Check code' }).click()
    await visible(email.getByRole('alert'))
    expect(await email.getByTestId('attempts-left').count()).toBe(1)
    expect(await email.getByTestId('attempts-left').innerText()).toBe('Attempts left: 2')
    await page.waitForFunction(() => (document.activeElement as HTMLInputElement | null)?.autocomplete === 'one-time-code')
    // SMS keeps its own sends.
    const sms = await methodCard(page, 'SMS code')
    expect(await sms.getByText('Sends left: 4').count()).toBe(1)
  })

  it('R5 a user enrolled in nothing is told what to do', async () => {
    await chooseUser('Casey Singh', 'casey')
    expect(await page.getByTestId('user-enrolment').innerText()).toBe('Enrolled in: nothing.')
    await page.getByRole('radio', { name: 'Standard password reset' }).check()
    await page.getByRole('button', { name: 'Continue to verify' }).click()
    await visible(page.getByRole('heading', { name: 'Verify Casey Singh' }))
    const help = page.getByTestId('not-enrolled-help')
    await visible(help)
    expect(await help.innerText()).toMatch(/Casey Singh is enrolled in none of this process's methods.*enrolment page.*or cancel this reset and choose another process/s)
    expect(await page.getByRole('button', { name: 'Continue to reset' }).isEnabled()).toBe(false)
    await checkView('wizard-verify-not-enrolled')
  })

  async function toReset() {
    await identify(page)
    await (await methodCard(page, 'Personal data confirmation')).getByRole('button', { name: 'Caller confirms it is correct' }).click()
    await page.getByRole('button', { name: 'Continue to reset' }).click()
    await visible(page.getByRole('heading', { name: /^Reset the password of / }))
  }

  it('R6.2 a passphrase of eight words from the list, read aloud with its phonetic spelling', async () => {
    await toReset()
    await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
    await page.getByRole('radio', { name: /Passphrase of words/ }).check()
    await checkView('wizard-reset-passphrase')
    await page.getByRole('button', { name: 'Reset password' }).click()
    await visible(page.getByRole('heading', { name: 'Password reset complete' }))
    const phrase = await page.getByTestId('generated-password').innerText()
    expect(phrase).toMatch(/^[a-z]{3,8}(-[a-z]{3,8}){7}$/)
    expect(await page.getByRole('list', { name: 'Phonetic spelling' }).innerText()).toMatch(/lower-case [A-Z]/)
  })

  it('B3 a typed password gets a read-aloud spelling on request', async () => {
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
