// G1 in the console: a first run of the embedded console (nothing chosen, nothing configured)
// shows the first-run screen, not sign-in; "Connect to your desk" says where the files go on
// this machine; "Try the demo desk" seeds the demo desk, records the choice and shows sign-in
// with the demo accounts; then `desk` signs in on the demo desk. All by keyboard, axe clean (B8).
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext } from '@playwright/test'
import { bridgeInitScript } from './host/server'
import { expect, screenshot, seriousAxeViolations, startHost, test, type BrowserHost, type Page } from './host/fixture'

test.describe('G1 first run: demo or real', () => {
  let browser: Browser
  let host: BrowserHost | undefined
  let context: BrowserContext | undefined
  const pageErrors: string[] = []
  test.beforeAll(async ({ browser: b }) => {
    browser = b
  })
  test.afterEach(async () => {
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
    const focused = () =>
      page.evaluate(
        () =>
          `${document.activeElement?.tagName}: ${document.activeElement?.textContent?.trim() || document.activeElement?.getAttribute('autocomplete')}`,
      )
    await page
      .waitForFunction(
        ([t, n]) =>
          document.activeElement?.tagName === t &&
          (document.activeElement?.textContent?.trim() || document.activeElement?.getAttribute('autocomplete')) === n,
        [tag, name],
        { timeout: 5_000 },
      )
      .catch(() => undefined)
    expect(await focused()).toBe(`${tag}: ${name}`)
  }
  const agents = () => host!.backend.store.db.selectFrom('agents').select('username').execute()

  test('shows the first-run screen, explains connecting, then by keyboard seeds the demo desk where `desk` signs in', async () => {
    host = await startHost({ firstRun: true })
    const page = await open(host)
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to ResetDesk' }).first()).toBeVisible()
    await expect(page.getByLabel('User name')).toHaveCount(0)
    expect(await agents()).toEqual([])
    expect(await seriousAxeViolations(page)).toEqual([])
    await expectFocus(page, 'BUTTON', 'Try the demo desk')
    await screenshot(page, 'first-run-choice')

    // "Connect to your desk": where connectors.json and the remote setting go on this machine.
    await page.keyboard.press('Tab')
    await expectFocus(page, 'BUTTON', 'Connect to your desk')
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { level: 1, name: 'Connect to your desk' }).first()).toBeVisible()
    await expectFocus(page, 'H1', 'Connect to your desk')
    await expect(page.getByTestId('connectors-file')).toHaveText(join(host.dataDir, 'connectors.json'))
    await expect(page.getByText(join(host.dataDir, 'settings.json')).first()).toBeVisible()
    await expect(page.getByText('"mode": "remote"').first()).toBeVisible()
    await expect(page.getByText(/README, section .Connect to your desk./).first()).toBeVisible()
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'first-run-connect')
    await page.keyboard.press('Tab')
    await expectFocus(page, 'BUTTON', 'Back to the choice')
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { level: 1, name: 'Welcome to ResetDesk' }).first()).toBeVisible()
    await expectFocus(page, 'BUTTON', 'Connect to your desk')
    expect(await agents()).toEqual([])

    // "Try the demo desk": seeded into the running backend, the choice recorded, sign-in hinted.
    await page.keyboard.press('Shift+Tab')
    await expectFocus(page, 'BUTTON', 'Try the demo desk')
    await page.keyboard.press('Enter')
    await expect(page.getByLabel('User name').first()).toBeVisible()
    const hints = page.getByRole('region', { name: 'Demo desk accounts' })
    await expect(hints.getByRole('cell', { name: 'desk-demo-2026' }).first()).toBeVisible()
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
    await expect(page.getByText('Signed in as Dana Desk').first()).toBeVisible()
    await expect(page.getByText('Demo desk', { exact: true }).first()).toBeVisible()
    // Signed out, the console still knows it is the demo desk.
    await page.getByRole('button', { name: 'Sign out' }).click()
    await expect(page.getByRole('region', { name: 'Demo desk accounts' }).first()).toBeVisible()
  })

  test('a choice that cannot be saved is a catalogue error, seeds nothing, keeps focus, and can be retried', async () => {
    host = await startHost({ firstRun: true })
    // The agent's own settings.json, broken: main must not overwrite it.
    writeFileSync(join(host.dataDir, 'settings.json'), '{ "kiosk": ')
    const page = await open(host)
    await expectFocus(page, 'BUTTON', 'Try the demo desk')
    await page.keyboard.press('Enter')
    const alert = page.getByRole('alert')
    await expect(alert.getByText('ResetDesk could not save its settings.').first()).toBeVisible()
    await expect(alert).toHaveAttribute('data-code', 'SETTINGS_UNWRITABLE')
    expect(await agents()).toEqual([])
    expect(readFileSync(join(host.dataDir, 'settings.json'), 'utf8')).toBe('{ "kiosk": ')
    await expectFocus(page, 'BUTTON', 'Try the demo desk')
    expect(await seriousAxeViolations(page)).toEqual([])

    rmSync(join(host.dataDir, 'settings.json'))
    await page.keyboard.press('Enter')
    await expect(page.getByRole('region', { name: 'Demo desk accounts' }).first()).toBeVisible()
    expect((await agents()).length).toBeGreaterThan(0)
  })

  test('a real desk shows sign-in with no demo accounts and no first-run choice', async () => {
    // As main answers for connectors or a remote backend (desk-mode's createConsoleOperations).
    host = await startHost({
      operations: (b) => ({
        ...b.ops,
        'console:settings': async () => ({ kiosk: { enabled: false, idleMinutes: 3 }, desk: { mode: 'real' } }),
      }),
    })
    const page = await open(host)
    await expect(page.getByLabel('User name').first()).toBeVisible()
    await expect(page.getByRole('region', { name: 'Demo desk accounts' })).toHaveCount(0)
    await expect(page.getByRole('button', { name: 'Try the demo desk' })).toHaveCount(0)
    expect(await seriousAxeViolations(page)).toEqual([])
  })
})
