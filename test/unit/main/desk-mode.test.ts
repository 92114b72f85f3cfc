// G1 demo or real: which desk the console serves (remote, connectors, the chosen demo desk, or a
// first run), the console channels main answers for it, the recorded choice, and the keying
// secret kept in the keychain (S3). Main only wires these; the backend side is in
// test/integration/desk-mode.test.ts.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../shared/errors'
import { contract } from '../../../shared/ipc/contract'
import type { Backend } from '../../../electron/backend/index'
import { createConsoleOperations, deskPaths, deskStoreFile, selectDesk, type DeskSelection } from '../../../electron/main/desk-mode'
import { backendSecretAccount, loadBackendSecret } from '../../../electron/main/secrets/backend-secret'
import { MemorySecretStore } from '../../../electron/main/secrets/secret-store'
import { loadConsoleSettings, PolicyFileError, recordDeskChoice } from '../../../electron/main/settings/console-settings'

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'resetdesk-desk-'))
})
afterEach(() => rmSync(dir, { recursive: true, force: true }))

const embedded = { mode: 'embedded' } as const
const remote = { mode: 'remote', url: 'https://resetdesk.corp.example' } as const
const errorCode = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e instanceof AppError ? e.code : `not a catalogue error: ${String(e)}`),
  )

describe('G1 desk selection', () => {
  it('a first run when nothing is chosen or configured', () => {
    expect(selectDesk({ backend: embedded, connectorsSource: null, desk: null })).toEqual({ mode: 'first-run' })
  })
  it('the demo desk once chosen', () => {
    expect(selectDesk({ backend: embedded, connectorsSource: null, desk: 'demo' })).toEqual({ mode: 'demo' })
  })
  it('connectors make a real desk, even where the demo was chosen before', () => {
    expect(selectDesk({ backend: embedded, connectorsSource: '/etc/resetdesk/connectors.json', desk: null })).toEqual({
      mode: 'connectors',
      source: '/etc/resetdesk/connectors.json',
    })
    expect(selectDesk({ backend: embedded, connectorsSource: '/data/connectors.json', desk: 'demo' })).toEqual({
      mode: 'connectors',
      source: '/data/connectors.json',
    })
  })
  it('a remote backend wins over connectors and over the demo choice', () => {
    expect(selectDesk({ backend: remote, connectorsSource: '/data/connectors.json', desk: 'demo' })).toEqual({
      mode: 'remote',
      url: remote.url,
    })
    expect(selectDesk({ backend: remote, connectorsSource: null, desk: null })).toEqual({ mode: 'remote', url: remote.url })
  })
  it('the demo desk has a store file of its own, apart from a real desk', () => {
    expect(deskStoreFile(dir, { mode: 'demo' })).toBe(deskStoreFile(dir, { mode: 'first-run' }))
    expect(deskStoreFile(dir, { mode: 'demo' })).not.toBe(deskStoreFile(dir, { mode: 'connectors', source: 'x' }))
  })
})

