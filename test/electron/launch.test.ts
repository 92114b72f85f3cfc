// The real Electron app (issue 13), launched by Playwright's _electron: window hardening, the
// preload, the router's sender check, the app:// handler, kiosk and the keychain — what only
// Electron can run. `npm run test:electron`; skipped loudly (not counted) without the binary.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { _electron, type ElectronApplication, type Page } from 'playwright-core'
import { afterEach, describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '../..')
const executablePath = process.env.RESETDESK_ELECTRON_BINARY
let app: ElectronApplication | null = null
let dataDir: string | null = null

async function launch(settings?: object): Promise<{ app: ElectronApplication; page: Page }> {
  dataDir = mkdtempSync(join(tmpdir(), 'resetdesk-electron-'))
  if (settings) writeFileSync(join(dataDir, 'settings.json'), JSON.stringify(settings))
  app = await _electron.launch({ executablePath, args: [root], cwd: root, env: { ...process.env, RESETDESK_DATA_DIR: dataDir } })
  const page = await app.firstWindow()
  await page.waitForLoadState('domcontentloaded')
  return { app, page }
}

/** From a fresh data folder to the demo desk, signed in as `desk`, as a first-time user goes. */
async function signInOnDemoDesk(page: Page) {
  const demo = page.getByRole('button', { name: /Try the demo desk/ })
  const userName = page.getByLabel('User name')
  await Promise.race([demo.waitFor({ timeout: 20_000 }), userName.waitFor({ timeout: 20_000 })])
  if (await demo.isVisible()) await demo.click()
  await userName.fill('desk')
  await page.getByLabel('Password').fill('desk-demo-2026')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByText(/Signed in as/).waitFor({ timeout: 20_000 })
}

afterEach(async () => {
  await app?.close().catch(() => undefined)
  app = null
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  dataDir = null
})

describe('the Electron app', () => {
  it('opens its window on app://resetdesk and reaches the demo desk', async () => {
    const { page } = await launch()
    expect(page.url()).toBe('app://resetdesk/index.html')
    await signInOnDemoDesk(page)
    await page.getByRole('heading', { level: 1, name: 'Incidents' }).waitFor()
  })

  it('runs the renderer sandboxed and isolated, with no Node and only the bridge', async () => {
    const { page } = await launch()
    // Sandboxed and isolated: the page has neither Node's require nor process, and of the
    // preload's world it sees only what contextBridge exposed.
    const seen = await page.evaluate(() => ({
      require: typeof (globalThis as { require?: unknown }).require,
      process: typeof (globalThis as { process?: unknown }).process,
      bridge: Object.keys((window as unknown as { resetDesk: object }).resetDesk),
    }))
    expect(seen).toEqual({ require: 'undefined', process: 'undefined', bridge: ['invoke'] })
    // The strict CSP arrives as a header from the app:// handler.
    const csp = await page.evaluate(async () => (await fetch('/index.html')).headers.get('content-security-policy'))
    expect(csp).toContain("default-src 'none'")
  })

  it('refuses navigation and window.open', async () => {
    const { app, page } = await launch()
    await signInOnDemoDesk(page)
    const opened = await page.evaluate(() => window.open('https://example.com') === null)
    expect(opened).toBe(true)
    await page.evaluate(() => {
      location.href = 'https://example.com/'
    })
    await page.waitForTimeout(1000)
    expect(page.url().startsWith('app://resetdesk/')).toBe(true)
    expect(app.windows()).toHaveLength(1)
  })

  it('refuses a call from a frame that is not the console (forged sender)', async () => {
    const { app } = await launch()
    const answer = await app.evaluate(
      async ({ BrowserWindow }, preload) => {
        const w = new BrowserWindow({ show: false, webPreferences: { preload, sandbox: true, contextIsolation: true } })
        await w.loadURL('about:blank')
        const result = await w.webContents.executeJavaScript("window.resetDesk.invoke('session:current', {})")
        w.destroy()
        return result as { ok: boolean; error?: { code: string } }
      },
      join(root, 'out/preload/index.cjs'),
    )
    expect(answer.ok).toBe(false)
    expect(answer.error?.code).toBe('FORBIDDEN_SENDER')
  })

  it('opens a kiosk window when the settings ask for one', async () => {
    const { app, page } = await launch({ kiosk: { enabled: true, idleMinutes: 3 } })
    const state = await app.evaluate(async ({ BrowserWindow, Menu }) => {
      const w = BrowserWindow.getAllWindows()[0]!
      w.webContents.openDevTools() // refused: devTools are off in a kiosk window
      await new Promise((ok) => setTimeout(ok, 500))
      return { kiosk: w.isKiosk(), noMenu: Menu.getApplicationMenu() === null, devTools: w.webContents.isDevToolsOpened() }
    })
    expect(state).toEqual({ kiosk: true, noMenu: true, devTools: false })
    await signInOnDemoDesk(page)
    await page.getByRole('button', { name: 'End visit' }).waitFor()
  })

  it('keeps the embedded backend secret in the OS keychain from main (keytar)', async () => {
    const { page } = await launch()
    await signInOnDemoDesk(page)
    const keytar = (await import('keytar')).default
    const secret = await keytar.getPassword('ResetDesk', 'backend-secret')
    expect(secret).toMatch(/^[A-Za-z0-9+/=]{43,}$/)
  })
})
