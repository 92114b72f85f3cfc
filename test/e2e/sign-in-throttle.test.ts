// G3 in the console: after ten refused sign-ins the next is refused with the catalogue's sentence
// and the time it frees up, even with the right password.
import type { Browser } from '@playwright/test'
import { expect, startHost, test, type BrowserHost } from './host/fixture'
import { SIGN_IN_THROTTLE } from '../../electron/backend/rules/sign-in-throttle'

test.describe('G3 sign-in throttle in the console', () => {
  let browser: Browser
  let host: BrowserHost
  test.beforeAll(async ({ browser: b }) => {
    browser = b
    host = await startHost()
  })
  test.afterAll(async () => {
    await host?.close()
  })

  test(`the ${SIGN_IN_THROTTLE.limit + 1}th quick try shows when sign-in frees up`, async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const { bridgeInitScript } = await import('./host/server')
    await context.addInitScript({ content: bridgeInitScript(host.newSessionToken()) })
    await page.goto(host.url)
    const alert = page.getByRole('alert')
    // Ten refused tries at this console (the embedded backend's one address), then one in the page.
    for (let i = 0; i < SIGN_IN_THROTTLE.limit; i++) {
      await expect(
        host.backend.ops['session:signIn']({ agentId: null }, { username: `someone${i}`, password: 'wrong-password' }),
      ).rejects.toMatchObject({ code: 'INVALID_CREDENTIALS' })
    }
    await page.getByLabel('User name').fill('desk')
    await page.getByLabel('Password').fill('desk-demo-2026')
    await page.getByRole('button', { name: 'Sign in' }).click()
    await expect(page.locator('[role=alert][data-code=SIGN_IN_THROTTLED]').first()).toBeVisible()
    const text = (await alert.innerText()).replace(/\s+/g, ' ')
    expect(text).toContain('Too many sign-in attempts from this computer or for this user name.')
    expect(text).toMatch(/Frees up at: \S/)
    await context.close()
  })
})
