// G7 in the console (Chromium, 1366×768): an administrator creates a process, edits it and
// disables it, and an agent's Identify step shows each change; errors stand under their fields;
// the desk settings pane is reached and saved by keyboard; axe finds nothing serious; agents
// without the admin role have no Administration area.
import type { Browser } from '@playwright/test'
import { expect, openConsole, openRecord, screenshot, seriousAxeViolations, startHost, startWizard, test, type Page } from './host/fixture'

const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk

test.describe('G7 Administration area', () => {
  let browser: Browser
  test.beforeAll(async ({ browser: b }) => {
    browser = b
  })

  /**
   * Opens the agent's Identify step for Alex and waits until it offers the processes named in
   * `shown` and none named in `hidden` (react-query shows the cached list, then the fresh one).
   */
  async function identifyShows(page: Page, shown: string[], hidden: string[]) {
    await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Incidents' }).click()
    await openRecord(page, alexRecord)
    if ((await page.getByRole('heading', { name: 'Identify the user' }).count()) === 0) await startWizard(page)
    const processes = page.getByRole('group', { name: 'Password reset process' })
    for (const name of shown) await expect(processes.getByRole('radio', { name, exact: true }).first()).toBeVisible()
    for (const name of hidden) await expect(processes.getByRole('radio', { name, exact: true })).toHaveCount(0, { timeout: 10_000 })
  }

  test('an admin creates, edits and disables a process; Identify follows; desk settings by keyboard', async () => {
    const host = await startHost()
    try {
      const admin = await openConsole(browser, host, 'admin')
      const desk = await openConsole(browser, host, 'desk')
      const page = admin.page
      await page.setViewportSize({ width: 1366, height: 768 })

      await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Administration' }).click()
      await expect(page.getByRole('heading', { name: 'Administration', level: 1 }).first()).toBeVisible()
      await expect(page.getByRole('tab', { name: 'Processes', selected: true }).first()).toBeVisible()
      await expect(page.getByRole('row', { name: /Standard password reset/ }).first()).toBeVisible()
      expect(await seriousAxeViolations(page)).toEqual([])
      await screenshot(page, 'admin-1-processes')

      // Create: an empty name and a protected process without approval are refused in place.
      await page.getByRole('button', { name: 'New process' }).click()
      await expect(page.getByRole('heading', { name: 'New process' }).first()).toBeVisible()
      await page.getByLabel('For protected accounts only').check()
      await page.getByRole('button', { name: 'Create process' }).click()
      await expect(page.getByText('Give the process a name.').first()).toBeVisible()
      await expect(page.getByText('Protected accounts need at least two methods.').first()).toBeVisible()
      await expect(page.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true')
      expect(await page.evaluate(() => document.activeElement?.id)).toBe(await page.getByLabel('Name').getAttribute('id'))
      expect(await seriousAxeViolations(page)).toEqual([])
      await screenshot(page, 'admin-2-form-errors')

      await page.getByLabel('For protected accounts only').uncheck()
      await page.getByLabel('Name').fill('Contractors')
      await page.getByLabel('Description').fill('Contract staff, confirmed by their registered address.')
      await page.getByRole('checkbox', { name: 'Personal data confirmation' }).check()
      await page.getByRole('button', { name: 'Create process' }).click()
      await expect(page.getByRole('status').getByText('“Contractors” saved.').first()).toBeVisible()
      await expect(page.getByRole('row', { name: /Contractors/ }).first()).toBeVisible()
      await identifyShows(desk.page, ['Contractors', 'Standard password reset'], [])

      // Edit: renamed, longer minimum length.
      await page.getByRole('button', { name: 'Edit Contractors' }).click()
      await expect(page.getByRole('heading', { name: 'Edit “Contractors”' }).first()).toBeVisible()
      await expect(page.getByLabel('Name')).toHaveValue('Contractors')
      await page.getByLabel('Name').fill('Contract staff')
      await page.getByLabel('Minimum length').fill('20')
      await page.getByRole('button', { name: 'Save changes' }).click()
      await expect(page.getByRole('row', { name: /Contract staff/ }).first()).toBeVisible()
      await identifyShows(desk.page, ['Contract staff'], ['Contractors'])

      // Disable: no longer offered at Identify.
      await page.getByRole('button', { name: 'Disable Contract staff' }).click()
      await expect(page.getByRole('status').getByText('“Contract staff” disabled.').first()).toBeVisible()
      await expect(
        page
          .getByRole('row', { name: /Contract staff/ })
          .getByRole('cell', { name: 'Disabled' })
          .first(),
      ).toBeVisible()
      await identifyShows(desk.page, ['Standard password reset'], ['Contract staff'])
      await screenshot(desk.page, 'admin-4-identify-after-disable')

      // Delete (it was never used): the platform's modal dialog asks first; Cancel has the focus.
      await page.getByRole('button', { name: 'Delete Contract staff' }).click()
      const dialog = page.getByRole('dialog', { name: 'Delete “Contract staff”?' })
      await expect(dialog.first()).toBeVisible()
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel')
      expect(await seriousAxeViolations(page)).toEqual([])
      await screenshot(page, 'admin-5-delete-dialog')
      await dialog.getByRole('button', { name: 'Delete process' }).click()
      await expect(page.getByRole('status').getByText('“Contract staff” deleted.').first()).toBeVisible()
      await expect(page.getByRole('row', { name: /Contract staff/ })).toHaveCount(0)

      // Desk settings (the last tab), by keyboard only: End to the tab, Tab into the form, type, Enter.
      await page.getByRole('tab', { name: 'Processes' }).focus()
      await page.keyboard.press('End')
      // Radix activates the focused tab on its next render: wait for it rather than read at once.
      await expect(page.getByRole('tab', { name: 'Desk settings', selected: true }).first()).toBeVisible()
      await expect(page.getByRole('heading', { name: 'Desk settings' }).first()).toBeVisible()
      await page.getByLabel('Code lifetime (minutes)').focus()
      await page.keyboard.press('ControlOrMeta+a')
      await page.keyboard.type('5')
      await page.keyboard.press('Enter')
      await expect(page.getByText('Settings saved.').first()).toBeVisible()
      expect((await host.backend.ops['admin:settings:get']({ agentId: 'agent-admin' }, {})).codeTtlMinutes).toBe(5)
      expect(await seriousAxeViolations(page)).toEqual([])
      await screenshot(page, 'admin-3-desk-settings')

      const audit = await host.backend.store.db
        .selectFrom('audit')
        .select('action')
        .where('action', 'like', 'admin.%')
        .orderBy('seq')
        .execute()
      expect(audit.map((a) => a.action)).toEqual([
        'admin.processes.save',
        'admin.processes.save',
        'admin.processes.setEnabled',
        'admin.processes.delete',
        'admin.settings.save',
      ])
      expect([...admin.pageErrors, ...desk.pageErrors]).toEqual([])
      await admin.context.close()
      await desk.context.close()
    } finally {
      await host.close()
    }
  })

  test('agents without the admin role have no Administration area', async () => {
    const host = await startHost()
    try {
      for (const username of ['desk', 'super', 'viewer']) {
        const c = await openConsole(browser, host, username)
        await expect(c.page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Incidents' }).first()).toBeVisible()
        await expect(c.page.getByRole('button', { name: 'Administration' })).toHaveCount(0)
        expect(c.pageErrors).toEqual([])
        await c.context.close()
      }
    } finally {
      await host.close()
    }
  })
})
