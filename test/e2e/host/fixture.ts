// Shared E2E plumbing: Debian's Chromium through playwright-core, one browser per test file,
// one fresh host (backend + data folder) per test, and the steps an agent takes by hand.
import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll, beforeEach, expect } from 'vitest'
import { bridgeInitScript, startHost, type BrowserHost } from './server'

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const root = resolve(import.meta.dirname, '../../..')
export const resultsDir = join(root, 'test-results')

/** Why the E2E suite cannot run here, or null. Under CI=true a missing browser or build fails the run. */
export function e2eMissingReason(): string | null {
  let reason: string | null = null
  if (!existsSync(chromiumPath)) reason = `Chromium not found at ${chromiumPath} (apt-get install chromium)`
  else if (!existsSync(join(root, 'out/renderer/index.html'))) reason = 'the renderer is not built (run `npx electron-vite build`)'
  if (reason && process.env.CI === 'true') throw new Error(`CI=true and ${reason}`)
  if (reason) console.warn(`\n*** SKIPPING E2E tests: ${reason} ***\n`)
  return reason
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

export const demoPasswords: Record<string, string> = {
  desk: 'desk-demo-2026',
  admin: 'admin-demo-2026',
  super: 'super-demo-2026',
  viewer: 'viewer-demo-2026',
}

export interface Console {
  host: BrowserHost
  context: BrowserContext
  page: Page
  pageErrors: string[]
}

/** A console window for one agent on a host: the bridge injected, the agent signed in by hand. */
export async function openConsole(browser: Browser, host: BrowserHost, username: string): Promise<Console> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } })
  await context.addInitScript({ content: bridgeInitScript(host.newSessionToken()) })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()))
  await page.goto(host.url)
  await page.getByLabel('User name').fill(username)
  await page.getByLabel('Password').fill(demoPasswords[username]!)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await visible(page.getByText(/Signed in as/))
  return { host, context, page, pageErrors }
}

/**
 * Registers, in the calling describe block: one browser for the file, and for each test a fresh
 * host (backend and data folder) with the agent's console open; after each test the console must
 * have logged no page error. Read `host` and `page` from the returned object inside tests.
 */
export function consolePerTest(username = 'desk'): { host: BrowserHost; page: Page } {
  const current = {} as { browser: Browser; host: BrowserHost; page: Page; pageErrors: string[] }
  beforeAll(async () => {
    current.browser = await launchBrowser()
  })
  afterAll(() => current.browser?.close())
  beforeEach(async () => {
    current.host = await startHost()
    const c = await openConsole(current.browser, current.host, username)
    current.page = c.page
    current.pageErrors = c.pageErrors
  })
  afterEach(async () => {
    await current.page?.context().close()
    await current.host?.close()
    expect(current.pageErrors).toEqual([])
  })
  return current
}

export { startHost }
export type { BrowserHost, Page }

/** playwright-core has no expect(): wait for the element to be visible (fails the test on timeout). */
export function visible(locator: Locator, timeout = 10_000): Promise<void> {
  return locator.first().waitFor({ state: 'visible', timeout })
}

/** Opens a record from a list by searching for it, as an agent would. */
export async function openRecord(page: Page, number: string, opts: { kind?: 'Incidents' | 'Interactions'; filter?: 'Assigned to me' | 'My groups' | 'All open' } = {}) {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: opts.kind ?? 'Incidents' }).click()
  if (opts.filter) await page.getByRole('radio', { name: opts.filter }).check()
  await page.getByLabel('Search').fill(number)
  await page.getByRole('button', { name: number, exact: true }).click()
  await visible(page.getByRole('heading', { level: 1, name: new RegExp(number) }))
}

export async function startWizard(page: Page) {
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Reset password' }).click()
  await visible(page.getByRole('heading', { name: 'Identify the user' }))
}

/** R3: the Identify step's user drop-down (a combobox, the record's caller preselected). */
export const userPicker = (page: Page) => page.getByRole('combobox', { name: 'User' })

/** The user chosen at Identify, as the drop-down shows it. */
export const selectedUser = (page: Page) => userPicker(page).inputValue()

/** Identify: types `query` into the user drop-down and picks the option whose name matches. */
export async function chooseUser(page: Page, query: string, name: string | RegExp) {
  await userPicker(page).fill(query)
  const option = page.getByRole('option', { name })
  await visible(option)
  await option.click()
}

/** Identify with the default user (the caller) and the named process, then continue. */
export async function identify(page: Page, processName = 'Standard password reset') {
  await page.getByRole('radio', { name: processName }).check()
  await page.getByRole('button', { name: 'Continue to verify' }).click()
  await visible(page.getByRole('heading', { name: /^Verify / }))
}

/** R5: Verify shows one method at a time: pick the method's tab, then its card. */
export async function methodCard(page: Page, title: string) {
  await page.getByRole('tab', { name: title }).click()
  const card = page.getByRole('region', { name: title, exact: true })
  await visible(card)
  return card
}

/** The newest code on the caller simulator's inbox or phone, read as the caller would. */
export async function readCode(page: Page, where: 'inbox' | 'phone'): Promise<string> {
  const list = page.getByTestId(`sim-${where}`)
  await visible(list.locator('li').first())
  const text = await list.locator('li .body').first().innerText()
  const code = text.match(/\b(\d{6,12})\b/)?.[1]
  if (!code) throw new Error(`no code on the caller's ${where}`)
  return code
}

export async function screenshot(page: Page, name: string) {
  await mkdir(resultsDir, { recursive: true })
  await page.screenshot({ path: join(resultsDir, `${name}.png`), fullPage: true })
}

/** axe-core served from the host's origin (the page's CSP stays strict); serious and critical only. */
export async function seriousAxeViolations(page: Page): Promise<{ id: string; impact: string; nodes: string[] }[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ url: '/__test/axe.min.js' })
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }> } }).axe
    const r = await axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', nodes: v.nodes.map((n) => JSON.stringify(n.target)) }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}
