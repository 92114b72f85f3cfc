// B1 through two consoles: an agent verifies a protected account (two methods, one a code); the
// reset waits until a supervisor approves it from their own console's Approvals queue, or ends
// when they reject it with a reason (issue 12 item 3).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import {
  chooseUser, e2eMissingReason, launchBrowser, methodCard, openConsole, openRecord, readCode, screenshot,
  seriousAxeViolations, startHost, startWizard, visible,
} from './host/fixture'

const missing = e2eMissingReason()

describe.skipIf(missing)('B1 supervisor approval of a protected account', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(() => browser?.close())

  /** The agent verifies Drew Patel (protected: questions and an email code) and waits for a supervisor. */
  async function verifyDrew(page: Page) {
    await openRecord(page, 'INC0010004')
    await startWizard(page)
    await chooseUser(page, 'drew', /Drew Patel/)
    await page.getByRole('radio', { name: 'Protected accounts' }).check()
    await page.getByRole('button', { name: 'Continue to verify' }).click()
    await visible(page.getByRole('heading', { name: 'Verify Drew Patel' }))

    const questions = await methodCard(page, 'Security questions')
    await questions.getByLabel('What was your first car?').fill('beetle')
    await questions.getByLabel('What is your favourite book?').fill('Dune')
    await questions.getByRole('button', { name: 'Check answers' }).click()
    // A passed method hands over to the next one the user can pass (the tab keeps its state).
    await visible(page.getByRole('tab', { name: 'Security questions · passed' }))
    await visible(page.getByRole('region', { name: 'Email code', exact: true }))
    const email = await methodCard(page, 'Email code')
    await email.getByRole('button', { name: 'Send verification code' }).click()
    await email.getByLabel('Code the caller reads back').fill(await readCode(page, 'inbox'))
    await email.getByRole('button', { name: 'Check code' }).click()
    await visible(page.getByText('Verification is complete.'))
    await visible(page.getByText('a supervisor must approve the reset'))
    expect(await page.getByRole('button', { name: 'Continue to reset' }).isEnabled()).toBe(false)
  }

  /** The supervisor's queue row for Drew: methods passed and the waiting time, nothing secret. */
  async function supervisorRow(supervisor: Page) {
    await supervisor.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Approvals' }).click()
    const row = supervisor.getByRole('row', { name: /Drew Patel/ })
    await visible(row)
    expect(await row.innerText()).toMatch(/INC0010004[\s\S]*Dana Desk[\s\S]*Protected accounts[\s\S]*Email code, Security questions · Verified[\s\S]*\d+ min/)
    expect(await row.innerText()).not.toContain('drew.patel@example.com')
    return row
  }

  async function workNotes(page: Page): Promise<string[]> {
    await visible(page.getByRole('heading', { name: 'Activity' }))
    const notes = page.locator('ol.activity li[data-kind="work_note"]')
    await visible(notes)
    return notes.allInnerTexts()
  }

  it('waits for the approval, which the supervisor gives from the Approvals queue; the agent sees who approved; the work note names them', async () => {
    const host = await startHost()
    try {
      const agent = await openConsole(browser, host, 'desk')
      const page = agent.page
      await verifyDrew(page)

      const supervisor = await openConsole(browser, host, 'super')
      await supervisorRow(supervisor.page)
      for (const size of [{ width: 1366, height: 768 }, { width: 1920, height: 1080 }]) {
        await supervisor.page.setViewportSize(size)
        expect(await seriousAxeViolations(supervisor.page)).toEqual([])
        await screenshot(supervisor.page, `approvals-queue-${size.width}x${size.height}`)
      }
      await supervisor.page.getByRole('button', { name: 'Approve the reset of Drew Patel (INC0010004)' }).click()
      await visible(supervisor.page.getByText('No resets are waiting for approval.'))

      // The agent's wizard sees the approval by itself, says who gave it, and may go on.
      await page.getByRole('button', { name: 'Continue to reset' }).and(page.locator(':enabled')).waitFor({ timeout: 10_000 })
      await visible(page.getByText(/^Approved by Sam Supervisor at /))
      expect(await seriousAxeViolations(page)).toEqual([])
      await screenshot(page, 'wizard-verify-approved')
      await page.getByRole('button', { name: 'Continue to reset' }).click()
      await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
      await page.getByRole('button', { name: 'Reset password' }).click()
      await visible(page.getByRole('heading', { name: 'Password reset complete' }))
      expect((await page.getByTestId('generated-password').innerText()).length).toBeGreaterThanOrEqual(20)
      await page.getByRole('button', { name: 'Close', exact: true }).click()
      await page.getByRole('button', { name: 'Exit', exact: true }).click()
      await page.getByRole('region', { name: 'Reset password' }).waitFor({ state: 'detached' })
      const notes = await workNotes(page)
      expect(notes.some((n) => n.includes('Drew Patel') && n.includes('Approved by Sam Supervisor.'))).toBe(true)
      expect(agent.pageErrors).toEqual([])
      expect(supervisor.pageErrors).toEqual([])
      await supervisor.context.close()
      await agent.context.close()
    } finally {
      await host.close()
    }
  }, 60_000)

  it('a rejection with a reason ends the flow cleanly: the agent reads who rejected and why; audited, with a work note', async () => {
    const host = await startHost()
    try {
      const agent = await openConsole(browser, host, 'desk')
      const page = agent.page
      await verifyDrew(page)

      const supervisor = await openConsole(browser, host, 'super')
      await supervisorRow(supervisor.page)
      await supervisor.page.getByRole('button', { name: 'Reject the reset of Drew Patel (INC0010004)' }).click()
      const dialog = supervisor.page.getByRole('dialog', { name: 'Reject this reset?' })
      await visible(dialog)
      // A reason is required.
      expect(await dialog.getByRole('button', { name: 'Reject reset' }).isEnabled()).toBe(false)
      await dialog.getByLabel('Reason').fill('Caller could not confirm the travel dates; call back on the registered number.')
      expect(await seriousAxeViolations(supervisor.page)).toEqual([])
      await screenshot(supervisor.page, 'approvals-reject-dialog')
      await dialog.getByRole('button', { name: 'Reject reset' }).click()
      await visible(supervisor.page.getByText('No resets are waiting for approval.'))

      // The agent's console says who rejected and why, without being asked.
      await visible(page.getByRole('heading', { name: 'Reset rejected' }), 15_000)
      expect(await page.getByTestId('rejection').innerText()).toBe(
        'Sam Supervisor rejected this reset: Caller could not confirm the travel dates; call back on the registered number.',
      )
      expect(await seriousAxeViolations(page)).toEqual([])
      await screenshot(page, 'wizard-rejected')
      await page.getByRole('button', { name: 'Back to the record' }).click()
      await page.getByRole('region', { name: 'Reset password' }).waitFor({ state: 'detached' })
      const notes = await workNotes(page)
      expect(notes.some((n) => n.includes('rejected by Sam Supervisor: Caller could not confirm') && n.includes('No password was changed.'))).toBe(true)

      // The backend agrees: the flow is closed (the user is free for a new flow), and it is audited.
      const audit = await host.backend.store.db.selectFrom('audit').select(['action', 'outcome', 'agent_id']).where('action', '=', 'flow.reject').execute()
      expect(audit).toEqual([{ action: 'flow.reject', outcome: 'rejected', agent_id: 'agent-super' }])
      const open = await host.backend.store.db.selectFrom('flows').select('id').where('user_id', '=', 'user-drew').where('closed_at', 'is', null).execute()
      expect(open).toEqual([])
      expect(agent.pageErrors).toEqual([])
      expect(supervisor.pageErrors).toEqual([])
      await supervisor.context.close()
      await agent.context.close()
    } finally {
      await host.close()
    }
  }, 60_000)
})
