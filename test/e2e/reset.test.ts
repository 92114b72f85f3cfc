// R6/R7/R4 through the console: each reset method completing, the locked account unlocked, the
// work note on the record, Exit wiping the wizard, and the fourth reset of the day refused.
import type { Session } from '../../electron/backend/operations'
import {
  userPicker,
  expect,
  identify,
  methodCard,
  openRecord,
  screenshot,
  seriousAxeViolations,
  startWizard,
  test,
  type BrowserHost,
  type Page,
} from './host/fixture'

const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk
const blairRecord = 'INC0010007' // caller Blair Chen (locked, email only), assigned to desk

test.describe('R6 reset and R7 close in the wizard', () => {
  let host: BrowserHost
  let page: Page
  test.beforeEach(async ({ host: h, page: p }) => {
    host = h
    page = p
  })

  /** Identify (default caller) and pass R5.5, then go on to Reset. */
  async function verifyAndContinue(recordNumber: string) {
    await openRecord(page, recordNumber)
    await startWizard(page)
    await identify(page)
    await (await methodCard(page, 'Personal data confirmation')).getByRole('button', { name: 'Caller confirms it is correct' }).click()
    await page.getByRole('button', { name: 'Continue to reset' }).click()
    await expect(page.getByRole('heading', { name: /^Reset the password of / }).first()).toBeVisible()
  }

  async function exitFlow() {
    await page.getByRole('button', { name: 'Close', exact: true }).click()
    await expect(page.getByRole('dialog', { name: 'End this password reset?' }).first()).toBeVisible()
    await page.getByRole('button', { name: 'Exit', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Reset password' })).toHaveCount(0)
  }

  async function workNotes(): Promise<string[]> {
    await expect(page.getByRole('heading', { name: 'Activity' }).first()).toBeVisible()
    const notes = page.locator('ol.activity li[data-kind="work_note"]')
    await expect(notes.first()).toBeVisible()
    return notes.allInnerTexts()
  }

  const desk = (): Session => ({ agentId: 'agent-desk' })

  test('R6.2 generate: shown once with its phonetic spelling; the locked account is unlocked; R7 Exit writes the work note and wipes the wizard', async () => {
    expect((await host.backend.ops['users:search'](desk(), { q: 'blair', limit: 5 }))[0]).toMatchObject({ id: 'user-blair', locked: true })
    await verifyAndContinue(blairRecord)
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'wizard-3-reset')
    await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()
    const password = await page.getByTestId('generated-password').innerText()
    expect(password.length).toBeGreaterThanOrEqual(15)
    const spelling = await page.getByRole('list', { name: 'Phonetic spelling' }).innerText()
    expect(spelling).toMatch(/(upper-case|lower-case) [A-Z]/)
    await expect(page.getByTestId('unlocked')).toHaveText('The account is unlocked.')
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'wizard-4-done')
    // The backend agrees: the account is unlocked.
    expect((await host.backend.ops['users:search'](desk(), { q: 'blair', limit: 5 }))[0]).toMatchObject({ id: 'user-blair', locked: false })

    await page.getByRole('button', { name: 'Close', exact: true }).click()
    await expect(page.getByRole('dialog', { name: 'End this password reset?' }).first()).toBeVisible()
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'wizard-5-exit-confirmation')
    await page.getByRole('button', { name: 'Exit', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Reset password' })).toHaveCount(0)

    // R9/R7: the work note is on the record, and says the password was shared.
    const notes = await workNotes()
    expect(notes.some((n) => n.includes('Blair Chen') && n.includes('Password shared with the user: yes'))).toBe(true)
    // R7: nothing of the flow is left in the page, and reopening starts fresh at Identify.
    expect(await page.content()).not.toContain(password)
    await startWizard(page)
    await expect(userPicker(page)).toHaveValue('Blair Chen')
    // Fresh from the backend, not from the wiped flow: the card counts the reset just done.
    await expect(page.getByTestId('user-resets').first()).toBeVisible()
    await expect(page.getByTestId('user-resets')).toHaveText(/^1 \(last at /)
    await expect(page.getByTestId('user-status')).toHaveText('Active, must change the password at next sign-in')
    expect(await page.content()).not.toContain(password)
    await expect(page.getByText('Password reset complete')).toHaveCount(0)
  })

  test('R6.3 manual: live policy feedback and match, then the reset; the work note follows Exit', async () => {
    await verifyAndContinue(alexRecord)
    await page.getByRole('radio', { name: 'Type a new password' }).check()
    const reset = page.getByRole('button', { name: 'Reset password' })
    await page.getByLabel('New password', { exact: true }).fill('short')
    await expect(page.getByTestId('policy-feedback').locator('ul.failures li').first()).toBeVisible()
    await page.getByLabel('Re-enter the new password').fill('shorter')
    await expect(page.getByText('The passwords do not match.').first()).toBeVisible()
    await expect(reset).toBeDisabled()
    const good = 'Maple-Harbor-Lantern-4817'
    await page.getByLabel('New password', { exact: true }).fill(good)
    await page.getByLabel('Re-enter the new password').fill(good)
    await expect(page.getByText('The password meets the policy.').first()).toBeVisible()
    await expect(page.getByText('The passwords match.').first()).toBeVisible()
    await reset.click()
    await expect(page.getByText('The password you typed is now set.').first()).toBeVisible()
    expect(await page.content()).not.toContain(good)
    await exitFlow()
    const notes = await workNotes()
    expect(notes.some((n) => n.includes('Alex Morgan') && n.includes('Resets in this flow: 1'))).toBe(true)
  })

  test("R6.1 email with instructions: the link reaches the user's inbox; Exit records it was not shared", async () => {
    await verifyAndContinue(alexRecord)
    await page.getByRole('radio', { name: 'Send email with instructions' }).check()
    await page.getByRole('button', { name: 'Send instructions' }).click()
    // R6.1: nothing is reset yet, and the screen says so (not "reset complete", not "unlocked").
    await expect(page.getByRole('heading', { name: 'Instructions sent' }).first()).toBeVisible()
    await expect(page.getByTestId('instructions-sent')).toHaveText(
      /^Instructions sent to .*; the password changes when the user follows the link\.$/s,
    )
    await expect(page.getByText('Password reset complete')).toHaveCount(0)
    await expect(page.getByTestId('unlocked')).toHaveCount(0)
    await expect(
      page
        .getByTestId('sim-inbox')
        .getByText(/\/reset/)
        .first(),
    ).toBeVisible()
    await exitFlow()
    const notes = await workNotes()
    expect(notes.some((n) => n.includes('Alex Morgan') && n.includes('Password shared with the user: no'))).toBe(true)
  })

  test('R4 after three resets in 24 hours, Identify shows none left and when the next frees up; the fourth cannot start', async () => {
    // Three resets of Alex with the standard process, through the same router the console uses.
    const session: Session = { agentId: null }
    const sender = { frameUrl: host.url, isMainFrame: true }
    const call = async (channel: string, input: unknown) => {
      const r = await host.handle(channel, input, sender, session)
      if (!r.ok) throw new Error(`${channel}: ${r.error.code}`)
      return r.data as Record<string, unknown>
    }
    await call('session:signIn', { username: 'admin', password: 'admin-demo-2026' })
    const list = await call('records:list', { kind: 'incident', filter: 'assigned_to_me', q: 'Alex Morgan' })
    const recordId = (list.rows as { id: string }[])[0]!.id
    for (let i = 0; i < 3; i++) {
      const flow = await call('flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      await call('verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
      await call('reset:run', { flowId: flow.id, method: 'generate' })
      await call('flow:close', { flowId: flow.id, passwordShared: true })
      host.clock.advance(60_000)
    }
    const options = (await host.backend.ops['processes:forUser'](desk(), { userId: 'user-alex' })).find(
      (o) => o.process.id === 'proc-standard',
    )!
    expect(options.usesLeft).toBe(0)

    await openRecord(page, alexRecord)
    await startWizard(page)
    await page.getByRole('radio', { name: 'Standard password reset' }).check()
    const uses = await page.getByTestId('uses-proc-standard').innerText()
    const expectedTime = await page.evaluate(
      (iso) => new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' }),
      options.nextFreeAt!,
    )
    expect(uses).toBe(`No resets left in the last 24 hours with this process. The next one frees up at ${expectedTime}.`)
    await expect(page.getByRole('button', { name: 'Continue to verify' })).toBeDisabled()
    // The backend refuses the fourth flow too, with the same time (S4: the button is only a comfort).
    const fourth = await host.handle('flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' }, sender, session)
    expect(fourth).toMatchObject({ ok: false, error: { code: 'RATE_LIMITED', details: { freesAt: options.nextFreeAt } } })
  })
})
