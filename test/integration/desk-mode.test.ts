// G1 demo or real, on real stores: the embedded console started as main starts it (settings,
// connectors.json, desk selection, the backend keyed from the keychain) holds no demo data
// beside connectors, the demo desk only after the choice, seeds it once however many ask, and
// a code sent before a restart is accepted after it (the secret kept in the SecretStore; also
// against the real Secret Service). The standalone server refuses the demo beside connectors.
import { spawn } from 'node:child_process'
import { randomBytes, randomUUID } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { contract, type Channel, type InputOf, type OutputOf } from '../../shared/ipc/contract'
import { createBackend, type Backend } from '../../electron/backend/index'
import type { Session } from '../../electron/backend/operations'
import { buildConnectors, CONNECTORS_FILE, loadConnectorsConfig } from '../../electron/backend/config/connectors-config'
import { slowHash } from '../../electron/backend/crypto/secrets'
import { createConsoleOperations, deskPaths, deskStoreFile, openEmbeddedDesk, selectEmbeddedDesk } from '../../electron/main/desk-mode'
import { backendSecretAccount } from '../../electron/main/secrets/backend-secret'
import { MemorySecretStore, type SecretStore } from '../../electron/main/secrets/secret-store'
import { loadConsoleSettings } from '../../electron/main/settings/console-settings'
import { createRemoteOperations } from '../../electron/main/backend-client/remote-operations'
import { demoPasswords, errorOf } from '../helpers/backend-harness'
import { storeVariants } from '../helpers/stores'
import { freePort } from '../helpers/service'
import { nodeFetch } from '../helpers/transports'

const hashCost = { N: 1024 }

let dataDir: string
const logLines: string[] = []
const log = {
  info: (event: string, fields?: Record<string, unknown>) => void logLines.push(JSON.stringify({ event, ...fields })),
  error: (event: string, fields?: Record<string, unknown>) => void logLines.push(JSON.stringify({ event, ...fields })),
}

/**
 * The embedded console's start, step by step as electron/main/index.ts runs it (main itself
 * needs Electron): settings, connectors.json, the desk selection, the backend from the keychain,
 * main's console channels.
 */
async function startLikeMain(secrets: SecretStore) {
  const policyFile = join(dataDir, 'machine', 'policy.json')
  const settings = await loadConsoleSettings({ policyFile, settingsFile: join(dataDir, 'settings.json') })
  const found = loadConnectorsConfig({ dataDir, policyFile: join(dataDir, 'machine', CONNECTORS_FILE) })
  const connectors = found ? await buildConnectors(found.config, secrets, log) : null
  const desk = selectEmbeddedDesk({ connectorsSource: found?.source ?? null, desk: settings.desk })
  const backend = await openEmbeddedDesk({ desk, dataDir, secrets, backend: { log, hashCost, ...connectors?.backend } })
  const consoleOps = createConsoleOperations({ kiosk: settings.kiosk, desk, backend, paths: deskPaths(dataDir, policyFile), log })
  const ops = { ...backend.ops, ...consoleOps }
  const call = <C extends Channel>(session: Session, channel: C, input: InputOf<C>): Promise<OutputOf<C>> =>
    (ops[channel] as (s: Session, i: unknown) => Promise<OutputOf<C>>)(session, contract[channel].input.parse(input))
  return {
    desk,
    backend,
    call,
    close: async () => {
      connectors?.close()
      await backend.close()
    },
  }
}

const demoAgentNames = Object.keys(demoPasswords)
const agentNames = (b: Backend) =>
  b.store.db
    .selectFrom('agents')
    .select('username')
    .execute()
    .then((rows) => rows.map((r) => r.username))

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'resetdesk-desk-it-'))
  logLines.length = 0
})
afterEach(() => rmSync(dataDir, { recursive: true, force: true }))

const connectorsJson = { version: 1, email: { host: '127.0.0.1', port: 2525, secure: false, from: 'ResetDesk <desk@example.com>' } }

