// B5 and B10 through two consoles on the demo desk: the supervisor (super) watches the agent
// (desk) work a flow in Live, each step within a second, follows it read only, and sees no
// contact detail of the user; the dashboard draws the desk's flows as charts under the strict
// CSP, its range picker changes them and its CSV holds what is shown; a desk agent has neither
// view and the backend refuses both channels.
import { readFile } from 'node:fs/promises'
import type { Browser, Page } from '@playwright/test'
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
} from './host/fixture'
import type { Session } from '../../electron/backend/operations'
import { contract, type Channel, type InputOf, type OutputOf } from '../../shared/ipc/contract'

const alexRecord = 'INC0010004' // caller Alex Morgan (alex.morgan@example.com, +1 415 555 0101/0102), assigned to desk
/** Anything that would identify Alex Morgan or reach them. */
const alexContact = /alex\.morgan|@example\.com|415|555[ -]?010|Alex Morgan|Morgan/i
const sizes = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
]

/** Records CSP refusals from now on (the page is a single-page app: the listener stays). */
async function watchCsp(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { cspRefusals: string[] }
    w.cspRefusals = []
    document.addEventListener('securitypolicyviolation', (e) => w.cspRefusals.push(`${e.violatedDirective} ${e.blockedURI}`))
  })
}
const cspRefusals = (page: Page) => page.evaluate(() => (window as unknown as { cspRefusals: string[] }).cspRefusals)

async function axeAtBothSizes(page: Page, shot: string) {
  for (const size of sizes) {
    await page.setViewportSize(size)
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, `${shot}-${size.width}x${size.height}`)
  }
}

