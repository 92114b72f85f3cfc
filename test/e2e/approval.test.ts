// B1 through two consoles: an agent verifies a protected account (two methods, one a code); the
// reset waits until a supervisor approves it from their own console's Approvals queue.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import {
  e2eMissingReason, launchBrowser, methodCard, openConsole, openRecord, readCode, screenshot,
  seriousAxeViolations, startHost, startWizard, visible,
} from './host/fixture'

const missing = e2eMissingReason()

describe.skipIf(missing)('B1 supervisor approval of a protected account', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(() => browser?.close())

  it('waits for the approval, which the supervisor gives from the Approvals queue', async () => {
    const host = await startHost()
    try {
      const agent = await openConsole(browser, host, 'desk')
      const page = agent.page
      await openRecord(page, 'INC0010004')
      await startWizard(page)
      await page.getByLabel('Search the directory').fill('drew')
      await page.getByRole('button', { name: /Drew Patel/ }).click()
      await page.getByRole('radio', { name: 'Protected accounts' }).check()
      await page.getByRole('button', { name: 'Continue to verify' }).click()
      await visible(page.getByRole('heading', { name: 'Verify Drew Patel' }))

      const questions = await methodCard(page, 'Security questions')
      await questions.getByLabel('What was your first car?').fill('beetle')
      await questions.getByLabel('What is your favourite book?').fill('Dune')
      await questions.getByRole('button', { name: 'Check answers' }).click()
      const email = await methodCard(page, 'Email code')
      await email.getByRole('button', { name: 'Send verification code' }).click()
      await email.getByLabel('Code the caller reads back').fill(await readCode(page, 'inbox'))
      await email.getByRole('button', { name: 'Check code' }).click()
      await visible(page.getByText('Verification is complete.'))
      await visible(page.getByText('a supervisor must approve the reset'))
      expect(await page.getByRole('button', { name: 'Continue to reset' }).isEnabled()).toBe(false)

      // The supervisor's console: the queue shows the request, with nothing secret in it.
      const supervisor = await openConsole(browser, host, 'super')
      await supervisor.page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Approvals' }).click()
      const row = supervisor.page.getByRole('row', { name: /Drew Patel/ })
      await visible(row)
      expect(await row.innerText()).toMatch(/INC0010004[\s\S]*Dana Desk[\s\S]*Protected accounts[\s\S]*Verified/)
      expect(await seriousAxeViolations(supervisor.page)).toEqual([])
      await screenshot(supervisor.page, 'approvals-queue')
      await supervisor.page.getByRole('button', { name: 'Approve the reset of Drew Patel (INC0010004)' }).click()
      await visible(supervisor.page.getByText('No resets are waiting for approval.'))

      // The agent's wizard sees the approval by itself and may go on.
      await page.getByRole('button', { name: 'Continue to reset' }).and(page.locator(':enabled')).waitFor({ timeout: 10_000 })
      await page.getByRole('button', { name: 'Continue to reset' }).click()
      await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
      await page.getByRole('button', { name: 'Reset password' }).click()
      await visible(page.getByRole('heading', { name: 'Password reset complete' }))
      expect((await page.getByTestId('generated-password').innerText()).length).toBeGreaterThanOrEqual(20)
      expect(agent.pageErrors).toEqual([])
      expect(supervisor.pageErrors).toEqual([])
      await supervisor.context.close()
      await agent.context.close()
    } finally {
      await host.close()
    }
  })
})
