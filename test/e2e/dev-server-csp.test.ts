// `npm run dev` (issue 13): the renderer served by Vite's dev server runs under the dev CSP —
// its inline preamble allowed by hash, the HMR socket by origin — and nothing is refused; the
// production build keeps the strict policy.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { createServer, type ViteDevServer } from 'vite'
import type { Browser } from '@playwright/test'
import config from '../../electron.vite.config'
import { contentSecurityPolicy } from '../../electron/main/csp'
import { expect, test } from './host/fixture'

const root = resolve(import.meta.dirname, '../..')
const cspOf = (html: string) => html.match(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/)?.[1] ?? null

test.describe('npm run dev: the dev server under its own CSP', () => {
  let server: ViteDevServer
  let browser: Browser
  test.beforeAll(async ({ browser: b }) => {
    const renderer = (config as { renderer: Record<string, unknown> }).renderer
    server = await createServer({
      ...renderer,
      configFile: false,
      logLevel: 'silent',
      server: { host: '127.0.0.1', port: 0, strictPort: false },
    })
    await server.listen()
    browser = b
  })
  test.afterAll(async () => {
    await server?.close()
  })

  test('allows exactly the inline scripts by hash and the HMR socket, and the console mounts with no CSP refusal', async () => {
    const url = server.resolvedUrls!.local[0]!
    const html = await (await fetch(url)).text()
    const csp = cspOf(html)!
    expect(csp).toMatch(/script-src 'self'( 'sha256-[A-Za-z0-9+/=]+')+;/)
    expect(csp).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/)
    expect(csp).toContain(`connect-src 'self' ${new URL(url).origin.replace('http', 'ws')}`)
    expect(csp).toContain("default-src 'none'")

    const page = await browser.newPage()
    const refusals: string[] = []
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && refusals.push(m.text()))
    await page.goto(url)
    // React mounted (it shows its loading or error state: no bridge is injected here).
    await page.waitForFunction(() => (document.querySelector('#root')?.childElementCount ?? 0) > 0, undefined, { timeout: 15_000 })
    expect(refusals).toEqual([])
    await page.close()
  })

  test('leaves the production build on the strict policy', () => {
    const built = readFileSync(join(root, 'out/renderer/index.html'), 'utf8')
    const strict = contentSecurityPolicy.replace("; frame-ancestors 'none'", '')
    expect(cspOf(built)).toBe(strict)
  })
})
