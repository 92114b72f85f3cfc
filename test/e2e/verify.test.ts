// R5 through the console, as an agent clicks: each verification method passing, each code method
// closing after three wrong codes; axe on the Identify and Verify steps; screenshots of both.
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
  type Page,
} from './host/fixture'

const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk

test.describe('R5 verification in the wizard', () => {
  let page: Page
  test.beforeEach(async ({ page: p }) => {
    // A fresh desk per test: attempts are counted per user across flows (R5).
    page = p
    await openRecord(page, alexRecord)
    await startWizard(page)
  })

  const expectPassed = async (title: string) => {
    await expect((await methodCard(page, title)).getByText('Passed.').first()).toBeVisible()
    await expect(page.getByTestId('verify-summary')).toContainText('Passed 1 of 1')
    await expect(page.getByRole('button', { name: 'Continue to reset' })).toBeEnabled()
  }

  test('R3 Identify defaults to the caller, shows uses left, and passes axe', async () => {
    await expect(userPicker(page)).toHaveValue('Alex Morgan')
    await expect(page.getByRole('radio', { name: 'Standard password reset' }).first()).toBeVisible()
    await expect(page.getByTestId('uses-proc-standard')).toContainText('Resets left in the last 24 hours: 3 of 3')
    // Searching as the agent types finds other users.
    await userPicker(page).fill('blair')
    await expect(page.getByRole('option', { name: /Blair Chen/ })).toBeVisible()
    await userPicker(page).press('Escape')
    await expect(userPicker(page)).toHaveValue('Alex Morgan')
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'wizard-1-identify')
  })

  test('R5.1 email code read back from the caller simulator passes', async () => {
    await identify(page)
    await expect(page.getByRole('button', { name: 'Continue to reset' })).toBeDisabled()
    const card = await methodCard(page, 'Email code')
    await expect(card.getByText('alex.morgan@example.com').first()).toBeVisible()
    await card.getByRole('button', { name: 'Send verification code' }).click()
    const code = await readCode(page, 'inbox')
    await card.getByLabel('Code the caller reads back').fill(code)
    await card.getByRole('button', { name: 'Check code' }).click()
    await expectPassed('Email code')
  })

  test('R5.2 SMS code with carrier selection for every mobile passes', async () => {
    await identify(page)
    const card = await methodCard(page, 'SMS code')
    const send = card.getByRole('button', { name: 'Send verification code' })
    // Without carriers the code cannot be sent (no SMS provider API on the demo desk).
    await expect(send).toBeDisabled()
    await card.getByLabel('Carrier for •••• 0101').selectOption('att')
    await card.getByLabel('Carrier for •••• 0102').selectOption('verizon')
    await send.click()
    await expect(card.getByText(/Code sent to/).first()).toBeVisible()
    const code = await readCode(page, 'phone')
    await card.getByLabel('Code the caller reads back').fill(code)
    await card.getByRole('button', { name: 'Check code' }).click()
    await expectPassed('SMS code')
  })

  test('R5.3 security questions answered (case and spacing folded) pass', async () => {
    await identify(page)
    const card = await methodCard(page, 'Security questions')
    await card.getByLabel('What was the name of your first pet?').fill('  biscuit ')
    await card.getByLabel('In which city were you born?').fill('LISBON')
    await card.getByRole('button', { name: 'Check answers' }).click()
    await expectPassed('Security questions')
  })

  test('R5.3 a wrong answer shows the catalogue error in place, with attempts left', async () => {
    await identify(page)
    const card = await methodCard(page, 'Security questions')
    await card.getByLabel('What was the name of your first pet?').fill('Rex')
    await card.getByLabel('In which city were you born?').fill('Lisbon')
    await card.getByRole('button', { name: 'Check answers' }).click()
    await expect(card.getByRole('alert').first()).toBeVisible()
    await expect(card.getByRole('alert')).toContainText('One or more answers are incorrect.')
    await expect(card.getByText('Attempts left: 2').first()).toBeVisible()
  })

  test('R5.4 personal data verification with the registered email passes', async () => {
    await identify(page)
    const card = await methodCard(page, 'Personal data verification')
    await card.getByLabel('Email address the caller gives').fill('Alex.Morgan@example.com')
    await card.getByRole('button', { name: 'Verify email address' }).click()
    await expectPassed('Personal data verification')
  })

  test('R5.5 personal data confirmation passes, and the Verify step passes axe', async () => {
    await identify(page)
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'wizard-2-verify')
    const card = await methodCard(page, 'Personal data confirmation')
    await expect(card.getByText('alex.morgan@example.com').first()).toBeVisible()
    await card.getByRole('button', { name: 'Caller confirms it is correct' }).click()
    await expectPassed('Personal data confirmation')
    expect(await seriousAxeViolations(page)).toEqual([])
  })

  /** Presses Tab until the focused element has this accessible name (fails after 40 presses). */
  async function tabTo(name: string) {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab')
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null
        if (!el) return ''
        const label = el.id ? document.querySelector(`label[for="${el.id}"]`) : el.closest('label')
        return (el.getAttribute('aria-label') ?? label?.textContent ?? el.textContent ?? '').trim()
      })
      if (focused === name) return
    }
    throw new Error(`could not reach "${name}" with Tab`)
  }

  test('B8 the Identify and Verify steps work by keyboard alone, with focus moved to each step', async () => {
    // The step heading has focus when the step appears.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Identify the user')
    // A radio group takes one Tab stop; arrow keys choose within it.
    for (let i = 0; i < 40 && !(await page.evaluate(() => (document.activeElement as HTMLInputElement | null)?.type === 'radio')); i++)
      await page.keyboard.press('Tab')
    const standard = page.getByRole('radio', { name: 'Standard password reset' })
    for (let i = 0; i < 5 && !(await standard.isChecked()); i++) await page.keyboard.press('ArrowDown')
    await expect(standard).toBeChecked()
    await tabTo('Continue to verify')
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { name: 'Verify Alex Morgan' }).first()).toBeVisible()
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Verify Alex Morgan')
    // R5: the methods are tabs, one shown at a time; arrow keys move between them.
    await tabTo('Email code')
    for (let i = 0; i < 8 && (await page.evaluate(() => document.activeElement?.textContent)) !== 'Personal data confirmation'; i++)
      await page.keyboard.press('ArrowRight')
    await tabTo('Caller confirms it is correct')
    await page.keyboard.press('Enter')
    await expect(page.getByRole('region', { name: 'Personal data confirmation', exact: true }).getByText('Passed.').first()).toBeVisible()
    // Focus moves to the next thing to do: verification is complete, so Continue.
    await page.waitForFunction(() => document.activeElement?.textContent === 'Continue to reset')
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { name: 'Reset the password of Alex Morgan' }).first()).toBeVisible()
  })

  for (const [title, where] of [
    ['Email code', 'inbox'],
    ['SMS code', 'phone'],
  ] as const) {
    test(`R5 ${title}: three wrong codes close the method for the user`, async () => {
      await identify(page)
      const card = await methodCard(page, title)
      if (where === 'phone') {
        await card.getByLabel('Carrier for •••• 0101').selectOption('att')
        await card.getByLabel('Carrier for •••• 0102').selectOption('verizon')
      }
      await card.getByRole('button', { name: 'Send verification code' }).click()
      const real = await readCode(page, where)
      // A wrong code that is surely not the real one: change its last digit.
      const wrong = real.slice(0, -1) + String((Number(real.at(-1)) + 1) % 10)
      for (const left of [2, 1]) {
        await card.getByLabel('Code the caller reads back').fill(wrong)
        await card.getByRole('button', { name: 'Check code' }).click()
        await expect(card.getByText(`Attempts left: ${left}`).first()).toBeVisible()
        await expect(card.getByRole('alert')).toContainText('The verification code is incorrect.')
      }
      await card.getByLabel('Code the caller reads back').fill(wrong)
      await card.getByRole('button', { name: 'Check code' }).click()
      await expect(card.getByTestId('method-closed').first()).toBeVisible()
      await expect(card.getByTestId('method-closed')).toHaveText(/closed for this user until .*all attempts are used/)
      await expect(card.getByLabel('Code the caller reads back')).toHaveCount(0)
      // The real code no longer helps, and a new flow does not restore the attempts (R5).
      await page.getByRole('button', { name: 'Cancel reset' }).click()
      await startWizard(page)
      await identify(page)
      await expect((await methodCard(page, title)).getByTestId('method-closed').first()).toBeVisible()
    })
  }
})
