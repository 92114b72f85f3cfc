// The E2E browser host: serves the built renderer and answers POST /ipc through the SAME router
// main uses (createRouter over the backend's operations), on a fresh SQLite file in a temp
// folder with the demo desk (or, with `firstRun`, as a first run of the embedded console). The page
// gets window.resetDesk from bridgeInitScript().
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { extname, join, normalize, resolve, sep } from 'node:path'
import type { AddressInfo } from 'node:net'
import { createBackend, type Backend, type BackendConfig } from '../../../electron/backend/index'
import type { Operations, Session } from '../../../electron/backend/operations'
import { createRouter, type Handle } from '../../../electron/main/ipc/router'
import { contentSecurityPolicy } from '../../../electron/main/csp'
import { createConsoleOperations, deskPaths, openEmbeddedDesk } from '../../../electron/main/desk-mode'
import { MemorySecretStore } from '../../../electron/main/secrets/secret-store'
import { ordinaryConsoleSettings } from '../../../shared/ipc/contract'

const root = resolve(import.meta.dirname, '../../..')
const rendererDir = join(root, 'out/renderer')
const axePath = join(root, 'node_modules/axe-core/axe.min.js')

/** A clock the test can move (resend pauses, rolling windows) without waiting. */
export class HostClock {
  private offsetMs = 0
  now = () => new Date(Date.now() + this.offsetMs)
  advance(ms: number) {
    this.offsetMs += ms
  }
}

export interface BrowserHost {
  url: string
  backend: Backend
  clock: HostClock
  handle: Handle
  logLines: string[]
  /** The host's data folder (settings.json, the store), as main's userData. */
  dataDir: string
  /** A session token for one browser context (one console window). */
  newSessionToken(): string
  close(): Promise<void>
}

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
}

async function readBody(req: IncomingMessage, limit = 64 * 1024): Promise<string> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > limit) throw new Error('body too large')
    chunks.push(chunk as Buffer)
  }
  return Buffer.concat(chunks).toString('utf8')
}

export interface HostOptions {
  /** Connectors and settings for the host's backend (e.g. an LDAP store, an SMTP notifier). */
  backend?: Partial<BackendConfig>
  /** The operations the router serves; default the embedded backend's (remote mode: a client). */
  operations?: (backend: Backend) => Operations
  /**
   * G1: start as main does on a first run of the embedded console (nothing chosen, nothing
   * configured): no demo seed, and main's console channels (first-run screen, the choice).
   */
  firstRun?: boolean
}

export async function startHost(options: HostOptions = {}): Promise<BrowserHost> {
  const dir = await mkdtemp(join(tmpdir(), 'resetdesk-e2e-'))
  const clock = new HostClock()
  const logLines: string[] = []
  const log = {
    info: (event: string, fields?: Record<string, unknown>) => void logLines.push(JSON.stringify({ event, ...fields })),
    error: (event: string, fields?: Record<string, unknown>) => void logLines.push(JSON.stringify({ level: 'error', event, ...fields })),
  }
  const backend = options.firstRun
    ? await openEmbeddedDesk({
        desk: { mode: 'first-run' },
        dataDir: dir,
        secrets: new MemorySecretStore(),
        backend: { hashCost: { N: 1024 }, now: clock.now, log, ...options.backend },
      })
    : await createBackend({
        store: { kind: 'sqlite', file: join(dir, 'resetdesk.sqlite') },
        demo: true,
        hashCost: { N: 1024 },
        now: clock.now,
        log,
        ...options.backend,
      })
  const sessions = new Map<string, Session>()
  let handle: Handle = async () => {
    throw new Error('host not listening yet')
  }
  let tokenSeq = 0

  const server = createServer((req, res) => {
    void serve(req, res).catch(() => {
      res.statusCode = 500
      res.end()
    })
  })

  async function serve(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (req.method === 'POST' && url.pathname === '/ipc') {
      const token = String(req.headers['x-resetdesk-session'] ?? '')
      const session = sessions.get(token)
      let body: { channel?: unknown; input?: unknown } = {}
      try {
        body = JSON.parse(await readBody(req)) as typeof body
      } catch {
        body = {}
      }
      // As Electron's senderFrame: the page's origin, always the main frame (no sub-frames here).
      const sender = { frameUrl: String(req.headers.origin ?? ''), isMainFrame: true }
      const result = await handle(body.channel, body.input, sender, session ?? { agentId: null })
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' })
      res.end(JSON.stringify(result))
      return
    }
    if (req.method !== 'GET') {
      res.statusCode = 405
      res.end()
      return
    }
    // Test-only: axe-core from the same origin, so the page's CSP stays strict during the check.
    const file =
      url.pathname === '/__test/axe.min.js'
        ? axePath
        : normalize(join(rendererDir, url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname)))
    if (file !== axePath && !file.startsWith(rendererDir + sep)) {
      res.statusCode = 404
      res.end()
      return
    }
    try {
      const content = await readFile(file)
      res.writeHead(200, {
        'content-type': types[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': contentSecurityPolicy,
        'x-content-type-options': 'nosniff',
      })
      res.end(content)
    } catch {
      res.statusCode = 404
      res.end()
    }
  }

  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const { port } = server.address() as AddressInfo
  const url = `http://127.0.0.1:${port}`
  const operations = options.operations?.(backend) ?? backend.ops
  const consoleOps = options.firstRun
    ? createConsoleOperations({
        kiosk: ordinaryConsoleSettings.kiosk,
        desk: { mode: 'first-run' },
        backend,
        paths: deskPaths(dir, join(dir, 'machine', 'policy.json')),
        log,
      })
    : {}
  handle = createRouter({ ...operations, ...consoleOps }, { allowedOrigins: [url], log })

  return {
    url,
    backend,
    clock,
    get handle() {
      return handle
    },
    logLines,
    dataDir: dir,
    newSessionToken() {
      const token = `s${++tokenSeq}-${Math.random().toString(36).slice(2)}`
      sessions.set(token, { agentId: null })
      return token
    },
    async close() {
      server.closeAllConnections()
      await new Promise<void>((ok) => server.close(() => ok()))
      await backend.close()
      await rm(dir, { recursive: true, force: true })
    },
  }
}

/**
 * The init script giving the page the same bridge as the preload: invoke(channel, input),
 * resolving to a Result. Runs before any page script.
 */
export function bridgeInitScript(token: string): string {
  return `(() => {
    const token = ${JSON.stringify(token)};
    const invoke = async (channel, input) => {
      const res = await fetch('/ipc', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-resetdesk-session': token },
        body: JSON.stringify({ channel, input: input ?? {} }),
      });
      return res.json();
    };
    const bridge = { invoke };
    Object.defineProperty(window, 'resetDesk', { value: Object.freeze(bridge), writable: false, configurable: false });
  })();`
}