describe('G1 the recorded choice (settings.json, the policy winning)', () => {
  const files = () => ({ policyFile: join(dir, 'policy.json'), settingsFile: join(dir, 'settings.json') })

  it('reads "desk": "demo" from settings.json or the policy; anything else is not a desk choice', async () => {
    writeFileSync(files().settingsFile, JSON.stringify({ desk: 'demo' }))
    expect((await loadConsoleSettings(files())).desk).toBe('demo')
    rmSync(files().settingsFile)
    writeFileSync(files().policyFile, JSON.stringify({ desk: 'demo' }))
    expect((await loadConsoleSettings(files())).desk).toBe('demo')
    // A real desk is connectors.json or remote mode, never a word in the settings.
    writeFileSync(files().policyFile, JSON.stringify({ desk: 'real' }))
    await expect(loadConsoleSettings(files())).rejects.toBeInstanceOf(PolicyFileError)
    rmSync(files().policyFile)
    writeFileSync(files().settingsFile, JSON.stringify({ desk: 'production' }))
    const warnings: string[] = []
    expect((await loadConsoleSettings(files(), (w) => warnings.push(w))).desk).toBeNull()
    expect(warnings).toHaveLength(1)
  })

  it('records the choice in a new data folder, and keeps every other key of an existing file', async () => {
    const nested = join(dir, 'not', 'yet')
    await recordDeskChoice(join(nested, 'settings.json'), 'demo')
    expect(JSON.parse(readFileSync(join(nested, 'settings.json'), 'utf8'))).toEqual({ desk: 'demo' })
    if (process.platform !== 'win32') expect(statSync(join(nested, 'settings.json')).mode & 0o077).toBe(0)

    writeFileSync(files().settingsFile, JSON.stringify({ kiosk: { enabled: true, idleMinutes: 5 }, theme: 'dark' }))
    await recordDeskChoice(files().settingsFile, 'demo')
    expect(JSON.parse(readFileSync(files().settingsFile, 'utf8'))).toEqual({
      kiosk: { enabled: true, idleMinutes: 5 },
      theme: 'dark',
      desk: 'demo',
    })
    expect(await loadConsoleSettings(files())).toMatchObject({ desk: 'demo', kiosk: { enabled: true, idleMinutes: 5 } })
  })

  it('leaves a settings file that is not a JSON object alone: SETTINGS_UNWRITABLE', async () => {
    for (const text of ['{ "kiosk": ', '[1, 2]', 'null']) {
      writeFileSync(files().settingsFile, text)
      expect(await errorCode(recordDeskChoice(files().settingsFile, 'demo'))).toBe('SETTINGS_UNWRITABLE')
      expect(readFileSync(files().settingsFile, 'utf8')).toBe(text)
    }
  })
})

/** A backend stand-in: seeding takes a while (so two choices overlap) and may fail once. */
function fakeBackend(opts: { demo?: boolean; failFirst?: boolean } = {}) {
  const state = { seeds: 0, failNext: opts.failFirst ?? false }
  const ctx = { demo: opts.demo ?? false }
  const backend = {
    ctx: ctx as unknown as Backend['ctx'],
    seedDemo: async () => {
      state.seeds++
      await new Promise((r) => setTimeout(r, 20))
      if (state.failNext) {
        state.failNext = false
        throw new Error('disk full')
      }
      const first = !ctx.demo
      ctx.demo = true
      return first
    },
  }
  return { backend, state }
}