describe('G1 first run of the embedded console', () => {
  it('no demo data when connectors are present, even where the demo was chosen before', async () => {
    writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ desk: 'demo' }))
    writeFileSync(join(dataDir, CONNECTORS_FILE), JSON.stringify(connectorsJson))
    const desk = await startLikeMain(new MemorySecretStore())
    try {
      expect(desk.desk.mode).toBe('connectors')
      expect(await agentNames(desk.backend)).toEqual([])
      expect(await desk.backend.store.db.selectFrom('directory_users').select('id').execute()).toEqual([])
      expect(await desk.backend.store.db.selectFrom('meta').select('key').where('key', '=', 'demo_seeded').execute()).toEqual([])
      expect(desk.backend.ctx.demo).toBe(false)
      expect((await desk.call({ agentId: null }, 'console:settings', {})).desk).toEqual({ mode: 'real' })
      expect((await errorOf(desk.call({ agentId: null }, 'console:chooseDesk', { desk: 'demo' }))).code).toBe('DESK_ALREADY_SET')
      expect(
        (await errorOf(desk.call({ agentId: null }, 'session:signIn', { username: 'desk', password: demoPasswords.desk! }))).code,
      ).toBe('INVALID_CREDENTIALS')
      expect(await agentNames(desk.backend)).toEqual([])
    } finally {
      await desk.close()
    }
  })

  it('the demo desk only after the choice; then its agents sign in as demo agents, and after a restart too', async () => {
    const keychain = new MemorySecretStore()
    const first = await startLikeMain(keychain)
    try {
      expect(first.desk.mode).toBe('first-run')
      expect((await first.call({ agentId: null }, 'console:settings', {})).desk?.mode).toBe('first-run')
      expect(await agentNames(first.backend)).toEqual([])
      expect(
        (await errorOf(first.call({ agentId: null }, 'session:signIn', { username: 'desk', password: demoPasswords.desk! }))).code,
      ).toBe('INVALID_CREDENTIALS')

      expect((await first.call({ agentId: null }, 'console:chooseDesk', { desk: 'demo' })).desk?.mode).toBe('demo')
      expect(await agentNames(first.backend)).toEqual(expect.arrayContaining(demoAgentNames))
      expect(await first.call({ agentId: null }, 'session:signIn', { username: 'desk', password: demoPasswords.desk! })).toMatchObject({
        username: 'desk',
        demo: true,
      })
    } finally {
      await first.close()
    }
    // The next start reads the choice from settings.json and opens the same demo desk.
    const again = await startLikeMain(keychain)
    try {
      expect(again.desk.mode).toBe('demo')
      expect((await again.call({ agentId: null }, 'console:settings', {})).desk?.mode).toBe('demo')
      expect(await again.call({ agentId: null }, 'session:signIn', { username: 'admin', password: demoPasswords.admin! })).toMatchObject({
        demo: true,
      })
    } finally {
      await again.close()
    }
  })

  it('a store holding the demo desk (from before G1) refuses to start beside connectors', async () => {
    const legacy = await createBackend({
      store: { kind: 'sqlite', file: deskStoreFile(dataDir, { mode: 'connectors', source: 'x' }) },
      demo: true,
      hashCost,
      log,
    })
    await legacy.close()
    writeFileSync(join(dataDir, CONNECTORS_FILE), JSON.stringify(connectorsJson))
    await expect(startLikeMain(new MemorySecretStore())).rejects.toThrow(/holds the demo desk/)
  })
})

