// B11 through the consoles and the user's browser: an agent resets Alex Morgan's password on the
// demo desk; the caller simulator's inbox shows the notice with its "this wasn't me" link; the
// user follows it (opening the page changes nothing), confirms, and the account is locked; a
// supervisor watching the Live view sees the report arrive, finds it in the queue beside the
// approvals, and acknowledges it; the record carries the work note. axe clean at 1366×768 and
// 1920×1080 on the page and the supervisor's views.
import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import type { Page } from '@playwright/test'
import {
  expect,
  identify,
  methodCard,
  openConsole,
  openRecord,
  screenshot,
  seriousAxeViolations,
  startHost,
  startWizard,
  test,
  type BrowserHost,
} from './host/fixture'
import { startResetLinkServer } from '../../electron/backend/http/reset-link-page'

const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk
const sizes = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]
const axeSource = readFile(join(resolve(import.meta.dirname, '../..'), 'node_modules/axe-core/axe.min.js'), 'utf8')

/** axe-core evaluated into a page whose strict CSP admits no test script; serious and critical only. */
async function pageAxeViolations(page: Page) {
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

async function exitFlow(page: Page) {
  await page.getByRole('button', { name: 'Close', exact: true }).click()
  await expect(page.getByRole('dialog', { name: 'End this password reset?' })).toBeVisible()
  await page.getByRole('button', { name: 'Exit', exact: true }).click()
  await page.getByRole('region', { name: 'Reset password' }).waitFor({ state: 'detached' })
}

const workspace = (page: Page, name: string) => page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name })

test.describe('B11 "this wasn\'t me": notice, report, containment, supervisors told', () => {
  test('the user reports the reset from the notice; the account locks; the supervisor sees it live and in the queue, and acknowledges it', async ({
    browser,
  }) => {
    test.setTimeout(90_000)
    // As main does: the user-facing link pages first (the backend needs their address), then the backend.
    let host: BrowserHost | null = null
    const links = await startResetLinkServer({
      complete: (t, p) => host!.backend.completeResetLink(t, p),
      wasntMe: (t, a) => host!.backend.reportWasntMe(t, a),
    })
    host = await startHost({ backend: { resetLinkBase: links.url } })
    const alexLocked = async () => (await host!.backend.ctx.directory.get('user-alex'))!.locked
    try {
      // The agent resets Alex's password (auto-generated).
      const agent = await openConsole(browser, host, 'desk')
      const page = agent.page
      await openRecord(page, alexRecord)
      await startWizard(page)
      await identify(page)
      await (await methodCard(page, 'Personal data confirmation')).getByRole('button', { name: 'Caller confirms it is correct' }).click()
      await page.getByRole('button', { name: 'Continue to reset' }).click()
      await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
      await page.getByRole('button', { name: 'Reset password' }).click()
      await expect(page.getByRole('heading', { name: 'Password reset complete' })).toBeVisible()

      // The caller simulator's inbox: the notice, with the link.
      const notice = page.getByTestId('sim-inbox').locator('li').filter({ hasText: 'Your password was reset' })
      await expect(notice).toBeVisible()
      const body = await notice.locator('.body').innerText()
      expect(body).toContain('If this was not you')
      const link = body.match(/https?:\/\/\S+\/wasnt-me#token=[\w-]+/)?.[0]
      expect(link, 'the notice carries the "this wasn\'t me" link').toBeTruthy()
      await exitFlow(page)

      // A supervisor watches the Live view while the user acts.
      const supervisor = await openConsole(browser, host, 'super')
      const sp = supervisor.page
      await workspace(sp, 'Live').click()
      await expect(sp.getByRole('heading', { name: 'Live', level: 1 })).toBeVisible()
      await expect(sp.getByRole('region', { name: 'Reported as not theirs' })).toHaveCount(0)

      // The user follows the link in their own browser window. Opening it changes nothing.
      const userContext = await browser.newContext({ viewport: sizes[0] })
      const userPage = await userContext.newPage()
      const userErrors: string[] = []
      userPage.on('pageerror', (e) => userErrors.push(e.message))
      userPage.on('console', (m) => m.type() === 'error' && userErrors.push(m.text()))
      await userPage.goto(link!)
      await expect(userPage.getByRole('heading', { name: 'Was this password reset not you?' })).toBeVisible()
      expect(userPage.url()).not.toContain('#token') // the token leaves the address bar at once
      expect(await alexLocked()).toBe(false)
      for (const size of sizes) {
        await userPage.setViewportSize(size)
        expect(await pageAxeViolations(userPage)).toEqual([])
        await screenshot(userPage, `wasnt-me-page-${size.width}x${size.height}`)
      }
      await userPage.getByRole('button', { name: "This wasn't me: lock my account" }).click()
      await expect(userPage.getByRole('status')).toContainText('Reported. Thank you.')
      // Nothing about the user beyond "reported".
      await expect(userPage.locator('main')).not.toContainText(/Alex|Morgan|example\.com/)
      await screenshot(userPage, 'wasnt-me-reported')
      expect(userErrors).toEqual([])
      await userContext.close()
      await expect.poll(alexLocked).toBe(true)

      // The live view shows the report as it happens (no reload), by initials.
      const live = sp.getByRole('region', { name: 'Reported as not theirs' })
      await expect(live).toContainText(
        new RegExp(`${alexRecord}: the user \\(A\\. M\\.\\) reported the reset by Dana Desk at .*Account: re-locked\\.`),
      )
      await expect(live).not.toContainText('Alex Morgan')
      for (const size of sizes) {
        await sp.setViewportSize(size)
        expect(await seriousAxeViolations(sp)).toEqual([])
        await screenshot(sp, `wasnt-me-live-${size.width}x${size.height}`)
      }

      // The queue beside the approvals names the user, who reset, and what containment did.
      await workspace(sp, 'Approvals').click()
      const row = sp.getByRole('table', { name: 'Resets reported as not theirs' }).getByRole('row', { name: /Alex Morgan/ })
      await expect(row).toHaveText(
        new RegExp(
          `${alexRecord}[\\s\\S]*Alex Morgan[\\s\\S]*Dana Desk[\\s\\S]*Standard password reset[\\s\\S]*Auto-generated[\\s\\S]*Re-locked`,
        ),
        { useInnerText: true },
      )
      for (const size of sizes) {
        await sp.setViewportSize(size)
        expect(await seriousAxeViolations(sp)).toEqual([])
        await screenshot(sp, `wasnt-me-queue-${size.width}x${size.height}`)
      }
      await sp.getByRole('button', { name: `Acknowledge the report on Alex Morgan's reset (${alexRecord})` }).click()
      await expect(sp.getByText('No reset has been reported as not theirs.')).toBeVisible()
      await expect(sp.getByRole('heading', { name: 'Reported resets' })).toBeFocused()
      await workspace(sp, 'Live').click()
      await expect(sp.getByRole('heading', { name: 'Live', level: 1 })).toBeVisible()
      await expect(sp.getByRole('region', { name: 'Reported as not theirs' })).toHaveCount(0)

      // The record's activity carries the note.
      await page.reload()
      await openRecord(page, alexRecord)
      await expect(
        page
          .locator('ol.activity li[data-kind="work_note"]')
          .filter({ hasText: 'The user reported this reset as not theirs at' })
          .filter({ hasText: 'account re-locked.' }),
      ).toBeVisible()

      expect(agent.pageErrors).toEqual([])
      expect(supervisor.pageErrors).toEqual([])
      await supervisor.context.close()
      await agent.context.close()
    } finally {
      await host?.close()
      await links.close()
    }
  })
})
