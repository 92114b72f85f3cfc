// R9 in the console: administrators read the audit log, verify its chain, and export it as JSON
// lines; a supervisor can read and verify but not export; a changed row is named by the check.
import { readFile } from 'node:fs/promises'
import { asDatabaseOwner } from '../helpers/audit-tamper'
import type { Browser } from '@playwright/test'
import { expect, identify, openConsole, openRecord, screenshot, seriousAxeViolations, startHost, startWizard, test } from './host/fixture'

test.describe('R9 audit log view', () => {
  let browser: Browser
  test.beforeAll(async ({ browser: b }) => {
    browser = b
  })

  test('lists, verifies and exports the chain; names a tampered entry', async () => {
    const host = await startHost()
    try {
      const admin = await openConsole(browser, host, 'admin')
      const page = admin.page
      await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Audit log' }).click()
      await expect(page.getByRole('heading', { name: 'Audit log' }).first()).toBeVisible()
      await expect(page.locator('tr[data-seq]').first()).toBeVisible()
      // For people: readable actions and names, not internal action names and ids.
      await expect(page.locator('tr[data-seq]').first()).toHaveText(/Sign-in\tSigned in\tAvery Admin/, { useInnerText: true })
      await expect(page.locator('tbody')).not.toContainText('session.sign_in')

      await page.getByRole('button', { name: 'Verify chain' }).click()
      await expect(page.getByText(/^Chain intact: \d+ entries verified\.$/).first()).toBeVisible()
      expect(await seriousAxeViolations(page)).toEqual([])
      await screenshot(page, 'audit-log')

      // Two refused sign-ins, so the chain has a body before the checkpoint.
      for (const username of ['nobody', 'no-one'])
        await host.backend.ops['session:signIn']({ agentId: null }, { username, password: 'x' }).catch(() => undefined)
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export' }).click()])
      expect(download.suggestedFilename()).toMatch(/^resetdesk-audit-\d{4}-\d{2}-\d{2}\.jsonl$/)
      const lines = (await readFile((await download.path())!, 'utf8'))
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(lines.length).toBeGreaterThanOrEqual(1)
      expect(lines[0]).toMatchObject({ seq: 1, prev_hash: '0'.repeat(64) })

      // F5: the export hands out a signed checkpoint; after the tail is deleted by someone who owns
      // the database, the check given that checkpoint reports the cut.
      const kept = await page.getByTestId('new-checkpoint').innerText()
      expect(JSON.parse(kept)).toMatchObject({ seq: lines.at(-1).seq, hash: lines.at(-1).hash })
      await asDatabaseOwner(host.backend.store, (db) => db.deleteFrom('audit').where('seq', '>=', lines.at(-1).seq).execute())
      await page.getByLabel(/^Checkpoint kept from an earlier check/).fill(kept)
      await page.getByRole('button', { name: 'Verify chain' }).click()
      await expect(page.getByText(/^Chain cut short: it ends at entry #\d+, before the checkpoint's entry\./).first()).toBeVisible()
      expect(await seriousAxeViolations(page)).toEqual([])
      await page.getByLabel(/^Checkpoint kept from an earlier check/).fill('')

      // Someone who owns the database lifts the guard and edits a stored row: the check names it.
      await asDatabaseOwner(host.backend.store, (db) => db.updateTable('audit').set({ outcome: 'forged' }).where('seq', '=', 1).execute())
      await page.getByRole('button', { name: 'Verify chain' }).click()
      await expect(page.getByText(/^Chain broken at entry #1:/).first()).toBeVisible()

      const supervisor = await openConsole(browser, host, 'super')
      await supervisor.page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Audit log' }).click()
      await expect(supervisor.page.getByRole('button', { name: 'Verify chain' }).first()).toBeVisible()
      await expect(supervisor.page.getByRole('button', { name: 'Export' })).toHaveCount(0)
      const desk = await openConsole(browser, host, 'desk')
      await expect(desk.page.getByRole('button', { name: 'Audit log' })).toHaveCount(0)
      expect([...admin.pageErrors, ...supervisor.pageErrors, ...desk.pageErrors]).toEqual([])
      for (const c of [admin, supervisor, desk]) await c.context.close()
    } finally {
      await host.close()
    }
  })

  test('issue 12 item 4: names, labels, details on demand, and filters by record, agent, user, action and date done by the backend', async () => {
    test.setTimeout(60_000)
    const host = await startHost()
    try {
      // Something to find: the desk agent starts a reset of Alex Morgan on INC0010004.
      const desk = await openConsole(browser, host, 'desk')
      await openRecord(desk.page, 'INC0010004')
      await startWizard(desk.page)
      await identify(desk.page)
      await host.backend.ops['session:signIn']({ agentId: null }, { username: 'nobody', password: 'x' }).catch(() => undefined)

      const admin = await openConsole(browser, host, 'admin')
      const page = admin.page
      await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Audit log' }).click()
      await expect(page.locator('tr[data-seq]').first()).toBeVisible()
      const rows = () => page.locator('tr[data-seq]')
      const apply = () => page.getByRole('button', { name: 'Apply filters' }).click()
      const waitRows = async (n: number) => page.waitForFunction((k) => document.querySelectorAll('tr[data-seq]').length === k, n)

      await page.getByLabel('Record number').fill('INC0010004')
      await apply()
      await waitRows(1)
      await expect(rows().first()).toHaveText(/Reset started\tStarted\tDana Desk\tAlex Morgan\tINC0010004/, { useInnerText: true })
      await expect(page.getByTestId('audit-page')).toHaveText('Entries 1–1 of 1')
      // Details on demand: the process by name, the entry's hash.
      await page.getByRole('button', { name: /^Details of entry / }).click()
      const detail = page.locator('tr.audit-detail')
      await expect(detail.first()).toBeVisible()
      await expect(detail).toHaveText(/Process\s+Standard password reset/, { useInnerText: true })
      await expect(detail).toHaveText(/Hash\s+[0-9a-f]{64}/, { useInnerText: true })
      for (const size of [
        { width: 1366, height: 768 },
        { width: 1920, height: 1080 },
      ]) {
        await page.setViewportSize(size)
        expect(await seriousAxeViolations(page)).toEqual([])
        await screenshot(page, `audit-log-people-${size.width}x${size.height}`)
      }

      // By user (a directory search), by agent name, by action; then a day with nothing in it.
      await page.getByLabel('Record number').fill('')
      await page.getByLabel('User', { exact: true }).fill('alex')
      await apply()
      await waitRows(1)
      await page.getByLabel('User', { exact: true }).fill('')
      await page.getByLabel('Agent', { exact: true }).fill('dana')
      await apply()
      await page.waitForFunction(() => [...document.querySelectorAll('tr[data-seq]')].length >= 2)
      for (const text of await rows().allInnerTexts()) expect(text).toContain('Dana Desk')
      await page.getByLabel('Agent', { exact: true }).fill('')
      await page.getByLabel('Action').selectOption({ label: 'Sign-in' })
      await apply()
      await expect(page.locator('tr[data-seq]', { hasText: 'Refused' }).first()).toBeVisible()
      for (const text of await rows().allInnerTexts()) expect(text).toMatch(/^\S.*\tSign-in\t/)
      await page.getByLabel('From', { exact: true }).fill('2001-01-01')
      await page.getByLabel('To', { exact: true }).fill('2001-01-02')
      await apply()
      await expect(page.getByText('No entries match these filters.').first()).toBeVisible()
      await page.getByRole('button', { name: 'Clear' }).click()
      await page.waitForFunction(() => document.querySelectorAll('tr[data-seq]').length >= 4)
      expect([...admin.pageErrors, ...desk.pageErrors]).toEqual([])
      for (const c of [admin, desk]) await c.context.close()
    } finally {
      await host.close()
    }
  })
})