async function sendCodeThenRestart(keychainFor: (start: number) => SecretStore) {
  writeFileSync(join(dataDir, 'settings.json'), JSON.stringify({ desk: 'demo' }))
  const signIn = async (d: Awaited<ReturnType<typeof startLikeMain>>) => {
    const s: Session = { agentId: null }
    await d.call(s, 'session:signIn', { username: 'desk', password: demoPasswords.desk! })
    return s
  }
  const before = await startLikeMain(keychainFor(0))
  let flowId: string
  let code: string
  try {
    const s = await signIn(before)
    const recordId = (await before.call(s, 'records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 1 })).rows[0]!.id
    flowId = (await before.call(s, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })).id
    await before.call(s, 'verify:sendCode', { flowId, method: 'email_code' })
    const mail = await before.call(s, 'demo:mailbox', { userId: 'user-alex' })
    code = mail.find((m) => m.body.includes('verification code'))!.body.match(/\b\d{6,12}\b/)![0]
  } finally {
    await before.close()
  }
  const checkAfterRestart = async (start: number) => {
    const after = await startLikeMain(keychainFor(start))
    try {
      return await after.call(await signIn(after), 'verify:checkCode', { flowId, method: 'email_code', code })
    } finally {
      await after.close()
    }
  }
  return { checkAfterRestart, code: () => code }
}

describe('G1 the keying secret survives a restart (SecretStore)', () => {
  it('a code sent before a backend restart is accepted after it; under a new secret it would not be', async () => {
    const keychain = new MemorySecretStore()
    const other = new MemorySecretStore()
    const { checkAfterRestart } = await sendCodeThenRestart((start) => (start === 1 ? other : keychain))
    // The control: a restart under another secret (what a random secret per start did) refuses it.
    expect((await errorOf(checkAfterRestart(1))).code).toBe('CODE_INCORRECT')
    expect((await checkAfterRestart(2)).verified).toBe(true)
  })
})

const keyring = inject('keyring')
describe.skipIf(keyring.missing !== null)('G1 the keying secret in the real keychain (keytar, Secret Service)', () => {
  const service = `ResetDesk-test-${randomUUID()}`
  beforeAll(() => {
    // libsecret finds the Secret Service through this variable, read when keytar first connects.
    process.env.DBUS_SESSION_BUS_ADDRESS = keyring.url!
  })
  afterAll(async () => {
    const { KeytarSecretStore } = await import('../../electron/main/secrets/keytar-secret-store')
    await new KeytarSecretStore(service).delete(backendSecretAccount)
  })

  it('is generated on first start, kept in the keychain only, and a code sent before a restart works after it', async () => {
    const { KeytarSecretStore } = await import('../../electron/main/secrets/keytar-secret-store')
    const keytar = (await import('keytar')).default
    const { checkAfterRestart, code } = await sendCodeThenRestart(() => new KeytarSecretStore(service))
    const stored = await keytar.getPassword(service, backendSecretAccount)
    expect(stored).not.toBeNull()
    expect(Buffer.from(stored!, 'base64')).toHaveLength(32)
    expect((await checkAfterRestart(1)).verified).toBe(true)
    expect(await keytar.getPassword(service, backendSecretAccount)).toBe(stored)
    // Never in a file of the data folder (store, settings) nor in a log line; nor the code.
    const secret = Buffer.from(stored!, 'base64')
    for (const file of readdirSync(dataDir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile())) {
      const bytes = readFileSync(join(file.parentPath, file.name))
      for (const needle of [stored!, secret.toString('hex')]) expect(bytes.includes(needle), `${file.name} holds the secret`).toBe(false)
      expect(bytes.includes(secret), `${file.name} holds the secret`).toBe(false)
    }
    for (const line of logLines) {
      expect(line).not.toContain(stored!)
      expect(line).not.toContain(code())
    }
  })
})

describe('G1 the demo seed runs once, however many ask', () => {
  for (const variant of storeVariants) {
    it.skipIf(variant.skip !== null)(
      `on ${variant.name}: concurrent seeds insert one demo desk; a restart with the flag seeds nothing`,
      async () => {
        const { config, dispose } = await variant.create()
        try {
          const backend = await createBackend({ store: config, hashCost, log })
          let counts: { agents: number; users: number; records: number }
          try {
            expect(backend.ctx.demo).toBe(false)
            const results = await Promise.all([backend.seedDemo(), backend.seedDemo(), backend.seedDemo()])
            expect(results.filter(Boolean)).toHaveLength(1)
            expect(backend.ctx.demo).toBe(true)
            const count = async (table: 'agents' | 'directory_users' | 'records') =>
              Number(
                (
                  await backend.store.db
                    .selectFrom(table)
                    .select((eb) => eb.fn.countAll().as('n'))
                    .executeTakeFirstOrThrow()
                ).n,
              )
            counts = { agents: await count('agents'), users: await count('directory_users'), records: await count('records') }
            expect(counts).toEqual({ agents: 6, users: 50, records: 300 })
          } finally {
            await backend.close()
          }
          const restarted = await createBackend({ store: config, hashCost, log, demo: true })
          try {
            expect(restarted.ctx.demo).toBe(true)
            expect(await restarted.seedDemo()).toBe(false)
            expect(
              Number(
                (
                  await restarted.store.db
                    .selectFrom('agents')
                    .select((eb) => eb.fn.countAll().as('n'))
                    .executeTakeFirstOrThrow()
                ).n,
              ),
            ).toBe(counts.agents)
          } finally {
            await restarted.close()
          }
        } finally {
          await dispose()
        }
      },
    )
  }

  it('Agent.demo says whether this desk is the demo desk: an agent of a desk without the demo is not', async () => {
    const backend = await createBackend({ store: { kind: 'sqlite', file: join(dataDir, 'real.sqlite') }, hashCost, log })
    try {
      await backend.store.db
        .insertInto('agents')
        .values({
          id: 'agent-kim',
          username: 'kim',
          display_name: 'Kim Real',
          password_hash: await slowHash('a long real passphrase', hashCost),
          roles: '["password_reset_service_desk"]',
          groups: '["Service Desk"]',
        })
        .execute()
      const agent = await backend.ops['session:signIn']({ agentId: null }, { username: 'kim', password: 'a long real passphrase' })
      expect(agent).toMatchObject({ username: 'kim', demo: false })
      expect((await backend.ops['console:settings']({ agentId: null }, {})).desk).toEqual({ mode: 'real' })
      expect((await errorOf(backend.ops['demo:mailbox']({ agentId: 'agent-kim' }, { userId: 'user-alex' }))).code).toBe('DEMO_ONLY')
    } finally {
      await backend.close()
    }
  })
})

/** Runs `npm run backend`'s entry as a test process; resolves when it exits or answers /readyz. */
async function runServer(
  env: Record<string, string>,
): Promise<{ exitCode: number | null; output: string; url: string; stop(): Promise<void> }> {
  const port = await freePort()
  let output = ''
  const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/backend/http/main.ts'], {
    env: { ...process.env, RESETDESK_HASH_COST_LOG2: '10', ...env, RESETDESK_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout!.on('data', (d) => (output += d))
  proc.stderr!.on('data', (d) => (output += d))
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)))
  const url = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (proc.exitCode === null) proc.kill('SIGTERM')
    await exited
  }
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) return { exitCode: await exited, output, url, stop }
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { exitCode: null, output, url, stop }
    await new Promise((r) => setTimeout(r, 100))
  }
  await stop()
  throw new Error(`the server neither started nor exited: ${output}`)
}

