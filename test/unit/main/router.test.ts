import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createBackend, type Backend } from '../../../electron/backend/index'
import type { Session } from '../../../electron/backend/operations'
import { createRouter, type Handle } from '../../../electron/main/ipc/router'
import { isTrustedSender } from '../../../electron/main/ipc/sender'
import { errorCatalogue } from '../../../shared/errors'

const origin = 'app://resetdesk'
const main = { frameUrl: `${origin}/index.html`, isMainFrame: true }
let backend: Backend
let handle: Handle
const errors: Record<string, unknown>[] = []

beforeAll(async () => {
  backend = await createBackend({
    store: { kind: 'sqlite', file: ':memory:' },
    demo: true,
    hashCost: { N: 1024 },
    log: { info() {}, error() {} },
  })
  handle = createRouter(backend.ops, {
    allowedOrigins: [origin],
    log: { error: (event, fields) => void errors.push({ event, ...fields }) },
  })
})
afterAll(() => backend.close())

const fresh = (): Session => ({ agentId: null })

describe('IPC router (S2, R8)', () => {
  it('answers a valid call from the main frame of the app origin', async () => {
    const session = fresh()
    const r = await handle('session:signIn', { username: 'desk', password: 'desk-demo-2026' }, main, session)
    expect(r).toMatchObject({ ok: true, data: { username: 'desk' } })
    expect(session.agentId).toBe('agent-desk')
  })

  it('refuses an unknown channel with UNKNOWN_OPERATION', async () => {
    for (const channel of ['records:drop', '__proto__', 'constructor', 42, null]) {
      const r = await handle(channel, {}, main, fresh())
      expect(r).toEqual({ ok: false, error: { code: 'UNKNOWN_OPERATION', ...errorCatalogue.UNKNOWN_OPERATION, details: {} } })
    }
  })

  it('refuses bad input with INVALID_INPUT listing paths and reasons, never the values', async () => {
    const secret = 'not-a-code-hunter2'
    const r = await handle('verify:checkCode', { flowId: 'f1', method: 'email_code', code: secret, extra: 1 }, main, fresh())
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('INVALID_INPUT')
    expect(r.error.message).toBe(errorCatalogue.INVALID_INPUT.message)
    const issues = r.error.details.issues as { path: string; message: string }[]
    expect(issues.map((i) => i.path)).toContain('code')
    expect(JSON.stringify(r)).not.toContain(secret)
  })

  it('refuses a sub-frame, another origin, or a malformed URL with FORBIDDEN_SENDER, before parsing', async () => {
    const senders = [
      { frameUrl: `${origin}/index.html`, isMainFrame: false },
      { frameUrl: 'https://evil.example/index.html', isMainFrame: true },
      { frameUrl: 'app://resetdesk.evil/index.html', isMainFrame: true },
      { frameUrl: 'not a url', isMainFrame: true },
      { frameUrl: '', isMainFrame: true },
    ]
    for (const sender of senders) {
      const session = fresh()
      const r = await handle('session:signIn', { username: 'desk', password: 'desk-demo-2026' }, sender, session)
      expect(r).toMatchObject({ ok: false, error: { code: 'FORBIDDEN_SENDER', message: errorCatalogue.FORBIDDEN_SENDER.message } })
      expect(session.agentId).toBeNull()
    }
  })

  it('passes catalogue errors from the backend through (NOT_SIGNED_IN)', async () => {
    const r = await handle('records:list', { kind: 'incident' }, main, fresh())
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN', next: errorCatalogue.NOT_SIGNED_IN.next } })
  })

  it('maps an unexpected failure to TECHNICAL with a correlation id that is logged, without the message', async () => {
    const boom = createRouter(
      {
        ...backend.ops,
        'carriers:list': async () => {
          throw new Error('db password=swordfish')
        },
      },
      {
        allowedOrigins: [origin],
        log: { error: (event, fields) => void errors.push({ event, ...fields }) },
      },
    )
    const r = await boom('carriers:list', {}, main, fresh())
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('TECHNICAL')
    const id = r.error.details.correlationId as string
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    const logged = errors.find((e) => e.correlationId === id)
    expect(logged).toMatchObject({ channel: 'carriers:list' })
    expect(JSON.stringify(errors)).not.toContain('swordfish')
    expect(JSON.stringify(r)).not.toContain('swordfish')
  })
})

describe('sender check', () => {
  it('accepts only the listed origins in the main frame', () => {
    expect(isTrustedSender(main, [origin])).toBe(true)
    expect(isTrustedSender({ frameUrl: 'http://127.0.0.1:5173/', isMainFrame: true }, [origin])).toBe(false)
    expect(isTrustedSender({ frameUrl: 'http://127.0.0.1:5173/', isMainFrame: true }, ['http://127.0.0.1:5173'])).toBe(true)
  })
})

describe('preload bridge (one surface)', () => {
  it('exposes invoke alone, which forwards the channel and input on the one IPC channel', async () => {
    // The built preload (CommonJS, as Electron loads it), with a stand-in for its one import.
    const { createRequire, Module } = await import('node:module')
    const { join } = await import('node:path')
    const exposed: Record<string, unknown> = {}
    const sent: unknown[][] = []
    const electron = {
      contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
      ipcRenderer: { invoke: async (...args: unknown[]) => (sent.push(args), { ok: true, data: null }) },
    }
    const load = (Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown })._load
    ;(Module as unknown as { _load: typeof load })._load = (request, ...rest) =>
      request === 'electron' ? electron : load(request, ...rest)
    try {
      createRequire(import.meta.url)(join(import.meta.dirname, '../../../out/preload/index.cjs'))
    } finally {
      ;(Module as unknown as { _load: typeof load })._load = load
    }
    const bridge = exposed.resetDesk as { invoke: (c: string, i?: unknown) => Promise<unknown> }
    expect(Object.keys(exposed)).toEqual(['resetDesk'])
    expect(Object.keys(bridge)).toEqual(['invoke'])
    await bridge.invoke('records:list', { kind: 'incident' })
    await bridge.invoke('session:current')
    expect(sent).toEqual([
      ['resetdesk:invoke', 'records:list', { kind: 'incident' }],
      ['resetdesk:invoke', 'session:current', {}],
    ])
  })
})

describe('main stays thin (S2)', () => {
  it('only ipc/register.ts touches ipcMain', async () => {
    const { readdir, readFile } = await import('node:fs/promises')
    const { join } = await import('node:path')
    const dir = join(import.meta.dirname, '../../../electron/main')
    const files = (await readdir(dir, { recursive: true })).filter((f) => f.endsWith('.ts'))
    const users: string[] = []
    for (const f of files) if ((await readFile(join(dir, f), 'utf8')).includes('ipcMain')) users.push(f.replaceAll('\\', '/'))
    expect(files.length).toBeGreaterThan(3)
    expect(users).toEqual(['ipc/register.ts'])
  })
})
