// B1 through two consoles: an agent verifies a protected account (two methods, one a code); the
// reset waits until a supervisor approves it from their own console's Approvals queue, or ends
// when they reject it with a reason (issue 12 item 3).
import type { Browser } from '@playwright/test'
import {
  chooseUser,
  expect,
  methodCard,
  openConsole,
  openRecord,
  readCode,
  screenshot,
  seriousAxeViolations,
  startWizard,
  test,
  type BrowserHost,
  type Console,
  type Page,
} from './host/fixture'

test.describe('B1 supervisor approval of a protected account', () => {
  /** The agent verifies Drew Patel (protected: questions and an email code) and waits for a supervisor. */
  async function verifyDrew(page: Page) {
    await openRecord(page, 'INC0010004')
    await startWizard(page)
    await chooseUser(page, 'drew', /Drew Patel/)
    await page.getByRole('radio', { name: 'Protected accounts' }).check()
    await page.getByRole('button', { name: 'Continue to verify' }).click()
    await expect(page.getByRole('heading', { name: 'Verify Drew Patel' }).first()).toBeVisible()

    const questions = await methodCard(page, 'Security questions')
    await questions.getByLabel('What was your first car?').fill('beetle')
    await questions.getByLabel('What is your favourite book?').fill('Dune')
    await questions.getByRole('button', { name: 'Check answers' }).click()
    // A passed method hands over to the next one the user can pass (the tab keeps its state).
    await expect(page.getByRole('tab', { name: 'Security questions · passed' }).first()).toBeVisible()
    await expect(page.getByRole('region', { name: 'Email code', exact: true }).first()).toBeVisible()
    const email = await methodCard(page, 'Email code')
    await email.getByRole('button', { name: 'Send verification code' }).click()
    await email.getByLabel('Code the caller reads back').fill(await readCode(page, 'inbox'))
    await email.getByRole('button', { name: 'Check code' }).click()
    await expect(page.getByText('Verification is complete.').first()).toBeVisible()
    await expect(page.getByText('a supervisor must approve the reset').first()).toBeVisible()
    await expect(page.getByRole('button', { name: 'Continue to reset' })).toBeDisabled()
  }

  /** The supervisor's queue row for Drew: methods passed and the waiting time, nothing secret. */
  async function supervisorRow(supervisor: Page) {
    await supervisor.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Approvals' }).click()
    const row = supervisor.getByRole('row', { name: /Drew Patel/ })
    await expect(row.first()).toBeVisible()
    await expect(row).toHaveText(
      /INC0010004[\s\S]*Dana Desk[\s\S]*Protected accounts[\s\S]*Email code, Security questions · Verified[\s\S]*\d+ min/,
      { useInnerText: true },
    )
    await expect(row).not.toContainText('drew.patel@example.com')
    return row
  }

  /** The path to the approval notice: the agent verifies Drew; a supervisor's console opens the queue on Drew's row. */
  async function awaitingApproval(browser: Browser, host: BrowserHost, page: Page): Promise<Console> {
    await verifyDrew(page)
    const supervisor = await openConsole(browser, host, 'super')
    await supervisorRow(supervisor.page)
    return supervisor
  }

  async function workNotes(page: Page): Promise<string[]> {
    await expect(page.getByRole('heading', { name: 'Activity' }).first()).toBeVisible()
    const notes = page.locator('ol.activity li[data-kind="work_note"]')
    await expect(notes.first()).toBeVisible()
    return notes.allInnerTexts()
  }

  test('waits for the approval, which the supervisor gives from the Approvals queue; the agent sees who approved; the work note names them', async ({
    browser,
    host,
    page,
  }) => {
    const supervisor = await awaitingApproval(browser, host, page)
    for (const size of [
      { width: 1366, height: 768 },
      { width: 1920, height: 1080 },
    ]) {
      await supervisor.page.setViewportSize(size)
      expect(await seriousAxeViolations(supervisor.page)).toEqual([])
      await screenshot(supervisor.page, `approvals-queue-${size.width}x${size.height}`)
    }
    await supervisor.page.getByRole('button', { name: 'Approve the reset of Drew Patel (INC0010004)' }).click()
    await expect(supervisor.page.getByText('No resets are waiting for approval.').first()).toBeVisible()

    // The agent's wizard sees the approval by itself, says who gave it, and may go on.
    await expect(page.getByRole('button', { name: 'Continue to reset' }).and(page.locator(':enabled'))).toBeVisible({ timeout: 10_000 })
    await expect(page.getByText(/^Approved by Sam Supervisor at /).first()).toBeVisible()
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'wizard-verify-approved')
    await page.getByRole('button', { name: 'Continue to reset' }).click()
    await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()
    expect((await page.getByTestId('generated-password').innerText()).length).toBeGreaterThanOrEqual(20)
    await page.getByRole('button', { name: 'Close', exact: true }).click()
    await page.getByRole('button', { name: 'Exit', exact: true }).click()
    await expect(page.getByRole('region', { name: 'Reset password' })).toHaveCount(0)
    const notes = await workNotes(page)
    expect(notes.some((n) => n.includes('Drew Patel') && n.includes('Approved by Sam Supervisor.'))).toBe(true)
    expect(supervisor.pageErrors).toEqual([])
    await supervisor.context.close()
  })

  test('a rejection with a reason ends the flow cleanly: the agent reads who rejected and why; audited, with a work note', async ({
    browser,
    host,
    page,
  }) => {
    const supervisor = await awaitingApproval(browser, host, page)
    await supervisor.page.getByRole('button', { name: 'Reject the reset of Drew Patel (INC0010004)' }).click()
    const dialog = supervisor.page.getByRole('dialog', { name: 'Reject this reset?' })
    await expect(dialog.first()).toBeVisible()
    // A reason is required.
    await expect(dialog.getByRole('button', { name: 'Reject reset' })).toBeDisabled()
    await dialog.getByLabel('Reason').fill('Caller could not confirm the travel dates; call back on the registered number.')
    expect(await seriousAxeViolations(supervisor.page)).toEqual([])
    await screenshot(supervisor.page, 'approvals-reject-dialog')
    await dialog.getByRole('button', { name: 'Reject reset' }).click()
    await expect(supervisor.page.getByText('No resets are waiting for approval.').first()).toBeVisible()

    // The agent's console says who rejected and why, without being asked.
    await expect(page.getByRole('heading', { name: 'Reset rejected' }).first()).toBeVisible({ timeout: 15_000 })
    await expect(page.getByTestId('rejection')).toHaveText(
      'Sam Supervisor rejected this reset: Caller could not confirm the travel dates; call back on the registered number.',
    )
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'wizard-rejected')
    await page.getByRole('button', { name: 'Back to the record' }).click()
    await expect(page.getByRole('region', { name: 'Reset password' })).toHaveCount(0)
    const notes = await workNotes(page)
    expect(
      notes.some((n) => n.includes('rejected by Sam Supervisor: Caller could not confirm') && n.includes('No password was changed.')),
    ).toBe(true)

    // The backend agrees: the flow is closed (the user is free for a new flow), and it is audited.
    const audit = await host.backend.store.db
      .selectFrom('audit')
      .select(['action', 'outcome', 'agent_id'])
      .where('action', '=', 'flow.reject')
      .execute()
    expect(audit).toEqual([{ action: 'flow.reject', outcome: 'rejected', agent_id: 'agent-super' }])
    const open = await host.backend.store.db
      .selectFrom('flows')
      .select('id')
      .where('user_id', '=', 'user-drew')
      .where('closed_at', 'is', null)
      .execute()
    expect(open).toEqual([])
    expect(supervisor.pageErrors).toEqual([])
    await supervisor.context.close()
  })
})