describe('G1 the standalone server', () => {
  const secret = randomBytes(32).toString('base64')

  it('refuses to start with RESETDESK_DEMO=1 and a connectors file, saying why, before touching a store', async () => {
    const connectorsFile = join(dataDir, CONNECTORS_FILE)
    writeFileSync(connectorsFile, JSON.stringify(connectorsJson))
    const sqliteFile = join(dataDir, 'server.sqlite')
    const run = await runServer({
      RESETDESK_DEMO: '1',
      RESETDESK_CONNECTORS_FILE: connectorsFile,
      RESETDESK_SQLITE_FILE: sqliteFile,
      RESETDESK_SECRET: secret,
    })
    expect(run.exitCode).toBe(1)
    expect(run.output).toContain('RESETDESK_DEMO=1 and RESETDESK_CONNECTORS_FILE are both set')
    expect(readdirSync(dataDir)).toEqual([CONNECTORS_FILE])
  })

  it('refuses to serve a store that holds the demo desk beside connectors', async () => {
    const sqliteFile = join(dataDir, 'server.sqlite')
    const seeded = await createBackend({ store: { kind: 'sqlite', file: sqliteFile }, demo: true, hashCost, log })
    await seeded.close()
    const connectorsFile = join(dataDir, CONNECTORS_FILE)
    writeFileSync(connectorsFile, JSON.stringify(connectorsJson))
    const run = await runServer({ RESETDESK_CONNECTORS_FILE: connectorsFile, RESETDESK_SQLITE_FILE: sqliteFile, RESETDESK_SECRET: secret })
    expect(run.exitCode).toBe(1)
    expect(run.output).toContain('the store holds the demo desk')
  })

  it('seeds the demo desk only with RESETDESK_DEMO=1', async () => {
    const signInDesk = async (url: string) => {
      const ops = createRemoteOperations({ baseUrl: url, secrets: new MemorySecretStore(), fetch: nodeFetch })
      return ops['session:signIn']({ agentId: null }, { username: 'desk', password: demoPasswords.desk! })
    }
    const plain = await runServer({ RESETDESK_SQLITE_FILE: join(dataDir, 'plain.sqlite'), RESETDESK_SECRET: secret })
    try {
      expect(plain.exitCode).toBeNull()
      expect((await errorOf(signInDesk(plain.url))).code).toBe('INVALID_CREDENTIALS')
    } finally {
      await plain.stop()
    }
    const demo = await runServer({ RESETDESK_SQLITE_FILE: join(dataDir, 'demo.sqlite'), RESETDESK_SECRET: secret, RESETDESK_DEMO: '1' })
    try {
      expect(demo.exitCode).toBeNull()
      expect(await signInDesk(demo.url)).toMatchObject({ username: 'desk', demo: true })
    } finally {
      await demo.stop()
    }
  })
})
