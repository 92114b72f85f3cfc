// B7 kiosk (walk-up desk) in the console: the host answers console:settings as main does on a
// kiosk machine. Idle for the configured minutes, the console signs the agent out, wipes the flow
// and every cached answer, and says why; the next visitor finds no trace of the last. B3: copy,
// cut and the context menu are refused. Playwright's clock moves time, so no test waits a minute.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { bridgeInitScript } from './host/server'
import {
  demoPasswords, e2eMissingReason, identify, launchBrowser, methodCard, openRecord, readCode, screenshot,
  seriousAxeViolations, startHost, startWizard, visible, type BrowserHost, type Page,
} from './host/fixture'

const missing = e2eMissingReason()
const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk
const lockNotice = 'Locked after 1 minute without activity; everything about the last visitor was cleared.'

describe.skipIf(missing)('B7 kiosk mode', () => {
  let browser: Browser
  let host: BrowserHost
  let context: BrowserContext
  let page: Page
  const pageErrors: string[] = []
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(() => browser?.close())
  beforeEach(async () => {
    pageErrors.length = 0
    host = await startHost({ operations: (backend) => ({ ...backend.ops, 'console:settings': async () => ({ kiosk: { enabled: true, idleMinutes: 1 } }) }) })
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
    await context.addInitScript({ content: bridgeInitScript(host.newSessionToken()) })
    page = await context.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()))
    // Fake timers from the first script on; time still flows until the test moves it on.
    await page.clock.install()
    await page.goto(host.url)
  })
  afterEach(async () => {
    await context?.close()
    await host?.close()
    expect(pageErrors).toEqual([])
  })

  async function signIn(username = 'desk') {
    await page.getByLabel('User name').fill(username)
    await page.getByLabel('Password').fill(demoPasswords[username]!)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await visible(page.getByText(/Signed in as/))
  }

  const openFlows = () => host.backend.ctx.store.db.selectFrom('flows').select('id').where('closed_at', 'is', null).execute()

  it('locks after idleMinutes without activity, wipes the visitor, and the next sign-in shows no trace', async () => {
    await signIn()
    // The same action as "Sign out", named for a walk-up desk.
    await visible(page.getByRole('button', { name: 'End visit' }))
    expect(await page.getByRole('button', { name: 'Sign out' }).count()).toBe(0)

    await openRecord(page, alexRecord)
    await startWizard(page)
    await identify(page)
    const card = await methodCard(page, 'Email code')
    await card.getByRole('button', { name: 'Send verification code' }).click()
    const code = await readCode(page, 'inbox')
    await card.getByLabel('Code the caller reads back').fill(code)
    expect(await openFlows()).toHaveLength(1)

    // Activity starts the idle period again: 50 s (the 30 s warning is up), a key (it goes), 50 s
    // more, and the console is still open, warning again (keyboard.test.ts follows the countdown).
    const warning = page.getByRole('dialog', { name: 'Are you still there?' })
    await page.clock.fastForward('00:50')
    await visible(warning)
    await page.keyboard.press('Shift')
    await warning.waitFor({ state: 'detached' })
    await visible(page.getByRole('region', { name: 'Reset password' }))
    await page.clock.fastForward('00:50')
    await visible(warning)
    expect(await page.getByText(/Signed in as/).count()).toBe(1)

    await page.clock.fastForward('01:05')
    await visible(page.getByRole('status').filter({ hasText: lockNotice }))
    await visible(page.getByRole('button', { name: 'Sign in' }))
    expect(await page.getByText(/Signed in as/).count()).toBe(0)
    expect(await page.getByText('Caller simulator').count()).toBe(0)
    expect(await page.getByLabel('User name').inputValue()).toBe('')
    expect(await page.getByLabel('Password').inputValue()).toBe('')
    expect(await page.locator('body').innerText()).not.toContain(code)
    // session:signOut reached the backend: the agent's open flow is closed for the next agent (R3).
    expect(await openFlows()).toHaveLength(0)
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'kiosk-locked')

    await signIn()
    expect(await page.getByRole('status').filter({ hasText: lockNotice }).count()).toBe(0)
    // Back on the list, the wizard closed, the caller simulator gone with the flow.
    await visible(page.locator('tbody tr[data-record-id]'))
    expect(await page.getByRole('region', { name: 'Reset password' }).count()).toBe(0)
    expect(await page.getByRole('heading', { level: 1, name: new RegExp(alexRecord) }).count()).toBe(0)
    expect(await page.getByRole('complementary', { name: 'Caller simulator' }).count()).toBe(0)
    expect(await page.getByTestId('sim-inbox').count()).toBe(0)
    expect(await page.locator('body').innerText()).not.toContain(code)
  })

  it('B3 refuses copy, cut and the context menu; "End visit" wipes and says so', async () => {
    await signIn()
    const refused = await page.evaluate(() =>
      ['copy', 'cut', 'contextmenu'].map((type) => {
        const event = type === 'contextmenu' ? new MouseEvent(type, { bubbles: true, cancelable: true }) : new ClipboardEvent(type, { bubbles: true, cancelable: true })
        document.querySelector('main')!.dispatchEvent(event)
        return [type, event.defaultPrevented]
      }),
    )
    expect(refused).toEqual([['copy', true], ['cut', true], ['contextmenu', true]])

    // A real Ctrl+C on selected text leaves nothing to paste: the copy event is cancelled.
    const copied = await page.evaluate(() => {
      let data: string | null = null
      const watch = (e: ClipboardEvent) => {
        data = e.defaultPrevented ? null : 'copied'
      }
      document.addEventListener('copy', watch)
      window.getSelection()!.selectAllChildren(document.body)
      return new Promise<string | null>((resolve) => {
        document.execCommand('copy')
        document.removeEventListener('copy', watch)
        resolve(data)
      })
    })
    expect(copied).toBeNull()

    await page.getByRole('button', { name: 'End visit' }).click()
    await visible(page.getByRole('status').filter({ hasText: 'Visit ended; everything about the last visitor was cleared.' }))
    await visible(page.getByLabel('User name'))
    // Still a kiosk on the sign-in screen.
    expect(await page.evaluate(() => !document.dispatchEvent(new ClipboardEvent('copy', { bubbles: true, cancelable: true })))).toBe(true)
  })
})
