import type { Browser } from '@playwright/test'
import { expect, openConsole, startHost, test } from './host/fixture'

test.describe('console smoke', () => {
  let browser: Browser
  test.beforeAll(async ({ browser: b }) => {
    browser = b
  })

  test('signs in and shows the first list rows', async () => {
    const host = await startHost()
    try {
      const c = await openConsole(browser, host, 'desk')
      await expect(c.page.locator('tbody tr[data-record-id]').first()).toBeVisible()
      expect(c.pageErrors).toEqual([])
      await c.context.close()
    } finally {
      await host.close()
    }
  })
})
