// Shared E2E plumbing for @playwright/test: Debian's Chromium (playwright.config.ts), a fresh
// host (backend and data folder) per test, the agent's console signed in by hand, and the steps an
// agent takes by hand. Tests import `test` and `expect` from here.
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { test as base, expect, type Browser, type BrowserContext, type Page } from '@playwright/test'
import { bridgeInitScript, startHost, type BrowserHost, type HostOptions } from './server'

const root = resolve(import.meta.dirname, '../../..')
export const resultsDir = join(root, 'test-results')

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

const defaultViewport = { width: 1440, height: 900 }

/**
 * A console window on a host at the sign-in screen: the bridge injected, page errors collected.
 * `fakeClock`: Playwright's fake timers from the first script on (time flows until the test moves it).
 */
export async function openWindow(
  browser: Browser,
  host: BrowserHost,
  { viewport = defaultViewport, fakeClock = false }: { viewport?: { width: number; height: number }; fakeClock?: boolean } = {},
): Promise<Console> {
  const context = await browser.newContext({ viewport })
  await context.addInitScript({ content: bridgeInitScript(host.newSessionToken()) })
  const page = await context.newPage()
  const pageErrors: string[] = []
  page.on('pageerror', (e) => pageErrors.push(e.message))
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()))
  if (fakeClock) await page.clock.install()
  await page.goto(host.url)
  return { host, context, page, pageErrors }
}

/** Signs an agent in by hand on the sign-in screen. */
export async function signIn(page: Page, username: string) {
  await page.getByLabel('User name').fill(username)
  await page.getByLabel('Password').fill(demoPasswords[username]!)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByText(/Signed in as/)).toBeVisible()
}

/** A console window for one agent on a host: the bridge injected, the agent signed in by hand. */
export async function openConsole(browser: Browser, host: BrowserHost, username: string, viewport = defaultViewport): Promise<Console> {
  const c = await openWindow(browser, host, { viewport })
  await signIn(c.page, username)
  return c
}

/** B7: a host that answers console:settings as main does on a kiosk machine (test.use({ hostOptions: kioskHost() })). */
export const kioskHost = (idleMinutes = 1): HostOptions => ({
  operations: (backend) => ({ ...backend.ops, 'console:settings': async () => ({ kiosk: { enabled: true, idleMinutes } }) }),
})

interface ConsoleFixtures {
  /** Who signs in to `page` (test.use({ agent: 'super' })). */
  agent: string
  /** Whether `agent` is signed in before the test starts; false: `page` waits at the sign-in screen. */
  signedIn: boolean
  /** Playwright's fake timers in `page` from its first script on (test.use({ fakeClock: true })). */
  fakeClock: boolean
  /** How the test's host starts (test.use({ hostOptions: { firstRun: true } })). */
  hostOptions: HostOptions
  /** A fresh host (backend, data folder) for this test. */
  host: BrowserHost
  /** The agent's console on `host` (signed in unless `signedIn` is false); after the test it must have logged no page error. */
  page: Page
  /** Skips every test, loudly, where the global setup found no Chromium or no built renderer. */
  e2eReady: void
}

export const test = base.extend<ConsoleFixtures>({
  e2eReady: [
    async ({}, use, testInfo) => {
      const missing = process.env.RESETDESK_E2E_MISSING
      testInfo.skip(!!missing, missing)
      await use()
    },
    { auto: true },
  ],
  agent: ['desk', { option: true }],
  signedIn: [true, { option: true }],
  fakeClock: [false, { option: true }],
  hostOptions: [{}, { option: true }],
  host: async ({ hostOptions }, use) => {
    const host = await startHost(hostOptions)
    await use(host)
    await host.close()
  },
  // Playwright's own `viewport` option sizes the window (test.use({ viewport: { width: 1366, height: 768 } })).
  page: async ({ browser, host, agent, signedIn, fakeClock, viewport }, use) => {
    const c = await openWindow(browser, host, { viewport: viewport ?? defaultViewport, fakeClock })
    if (signedIn) await signIn(c.page, agent)
    await use(c.page)
    await c.context.close()
    expect(c.pageErrors, 'the console logged page errors').toEqual([])
  },
})

export { expect, startHost }
export type { BrowserHost, Page }

/** Opens a record from a list by searching for it, as an agent would. */
export async function openRecord(
  page: Page,
  number: string,
  opts: { kind?: 'Incidents' | 'Interactions'; filter?: 'Assigned to me' | 'My groups' | 'All open' } = {},
) {
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('button', { name: opts.kind ?? 'Incidents' })
    .click()
  if (opts.filter) await page.getByRole('radio', { name: opts.filter }).check()
  await page.getByLabel('Search').fill(number)
  await page.getByRole('button', { name: number, exact: true }).click()
  await expect(page.getByRole('heading', { level: 1, name: new RegExp(number) })).toBeVisible()
}

export async function startWizard(page: Page) {
  await page.getByRole('button', { name: 'More actions' }).click()
  await page.getByRole('menuitem', { name: 'Reset password' }).click()
  await expect(page.getByRole('heading', { name: 'Identify the user' })).toBeVisible()
}

/** R3: the Identify step's user drop-down (a combobox, the record's caller preselected). */
export const userPicker = (page: Page) => page.getByRole('combobox', { name: 'User' })

/** Identify: types `query` into the user drop-down and picks the option whose name matches. */
export async function chooseUser(page: Page, query: string, name: string | RegExp) {
  await userPicker(page).fill(query)
  await page.getByRole('option', { name }).click()
  await expect(userPicker(page)).not.toHaveValue(query)
}

/** Identify with the default user (the caller) and the named process, then continue. */
export async function identify(page: Page, processName = 'Standard password reset') {
  await page.getByRole('radio', { name: processName }).check()
  await page.getByRole('button', { name: 'Continue to verify' }).click()
  await expect(page.getByRole('heading', { name: /^Verify / })).toBeVisible()
}

/** R5: Verify shows one method at a time: pick the method's tab, then its card. */
export async function methodCard(page: Page, title: string) {
  await page.getByRole('tab', { name: title }).click()
  const card = page.getByRole('region', { name: title, exact: true })
  await expect(card).toBeVisible()
  return card
}

/** The newest code on the caller simulator's inbox or phone, read as the caller would. */
export async function readCode(page: Page, where: 'inbox' | 'phone'): Promise<string> {
  const list = page.getByTestId(`sim-${where}`)
  await expect(list.locator('li').first()).toBeVisible()
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
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: Document,
            opts: object,
          ) => Promise<{ violations: { id: string; impact: string | null; nodes: { target: unknown[] }[] }[] }>
        }
      }
    ).axe
    const r = await axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v) => ({ id: v.id, impact: v.impact ?? '', nodes: v.nodes.map((n) => JSON.stringify(n.target)) }))
  })
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
}