describe('G1 console channels answered by main', () => {
  const kiosk = { enabled: false, idleMinutes: 3 }
  const session = { agentId: null }
  const log = { info: () => {} }
  const paths = () => deskPaths(join(dir, 'data'), join(dir, 'etc', 'policy.json'))
  const consoleOps = (desk: DeskSelection, backend: ReturnType<typeof fakeBackend>['backend'] | null) =>
    createConsoleOperations({ kiosk, desk, backend, paths: paths(), log })
  const choose = (ops: ReturnType<typeof consoleOps>) => ops['console:chooseDesk'](session, { desk: 'demo' })

  it('first run: tells the renderer where the files go; the choice seeds once and records it; a second choice is refused', async () => {
    const { backend, state } = fakeBackend()
    const ops = consoleOps({ mode: 'first-run' }, backend)
    const first = await ops['console:settings'](session, {})
    expect(contract['console:settings'].output.parse(first)).toEqual({
      kiosk,
      desk: {
        mode: 'first-run',
        connectorsFile: join(dir, 'data', 'connectors.json'),
        machineConnectorsFile: join(dir, 'etc', 'connectors.json'),
        settingsFile: join(dir, 'data', 'settings.json'),
        policyFile: join(dir, 'etc', 'policy.json'),
      },
    })
    const chosen = await choose(ops)
    expect(chosen.desk).toMatchObject({
      mode: 'demo',
      accounts: expect.arrayContaining([{ username: 'desk', password: 'desk-demo-2026', role: 'service desk agent' }]),
    })
    expect(await ops['console:settings'](session, {})).toEqual(chosen)
    expect(state.seeds).toBe(1)
    expect(JSON.parse(readFileSync(paths().settingsFile, 'utf8'))).toEqual({ desk: 'demo' })
    expect(await errorCode(choose(ops))).toBe('DESK_ALREADY_SET')
    expect(state.seeds).toBe(1)
  })

  it('first run: two windows choosing at once share one seeding', async () => {
    const { backend, state } = fakeBackend()
    const ops = consoleOps({ mode: 'first-run' }, backend)
    const [a, b] = await Promise.all([choose(ops), choose(ops)])
    expect(a.desk?.mode).toBe('demo')
    expect(b.desk?.mode).toBe('demo')
    expect(state.seeds).toBe(1)
  })

  it('first run: a failed seeding can be retried, and the choice is already recorded for the next start', async () => {
    const { backend, state } = fakeBackend({ failFirst: true })
    const ops = consoleOps({ mode: 'first-run' }, backend)
    await expect(choose(ops)).rejects.toThrow('disk full')
    expect(JSON.parse(readFileSync(paths().settingsFile, 'utf8'))).toEqual({ desk: 'demo' })
    expect((await ops['console:settings'](session, {})).desk?.mode).toBe('first-run')
    expect((await choose(ops)).desk?.mode).toBe('demo')
    expect(state.seeds).toBe(2)
  })

  it('first run on a store that already holds the demo desk (settings.json lost): the demo desk, no choice', async () => {
    const { backend } = fakeBackend({ demo: true })
    const ops = consoleOps({ mode: 'first-run' }, backend)
    expect((await ops['console:settings'](session, {})).desk?.mode).toBe('demo')
    expect(await errorCode(choose(ops))).toBe('DESK_ALREADY_SET')
  })

  it('the chosen demo desk hints its accounts', async () => {
    const { backend } = fakeBackend({ demo: true })
    const view = await consoleOps({ mode: 'demo' }, backend)['console:settings'](session, {})
    expect(view.desk).toMatchObject({ mode: 'demo' })
    expect(view.desk?.mode === 'demo' && view.desk.accounts.map((a) => a.username)).toEqual(['desk', 'admin', 'super', 'viewer'])
  })

  it('connectors or a remote backend: a real desk; the demo is neither offered nor seeded, nothing is written', async () => {
    const { backend, state } = fakeBackend()
    for (const [desk, b] of [
      [{ mode: 'connectors', source: '/data/connectors.json' }, backend],
      [{ mode: 'remote', url: remote.url }, null],
    ] as const) {
      const ops = consoleOps(desk, b)
      expect(await ops['console:settings'](session, {})).toEqual({ kiosk, desk: { mode: 'real' } })
      expect(await errorCode(choose(ops))).toBe('DESK_ALREADY_SET')
    }
    expect(state.seeds).toBe(0)
    expect(() => readFileSync(paths().settingsFile)).toThrow(/ENOENT/)
  })
})

describe('G1 the keying secret in the keychain (S3)', () => {
  it('is generated once, stored, and the same after a restart', async () => {
    const keychain = new MemorySecretStore()
    const first = await loadBackendSecret(keychain)
    expect(first.length).toBe(32)
    expect(await keychain.get(backendSecretAccount)).toBe(first.toString('base64'))
    // A restart: the keychain is all that survives.
    expect((await loadBackendSecret(keychain)).equals(first)).toBe(true)
    // Another machine's keychain: another secret.
    expect((await loadBackendSecret(new MemorySecretStore())).equals(first)).toBe(false)
  })
  it('refuses a damaged entry rather than replacing it (that would void every code in flight)', async () => {
    for (const damaged of ['not base64 at all!', Buffer.alloc(16, 7).toString('base64'), '']) {
      const keychain = new MemorySecretStore()
      await keychain.set(backendSecretAccount, damaged)
      expect(await errorCode(loadBackendSecret(keychain))).toBe('DESK_SECRET_INVALID')
      expect(await keychain.get(backendSecretAccount)).toBe(damaged)
    }
  })
})