test.describe('B5 live observe and B10 dashboard', () => {
  let browser: Browser
  test.beforeAll(async ({ browser: b }) => {
    browser = b
  })

  test('B5 the supervisor sees each step of the agent within a second and follows the flow read only, with no contact detail', async () => {
    test.setTimeout(90_000)
    const host = await startHost()
    try {
      const supervisor = await openConsole(browser, host, 'super')
      const sup = supervisor.page
      await sup.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Live' }).click()
      await expect(sup.getByText('No flows are open right now.').first()).toBeVisible()

      const agent = await openConsole(browser, host, 'desk')
      const page = agent.page
      await openRecord(page, alexRecord)
      await startWizard(page)
      await identify(page)
      // The flow appears on the supervisor's Live within 1 s of the agent's step.
      const row = sup.getByRole('row', { name: new RegExp(alexRecord) })
      await expect(row.first()).toBeVisible({ timeout: 1_000 })
      await expect(row.getByRole('cell', { name: 'Verifying', exact: true }).first()).toBeVisible({ timeout: 1_000 })
      await expect(row).toHaveText(/Dana Desk[\s\S]*A\. M\.[\s\S]*Standard password reset[\s\S]*Verifying[\s\S]*None yet/, {
        useInnerText: true,
      })

      await sup.getByRole('button', { name: `Follow the flow on ${alexRecord}` }).click()
      const follow = sup.getByRole('region', { name: `Following ${alexRecord}` })
      await expect(follow.getByText('Current step: Verifying').first()).toBeVisible()
      await expect(follow.getByRole('listitem').filter({ hasText: 'Flow started' }).first()).toBeVisible()
      await axeAtBothSizes(sup, 'live-following')

      // The agent passes a method: the row and the followed flow change within 1 s.
      const card = await methodCard(page, 'Personal data confirmation')
      await card.getByRole('button', { name: 'Caller confirms it is correct' }).click()
      await expect(card.getByText('Passed.').first()).toBeVisible()
      await expect(row.getByRole('cell', { name: 'Verified', exact: true }).first()).toBeVisible({ timeout: 1_000 })
      await expect(follow.getByText('Current step: Verified').first()).toBeVisible({ timeout: 1_000 })
      await expect(
        follow
          .getByRole('listitem')
          .filter({ hasText: /Verification · Email confirmation · passed/ })
          .first(),
      ).toBeVisible({ timeout: 1_000 })
      await expect(row).toContainText('Email confirmation passed')

      // The reset and Exit: the flow leaves the list within 1 s; the followed flow says it ended.
      await page.getByRole('button', { name: 'Continue to reset' }).click()
      await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
      await page.getByRole('button', { name: 'Reset password' }).click()
      await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()
      await expect(row.getByRole('cell', { name: 'Password reset', exact: true }).first()).toBeVisible({ timeout: 1_000 })
      await axeAtBothSizes(sup, 'live-reset')
      await page.getByRole('button', { name: 'Close', exact: true }).click()
      await page.getByRole('button', { name: 'Exit', exact: true }).click()
      await expect(sup.getByText('No flows are open right now.').first()).toBeVisible({ timeout: 1_000 })
      await expect(follow.getByText('This flow has ended.').first()).toBeVisible({ timeout: 1_000 })
      await expect(follow.getByRole('listitem').filter({ hasText: 'Flow closed' }).first()).toBeVisible()

      // Read only: the only controls in Live follow or stop following.
      const live = sup.getByRole('region', { name: 'Live' })
      for (const name of await live.getByRole('button').allInnerTexts()) expect(name).toMatch(/^(Follow|Stop following)$/)
      // Nothing on the supervisor's page names or reaches the user.
      expect(await sup.content()).not.toMatch(alexContact)
      await expect(sup.locator('body')).not.toHaveText(/@|\+\d[\d ]{6,}/)
      expect(supervisor.pageErrors).toEqual([])
      expect(agent.pageErrors).toEqual([])
    } finally {
      await host.close()
    }
  })

  test('B10 the dashboard charts a few flows, its range picker changes them, and its CSV holds what is shown, with no CSP refusal', async () => {
    test.setTimeout(90_000)
    const host = await startHost()
    try {
      // A few flows by the desk agent, through the backend's own operations: two resets (one
      // by email link, one generated), a failed and a passed verification.
      const desk: Session = { agentId: 'agent-desk' }
      // Inputs parsed by the contract, as the router does (defaults filled in).
      const run = <C extends Channel>(c: C, input: InputOf<C>): Promise<OutputOf<C>> =>
        (host.backend.ops[c] as (s: Session, i: unknown) => Promise<OutputOf<C>>)(desk, contract[c].input.parse(input))
      const recordId = async (n: string) =>
        (await run('records:list', { kind: 'incident', filter: 'assigned_to_me', q: n, limit: 1 })).rows[0]!.id
      const a = await run('flow:start', { recordId: await recordId(alexRecord), userId: 'user-alex', processId: 'proc-standard' })
      await run('verify:personalData', { flowId: a.id, email: 'wrong@example.com' }).catch(() => undefined)
      await run('verify:confirmPersonalData', { flowId: a.id, confirmed: true })
      await run('reset:run', { flowId: a.id, method: 'generate' })
      await run('flow:close', { flowId: a.id, passwordShared: true })
      const b = await run('flow:start', { recordId: await recordId(alexRecord), userId: 'user-alex', processId: 'proc-standard' })
      await run('verify:confirmPersonalData', { flowId: b.id, confirmed: true })
      await run('reset:run', { flowId: b.id, method: 'email_link' })
      await run('flow:close', { flowId: b.id, passwordShared: false })

      const supervisor = await openConsole(browser, host, 'super')
      const sup = supervisor.page
      await watchCsp(sup)
      await sup.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Dashboard' }).click()
      await expect(sup.getByRole('heading', { name: 'Dashboard', level: 1 }).first()).toBeVisible()
      await expect(sup.getByTestId('total-resets')).toHaveText('2')
      // Real charts: recharts' SVG bars for each series with data.
      const resetsChart = sup.getByRole('figure', { name: /Resets per day by method/ })
      await expect(resetsChart.locator('svg.recharts-surface').first()).toBeVisible()
      expect(await resetsChart.locator('.recharts-bar-rectangle path').count()).toBeGreaterThanOrEqual(2)
      const verification = sup.getByRole('figure', { name: /Verification by method/ })
      await expect(verification.getByText(/Email confirmation: 2 passed, 0 failed/)).toHaveCount(1)
      await expect(verification.getByText(/Personal data: 0 passed, 1 failed/)).toHaveCount(1)
      await expect(
        sup
          .getByRole('figure', { name: /Median handle time per agent/ })
          .getByText(/Dana Desk: .* over 2 flows/)
          .first(),
      ).toBeVisible()
      await axeAtBothSizes(sup, 'dashboard-last-7-days')

      // CSV of what is shown.
      const [download] = await Promise.all([sup.waitForEvent('download'), sup.getByRole('button', { name: 'Export CSV' }).click()])
      const csv = await readFile((await download.path())!, 'utf8')
      const lines = csv.trim().split('\r\n')
      expect(lines[0]).toBe('chart,key,series,value')
      const today = new Date().toISOString().slice(0, 10)
      expect(lines).toContain(`resets_per_day,${today},generate,1`)
      expect(lines).toContain(`resets_per_day,${today},email_link,1`)
      expect(lines).toContain('verification,personal_data_confirm,passed,2')
      expect(lines).toContain('verification,personal_data_verify,failed,1')
      expect(lines).toContain('median_handle_time,Dana Desk,flows,2')
      expect(lines).toContain('approvals_waiting,,count,0')
      expect(csv).not.toMatch(alexContact)

      // The range picker: a week last year holds none of today's flows.
      const lastYear = new Date().getUTCFullYear() - 1
      await sup.getByLabel('From', { exact: true }).fill(`${lastYear}-03-01`)
      await sup.getByLabel('To', { exact: true }).fill(`${lastYear}-03-07`)
      await expect(sup.getByText(`Showing ${lastYear}-03-01 to ${lastYear}-03-07`).first()).toBeVisible()
      await expect(sup.getByTestId('total-resets')).toHaveText('0')
      await expect(resetsChart.locator('.recharts-bar-rectangle path')).toHaveCount(0)
      await expect(
        sup
          .getByRole('figure', { name: /Median handle time per agent/ })
          .getByText('No flows closed in this range.')
          .first(),
      ).toBeVisible()
      const [older] = await Promise.all([sup.waitForEvent('download'), sup.getByRole('button', { name: 'Export CSV' }).click()])
      const olderCsv = await readFile((await older.path())!, 'utf8')
      expect(olderCsv).toContain(`resets_per_day,${lastYear}-03-07,generate,0`)
      expect(olderCsv).not.toContain(today)
      await sup.getByRole('button', { name: 'Last 7 days' }).click()
      await expect(sup.getByText(`Showing `).filter({ hasText: today }).first()).toBeVisible()
      await expect(sup.getByTestId('total-resets')).toHaveText('2')
      await axeAtBothSizes(sup, 'dashboard-range')

      expect(await cspRefusals(sup)).toEqual([])
      expect(supervisor.pageErrors).toEqual([])
    } finally {
      await host.close()
    }
  })

  test('a desk agent has neither view, and the backend refuses live:next and dashboard:get with FORBIDDEN', async () => {
    test.setTimeout(60_000)
    const host = await startHost()
    try {
      const agent = await openConsole(browser, host, 'desk')
      const nav = agent.page.getByRole('navigation', { name: 'Workspace' })
      await expect(nav.getByRole('button', { name: 'Incidents' }).first()).toBeVisible()
      await expect(nav.getByRole('button', { name: 'Live' })).toHaveCount(0)
      await expect(nav.getByRole('button', { name: 'Dashboard' })).toHaveCount(0)
      const refused = await agent.page.evaluate(async () => {
        const bridge = (
          window as unknown as { resetDesk: { invoke(c: string, i: unknown): Promise<{ ok: boolean; error?: { code: string } }> } }
        ).resetDesk
        return [
          await bridge.invoke('live:next', { afterSeq: 0, waitMs: 0 }),
          await bridge.invoke('dashboard:get', { from: '2026-01-01', to: '2026-01-07' }),
        ]
      })
      expect(refused).toEqual([
        expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) }),
        expect.objectContaining({ ok: false, error: expect.objectContaining({ code: 'FORBIDDEN' }) }),
      ])
    } finally {
      await host.close()
    }
  })
})
