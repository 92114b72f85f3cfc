// G4 / G7: the question catalogue pane in Chromium, mounted on its own (the Administration area
// that will host it is another slice): an admin edits the catalogue with errors shown in place by
// the backend's own zod schema, saves, and sees it in force; a non-admin gets the catalogue
// refusal. axe clean. The page talks to the same router main uses, as the console host does.
import { createServer, type IncomingMessage } from 'node:http'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import { build } from 'vite'
import react from '@vitejs/plugin-react'
import type { Browser, Page } from '@playwright/test'
import { expect, seriousAxeViolations, startHost, test } from './host/fixture'
import { bridgeInitScript, type BrowserHost } from './host/server'
import { contentSecurityPolicy } from '../../electron/main/csp'
import type { Session } from '../../electron/backend/operations'

const root = resolve(import.meta.dirname, '../..')
const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

test.describe('G4 question catalogue pane in Chromium', () => {
  let outDir: string
  let browser: Browser
  let host: BrowserHost
  let url: string
  let close: () => Promise<void>

  test.beforeAll(async ({ browser: b }) => {
    outDir = await mkdtemp(join(tmpdir(), 'resetdesk-pane-'))
    await build({ root: join(root, 'test/e2e/admin-pane'), logLevel: 'silent', plugins: [react()], build: { outDir, emptyOutDir: true } })
    host = await startHost()
    const sessions = new Map<string, Session>()
    const server = createServer((req, res) => {
      void (async () => {
        const path = new URL(req.url ?? '/', 'http://x').pathname
        if (req.method === 'POST' && path === '/ipc') {
          const token = String(req.headers['x-resetdesk-session'] ?? '')
          if (!sessions.has(token)) sessions.set(token, { agentId: null })
          const { channel, input } = JSON.parse(await body(req)) as { channel: unknown; input: unknown }
          // The router checks the sender's origin: this page stands in for the console's origin.
          const result = await host.handle(channel, input, { frameUrl: host.url, isMainFrame: true }, sessions.get(token)!)
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(result))
          return
        }
        if (path === '/favicon.ico') return void res.writeHead(204).end()
        // axe-core from the same origin, as the console host serves it, so the CSP stays strict.
        const axe = join(root, 'node_modules/axe-core/axe.min.js')
        const file = path === '/__test/axe.min.js' ? axe : normalize(join(outDir, path === '/' ? 'index.html' : path))
        if (file !== axe && !file.startsWith(outDir + sep)) return void res.writeHead(404).end()
        const content = await readFile(file).catch(() => null)
        if (!content) return void res.writeHead(404).end()
        res
          .writeHead(200, {
            'content-type': types[extname(file)] ?? 'application/octet-stream',
            'content-security-policy': contentSecurityPolicy,
          })
          .end(content)
      })().catch(() => res.writeHead(500).end())
    })
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    close = () => new Promise<void>((ok) => server.close(() => ok()))
    browser = b
  })
  test.afterAll(async () => {
    await close?.()
    await host?.close()
    if (outDir) await rm(outDir, { recursive: true, force: true })
  })

  /** The pane for an agent: the bridge injected and the agent signed in through it. */
  async function paneAs(username: string, password: string): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext()
    const token = host.newSessionToken()
    await context.addInitScript({ content: bridgeInitScript(token) })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    await page.goto(`${url}/`)
    await page.evaluate(
      async ([u, p]) =>
        (window as unknown as { resetDesk: { invoke(c: string, i: unknown): Promise<unknown> } }).resetDesk.invoke('session:signIn', {
          username: u,
          password: p,
        }),
      [username, password],
    )
    await page.reload()
    return { page, errors }
  }

  test('G7 an admin adds, edits and deactivates questions with errors in place, and saves', async () => {
    const { page, errors } = await paneAs('admin', 'admin-demo-2026')
    await expect(page.getByRole('heading', { name: 'Security questions' }).first()).toBeVisible()
    await expect(page.getByLabel('Question 1', { exact: true })).toHaveValue('What was the name of your first pet?')
    expect(await page.getByText(/Answered by \d+ users?\./).count()).toBeGreaterThan(0)
    expect(await seriousAxeViolations(page)).toEqual([])

    // A new question too short, and the first question duplicated: both refused in place.
    await page.getByRole('button', { name: 'Add a question' }).click()
    const rows = await page.getByRole('listitem').count()
    const added = page.getByLabel(`Question ${rows}`, { exact: true })
    expect(await added.evaluate((el) => el === document.activeElement)).toBe(true) // focus moves to the new field
    await added.fill('Hm?')
    await page.getByRole('button', { name: 'Save questions' }).click()
    await expect(page.getByRole('alert').filter({ hasText: 'At least 5 characters.' }).first()).toBeVisible()
    await expect(added).toHaveAttribute('aria-invalid', 'true')
    await added.fill('what was the name of your FIRST pet?')
    await page.getByRole('button', { name: 'Save questions' }).click()
    await expect(page.getByRole('alert').filter({ hasText: 'This question is already in the catalogue.' }).first()).toBeVisible()

    await added.fill('Which street did you grow up on?')
    // Deactivate the first question (answered by users: it has no Remove button).
    const first = page.getByRole('listitem').first()
    await expect(first.getByRole('button', { name: /Remove/ })).toHaveCount(0)
    await first.getByRole('checkbox').uncheck()
    await page.getByLabel('Questions each user must answer').fill('2')
    await page.keyboard.press('Enter') // keyboard first: Enter in a field submits the form
    await expect(page.getByRole('status').filter({ hasText: 'Saved.' }).first()).toBeVisible()

    const saved = await host.backend.store.db.selectFrom('security_questions').select(['text', 'active']).orderBy('position').execute()
    expect(saved[0]).toEqual({ text: 'What was the name of your first pet?', active: 0 })
    expect(saved.some((q) => q.text === 'Which street did you grow up on?' && q.active === 1)).toBe(true)
    const audit = await host.backend.store.db
      .selectFrom('audit')
      .select(['action', 'agent_id'])
      .where('action', '=', 'admin.questions.save')
      .execute()
    expect(audit).toEqual([{ action: 'admin.questions.save', agent_id: 'agent-admin' }])
    expect(await seriousAxeViolations(page)).toEqual([])
    expect(errors).toEqual([])
    await page.context().close()
  })

  test('G7 a non-admin sees the catalogue refusal, not the catalogue', async () => {
    const { page } = await paneAs('desk', 'desk-demo-2026')
    await expect(page.getByText('Your role does not allow this action.').first()).toBeVisible()
    await expect(page.getByRole('button', { name: 'Save questions' })).toHaveCount(0)
    await page.context().close()
  })
})
