// G1 in the console: a first run of the embedded console (nothing chosen, nothing configured)
// shows the first-run screen, not sign-in; "Connect to your desk" says where the files go on
// this machine; "Try the demo desk" seeds the demo desk, records the choice and shows sign-in
// with the demo accounts; then `desk` signs in on the demo desk. All by keyboard, axe clean (B8).
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Browser, BrowserContext } from 'playwright-core'
import { bridgeInitScript } from './host/server'
import { e2eMissingReason, launchBrowser, screenshot, seriousAxeViolations, startHost, visible, type BrowserHost, type Page } from './host/fixture'

const missing = e2eMissingReason()

describe.skipIf(missing)('G1 first run: demo or real', () => {
  let browser: Browser
  let host: BrowserHost | undefined
  let context: BrowserContext | undefined
  const pageErrors: string[] = []
  beforeAll(async () => {
    browser = await launchBrowser()
  })
  afterAll(() => browser?.close())
  afterEach(async () => {
    await context?.close()
    await host?.close()
    expect(pageErrors).toEqual([])
    pageErrors.length = 0
  })

  async function open(h: BrowserHost): Promise<Page> {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.addInitScript({ content: bridgeInitScript(h.newSessionToken()) })
    const page = await context.newPage()
    page.on('pageerror', (e) => pageErrors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()))
    await page.goto(h.url)
    return page
  }
  /** Waits until the focused element is this tag with this text (or label); fails the test on timeout. */
  const expectFocus = async (page: Page, tag: string, name: string) => {
    const focused = () => page.evaluate(() => `${document.activeElement?.tagName}: ${document.activeElement?.textContent?.trim() || document.activeElement?.getAttribute('autocomplete')}`)
    await page.waitForFunction(([t, n]) => document.activeElement?.tagName === t && (document.activeElement?.textContent?.trim() || document.activeElement?.getAttribute('autocomplete')) === n, [tag, name], { timeout: 5_000 }).catch(() => undefined)
    expect(await focused()).toBe(`${tag}: ${name}`)
  }
  const agents = () => host!.backend.store.db.selectFrom('agents').select('username').execute()

  it('shows the first-run screen, explains connecting, then by keyboard seeds the demo desk where `desk` signs in', async () => {
    host = await startHost({ firstRun: true })
    const page = await open(host)
    await visible(page.getByRole('heading', { level: 1, name: 'Welcome to ResetDesk' }))
    expect(await page.getByLabel('User name').count()).toBe(0)
    expect(await agents()).toEqual([])
    expect(await seriousAxeViolations(page)).toEqual([])
    await expectFocus(page, 'BUTTON', 'Try the demo desk')
    await screenshot(page, 'first-run-choice')

    // "Connect to your desk": where connectors.json and the remote setting go on this machine.
    await page.keyboard.press('Tab')
    await expectFocus(page, 'BUTTON', 'Connect to your desk')
    await page.keyboard.press('Enter')
    await visible(page.getByRole('heading', { level: 1, name: 'Connect to your desk' }))
    await expectFocus(page, 'H1', 'Connect to your desk')
    expect(await page.getByTestId('connectors-file').innerText()).toBe(join(host.dataDir, 'connectors.json'))
    await visible(page.getByText(join(host.dataDir, 'settings.json')))
    await visible(page.getByText('"mode": "remote"'))
    await visible(page.getByText(/README, section .Connect to your desk./))
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'first-run-connect')
    await page.keyboard.press('Tab')
    await expectFocus(page, 'BUTTON', 'Back to the choice')
    await page.keyboard.press('Enter')
    await visible(page.getByRole('heading', { level: 1, name: 'Welcome to ResetDesk' }))
    await expectFocus(page, 'BUTTON', 'Connect to your desk')
    expect(await agents()).toEqual([])

    // "Try the demo desk": seeded into the running backend, the choice recorded, sign-in hinted.
    await page.keyboard.press('Shift+Tab')
    await expectFocus(page, 'BUTTON', 'Try the demo desk')
    await page.keyboard.press('Enter')
    await visible(page.getByLabel('User name'))
    const hints = page.getByRole('region', { name: 'Demo desk accounts' })
    await visible(hints.getByRole('cell', { name: 'desk-demo-2026' }))
    expect(JSON.parse(readFileSync(join(host.dataDir, 'settings.json'), 'utf8'))).toEqual({ desk: 'demo' })
    expect((await agents()).map((a) => a.username)).toEqual(expect.arrayContaining(['desk', 'admin', 'super', 'viewer']))
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'first-run-demo-signin')

    // Sign in as `desk` by keyboard: the user name field has focus.
    await expectFocus(page, 'INPUT', 'username')
    await page.keyboard.type('desk')
    await page.keyboard.press('Tab')
    await page.keyboard.type('desk-demo-2026')
    await page.keyboard.press('Enter')
    await visible(page.getByText('Signed in as Dana Desk'))
    await visible(page.getByText('Demo desk', { exact: true }))
    // Signed out, the console still knows it is the demo desk.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await visible(page.getByRole('region', { name: 'Demo desk accounts' }))
  })

  it('a choice that cannot be saved is a catalogue error, seeds nothing, keeps focus, and can be retried', async () => {
    host = await startHost({ firstRun: true })
    // The agent's own settings.json, broken: main must not overwrite it.
    writeFileSync(join(host.dataDir, 'settings.json'), '{ "kiosk": ')
    const page = await open(host)
    await expectFocus(page, 'BUTTON', 'Try the demo desk')
    await page.keyboard.press('Enter')
    const alert = page.getByRole('alert')
    await visible(alert.getByText('ResetDesk could not save its settings.'))
    expect(await alert.getAttribute('data-code')).toBe('SETTINGS_UNWRITABLE')
    expect(await agents()).toEqual([])
    expect(readFileSync(join(host.dataDir, 'settings.json'), 'utf8')).toBe('{ "kiosk": ')
    await expectFocus(page, 'BUTTON', 'Try the demo desk')
    expect(await seriousAxeViolations(page)).toEqual([])

    rmSync(join(host.dataDir, 'settings.json'))
    await page.keyboard.press('Enter')
    await visible(page.getByRole('region', { name: 'Demo desk accounts' }))
    expect((await agents()).length).toBeGreaterThan(0)
  })

  it('a real desk shows sign-in with no demo accounts and no first-run choice', async () => {
    // As main answers for connectors or a remote backend (desk-mode's createConsoleOperations).
    host = await startHost({ operations: (b) => ({ ...b.ops, 'console:settings': async () => ({ kiosk: { enabled: false, idleMinutes: 3 }, desk: { mode: 'real' } }) }) })
    const page = await open(host)
    await visible(page.getByLabel('User name'))
    expect(await page.getByRole('region', { name: 'Demo desk accounts' }).count()).toBe(0)
    expect(await page.getByRole('button', { name: 'Try the demo desk' }).count()).toBe(0)
    expect(await seriousAxeViolations(page)).toEqual([])
  })
})
