// B4 presenter mode through the console: with it on, the page's text holds none of the caller's
// email address, phone digits, the emailed code or the generated password (the DOM holds masks,
// not blurred values); with it off, they are all back. Toggle by click, keyboard and Ctrl+Shift+P;
// axe with presenter mode on.
import {
  userPicker,
  expect,
  identify,
  methodCard,
  openRecord,
  readCode,
  screenshot,
  seriousAxeViolations,
  startWizard,
  test,
  type BrowserHost,
  type Page,
} from './host/fixture'

const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk
const alexEmail = 'alex.morgan@example.com'
const alexPhoneDigits = '4155550101' // +1 415 555 0101, as the carrier gateway address shows it
const notice = 'Presenter mode: personal data and secrets are hidden'

test.describe('B4 presenter mode', () => {
  let host: BrowserHost
  let page: Page
  test.beforeEach(async ({ host: h, page: p }) => {
    host = h
    page = p
  })

  const toggle = () => page.getByRole('button', { name: 'Presenter mode' })
  const bodyText = () => page.evaluate(() => document.body.innerText)
  /** Phone digits however the page might group them. */
  const digitsOnly = (s: string) => s.replace(/[\s().+-]/g, '')

  async function expectPresenter(on: boolean) {
    await expect(toggle()).toHaveAttribute('aria-pressed', String(on))
    const status = await page.getByRole('status').filter({ hasText: notice }).count()
    expect(status).toBe(on ? 1 : 0)
  }

  test('B4 hides email, phone digits, the emailed code and the generated password from the page text, and shows them again when off', async () => {
    await expectPresenter(false)
    await openRecord(page, alexRecord)
    await startWizard(page)
    await identify(page)

    // Send an email code and an SMS code (through the carriers' gateways) while presenter mode is off.
    const email = await methodCard(page, 'Email code')
    await email.getByRole('button', { name: 'Send verification code' }).click()
    const code = await readCode(page, 'inbox')
    const sms = await methodCard(page, 'SMS code')
    await sms.getByLabel('Carrier for •••• 0101').selectOption('att')
    await sms.getByLabel('Carrier for •••• 0102').selectOption('verizon')
    host.clock.advance(31_000) // R5: the flow's pause between sends
    await sms.getByRole('button', { name: 'Send verification code' }).click()
    await readCode(page, 'phone')
    // R5: one method is shown at a time; back to the email card, with the address on it.
    await methodCard(page, 'Email code')
    let text = await bodyText()
    expect(text).toContain(alexEmail)
    expect(digitsOnly(text)).toContain(alexPhoneDigits)
    expect(text).toContain(code)

    // On, by mouse: none of it is in the page's text any more; masks are.
    await toggle().click()
    await expectPresenter(true)
    text = await bodyText()
    expect(text).toContain(notice)
    expect(text).not.toContain(alexEmail)
    expect(text).not.toContain('alex.morgan@')
    expect(digitsOnly(text)).not.toContain(alexPhoneDigits)
    expect(text).not.toContain(code)
    expect(text).toContain('a•••@example.com')
    expect(await page.locator('[data-sensitive][data-masked="true"]').count()).toBeGreaterThan(3)
    // What the agent types from the caller is masked too.
    const codeInput = email.getByLabel('Code the caller reads back')
    await expect(codeInput).toHaveAttribute('type', 'password')
    await expect((await methodCard(page, 'Security questions')).getByLabel('In which city were you born?')).toHaveAttribute(
      'type',
      'password',
    )
    await methodCard(page, 'Email code')
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'presenter-verify')

    // The agent still works: the code is typed (masked) and checked.
    await codeInput.fill(code)
    await email.getByRole('button', { name: 'Check code' }).click()
    await expect(page.getByText('Verification is complete.').first()).toBeVisible()
    await page.getByRole('button', { name: 'Continue to reset' }).click()
    await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()
    await expect(page.getByTestId('generated-password')).toHaveText('••••••••')
    await expect(page.getByRole('list', { name: 'Phonetic spelling' })).toHaveCount(0)
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'presenter-done')

    // Off by Ctrl+Shift+P: the password and its spelling are there to read out.
    await page.keyboard.press('Control+Shift+P')
    await expectPresenter(false)
    const password = await page.getByTestId('generated-password').innerText()
    expect(password.length).toBeGreaterThanOrEqual(15)
    await expect(page.getByRole('list', { name: 'Phonetic spelling' }).first()).toBeVisible()
    text = await bodyText()
    expect(text).toContain(password)
    expect(text).toContain(alexEmail)
    expect(digitsOnly(text)).toContain(alexPhoneDigits)
    expect(text).toContain(code)

    // On again by keyboard on the focused toggle: nothing of it, not even in the page's markup.
    await toggle().focus()
    await page.keyboard.press('Enter')
    await expectPresenter(true)
    text = await bodyText()
    for (const secret of [password, alexEmail, code]) expect(text).not.toContain(secret)
    expect(digitsOnly(text)).not.toContain(alexPhoneDigits)
    const html = await page.content()
    for (const secret of [password, alexEmail, code]) expect(html).not.toContain(secret)
    expect(await seriousAxeViolations(page)).toEqual([])

    // And off again with Space: everything is back.
    await page.keyboard.press('Space')
    await expectPresenter(false)
    text = await bodyText()
    for (const secret of [password, alexEmail, code]) expect(text).toContain(secret)
  })

  test('B4 turned on by Ctrl+Shift+P before a flow stays on through the record and the Identify search: no email address in the page', async () => {
    await page.keyboard.press('Control+Shift+P')
    await expectPresenter(true)
    await openRecord(page, alexRecord)
    await startWizard(page)
    await userPicker(page).fill('alex')
    await expect(page.getByRole('option', { name: /Alex Morgan/ })).toBeVisible()
    const text = await bodyText()
    expect(text).not.toContain(alexEmail)
    expect(text).toContain(notice)
  })
})
