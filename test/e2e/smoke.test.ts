import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Browser } from 'playwright-core'
import { e2eMissingReason, launchBrowser, openConsole, startHost, visible } from './host/fixture'

const missing = e2eMissingReason()

describe.skipIf(missing)('console smoke', () => {
  let browser: Browser
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(() => browser?.close())

  it('signs in and shows the first list rows', async () => {
    const host = await startHost()
    try {
      const c = await openConsole(browser, host, 'desk')
      await visible(c.page.locator('tbody tr[data-record-id]').first())
      expect(c.pageErrors).toEqual([])
      await c.context.close()
    } finally {
      await host.close()
    }
  })
})
