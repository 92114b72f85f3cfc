// G1 demo or real: which desk the console serves, and the two console channels that tell the
// renderer and take the first-run choice. Plain Node (no electron import): main only wires it,
// the E2E host serves the same operations, and the unit tests drive every branch.
//
// A remote backend or a connectors.json makes a real desk: no demo data, no demo choice, ever.
// Otherwise the embedded desk is the demo desk once chosen (first-run "Try the demo desk", or
// `"desk": "demo"` in settings.json or the policy), and until then the first-run screen.
import { dirname, join } from 'node:path'
import { AppError } from '../../shared/errors'
import type { ConsoleSettingsView, DeskView, KioskSettings } from '../../shared/ipc/contract'
import { createBackend, type Backend, type BackendConfig } from '../backend/index'
import { CONNECTORS_FILE } from '../backend/config/connectors-config'
import { demoAccountHints } from '../backend/demo/seed'
import type { Operations } from '../backend/operations'
import type { Logger } from '../backend/rules/context'
import { loadBackendSecret } from './secrets/backend-secret'
import type { SecretStore } from './secrets/secret-store'
import { recordDeskChoice, settingsFilePath, type BackendSetting, type DeskChoice } from './settings/console-settings'

export type DeskSelection =
  { mode: 'remote'; url: string } | { mode: 'connectors'; source: string } | { mode: 'demo' } | { mode: 'first-run' }
export type EmbeddedDesk = Exclude<DeskSelection, { mode: 'remote' }>

/** What is configured decides, most binding first: remote, then connectors, then the choice. */
export function selectDesk(configured: {
  backend: BackendSetting
  connectorsSource: string | null
  desk: DeskChoice | null
}): DeskSelection {
  if (configured.backend.mode === 'remote') return { mode: 'remote', url: configured.backend.url }
  return selectEmbeddedDesk(configured)
}

/** The same decision once remote mode is ruled out (main's embedded branch). */
export function selectEmbeddedDesk(configured: { connectorsSource: string | null; desk: DeskChoice | null }): EmbeddedDesk {
  if (configured.connectorsSource !== null) return { mode: 'connectors', source: configured.connectorsSource }
  if (configured.desk === 'demo') return { mode: 'demo' }
  return { mode: 'first-run' }
}

/**
 * The demo desk has a store file of its own, so trying it first leaves nothing behind in the
 * store a real desk later opens (its demo agents' public passwords would be valid there).
 */
export function deskStoreFile(dataDir: string, desk: EmbeddedDesk): string {
  return join(dataDir, desk.mode === 'connectors' ? 'resetdesk.sqlite' : 'demo-desk.sqlite')
}

/** Where the first-run screen tells an IT admin to put the files that connect a real desk. */
export interface DeskPaths {
  connectorsFile: string
  machineConnectorsFile: string
  settingsFile: string
  policyFile: string
}
export function deskPaths(dataDir: string, policyFile: string): DeskPaths {
  return {
    connectorsFile: join(dataDir, CONNECTORS_FILE),
    machineConnectorsFile: join(dirname(policyFile), CONNECTORS_FILE),
    settingsFile: settingsFilePath(dataDir),
    policyFile,
  }
}

export interface EmbeddedDeskOptions {
  desk: EmbeddedDesk
  dataDir: string
  /** The keychain (keytar in main): the keying secret lives there (S3). */
  secrets: SecretStore
  nativeBinding?: string
  /** Connectors, log, clock and cost: everything but the store, the secret and the demo seed. */
  backend?: Omit<BackendConfig, 'store' | 'secret' | 'demo'>
}

/**
 * The embedded backend for the selected desk, keyed with the secret from the keychain. The demo
 * desk is seeded at start only when chosen; a connected desk whose store holds demo data (one
 * written before G1, when every start seeded it) refuses to start instead of serving it.
 */
export async function openEmbeddedDesk(options: EmbeddedDeskOptions): Promise<Backend> {
  const secret = await loadBackendSecret(options.secrets)
  const file = deskStoreFile(options.dataDir, options.desk)
  const backend = await createBackend({
    ...options.backend,
    store: { kind: 'sqlite', file, ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}) },
    secret,
    demo: options.desk.mode === 'demo',
  })
  if (options.desk.mode === 'connectors' && backend.ctx.demo) {
    await backend.close()
    throw new Error(
      `${file} holds the demo desk from an earlier version; with connectors configured it is never served. Move that file away, then start ResetDesk again.`,
    )
  }
  return backend
}

export interface ConsoleOperationsOptions {
  kiosk: KioskSettings
  desk: DeskSelection
  /** The embedded backend (null in remote mode): it seeds the demo desk and knows if it holds it. */
  backend: Pick<Backend, 'seedDemo' | 'ctx'> | null
  paths: DeskPaths
  log: Pick<Logger, 'info'>
}

/**
 * The console's own channels, answered by main over whatever the backend says: its settings
 * (B7 kiosk, G1 desk) and the first-run choice. The desk shown is read from the backend each
 * time, so it is what the store holds, not what was meant.
 */
export function createConsoleOperations(options: ConsoleOperationsOptions): Pick<Operations, 'console:settings' | 'console:chooseDesk'> {
  const { backend, paths } = options
  const desk = (): DeskView => {
    if (options.desk.mode === 'remote' || options.desk.mode === 'connectors' || !backend) return { mode: 'real' }
    if (backend.ctx.demo) return { mode: 'demo', accounts: demoAccountHints }
    return { mode: 'first-run', ...paths }
  }
  const settings = (): ConsoleSettingsView => ({ kiosk: options.kiosk, desk: desk() })
  // Two windows (or two clicks) choosing at once share one seeding.
  let choosing: Promise<void> | null = null
  return {
    'console:settings': async () => settings(),
    'console:chooseDesk': async () => {
      if (desk().mode !== 'first-run' || !backend) throw new AppError('DESK_ALREADY_SET')
      // The choice first: if seeding then fails, the next start seeds (the choice says demo);
      // the other order could leave a seeded demo desk that a failed write makes unchoosable.
      choosing ??= (async () => {
        await recordDeskChoice(paths.settingsFile, 'demo')
        if (await backend.seedDemo()) options.log.info('demo_desk_seeded', { settingsFile: paths.settingsFile })
      })().finally(() => {
        choosing = null
      })
      await choosing
      return settings()
    },
  }
}
