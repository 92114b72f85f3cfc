// The identity backend: plain Node, never imports 'electron'. Embedded in main by default, or
// served over HTTP for a whole desk. Everything it depends on is injected here.
import { randomBytes } from 'node:crypto'
import carrierList from '../../resources/carriers.json' with { type: 'json' }
import { openStore, type Store, type StoreConfig } from './store/database'
import { deriveKeys, dummyHash, productionHashCost, type HashCost } from './crypto/secrets'
import { LocalCredentialStore } from './credentials/local-credential-store'
import type { AgentDirectory, CredentialStore, Directory } from './credentials/credential-store'
import type { Notifier } from './notify/notifier'
import { OutboxNotifier } from './notify/outbox-notifier'
import type { CarrierGateway, Logger, RuleContext } from './rules/context'
import { createOperations, type Operations } from './operations'
import { isDemoSeeded, seedDemoDesk } from './demo/seed'
import { completeResetLink } from './rules/reset'
import { reportWasntMe } from './contain/wasnt-me'
import { guardAdminChannels } from './admin/guard'
import { startSweeper } from './intents/sweeper'
import { WebhookWorker, type WebhookWorkerOptions } from './integrations/webhook-worker'

export interface BackendConfig {
  store: StoreConfig
  now?: () => Date
  /** The one secret codes and tokens are keyed with; random per start unless given (S3: from the keychain). */
  secret?: Buffer
  hashCost?: HashCost
  /** Seed the demo desk (B6) into the store, once. Whether this IS the demo desk, the store says (G1). */
  demo?: boolean
  flowIdleMinutes?: number
  resetLinkBase?: string
  log?: Logger
  notifier?: Notifier
  directory?: Directory
  credentialStores?: Record<string, CredentialStore>
  /** Agents sign in against the directory instead of the local agent accounts. */
  agentDirectory?: AgentDirectory
  carriers?: CarrierGateway[]
  /** F2/F3: seconds between intent sweeps in this process (default 30; 0: none). */
  sweepEverySeconds?: number
  /** F2: seconds an intent belongs to the process that wrote it before sweepers take it (default 120); keep it above the credential store's timeout. */
  intentLeaseSeconds?: number
  /** G6: the webhook delivery worker's timings, or false for a process that must not deliver. */
  webhooks?: WebhookWorkerOptions | false
}

export interface Backend {
  ops: Operations
  ctx: RuleContext
  store: Store
  local: LocalCredentialStore
  webhooks: WebhookWorker | null
  completeResetLink(token: string, password: string): ReturnType<typeof completeResetLink>
  /** B11: the user confirmed "this wasn't me" on the page; `address` is the client's, for the throttle. */
  reportWasntMe(token: string, address: string): ReturnType<typeof reportWasntMe>
  /** G1: seeds the demo desk into this running backend (the first-run choice); idempotent. */
  seedDemo(): Promise<boolean>
  close(): Promise<void>
}

/** Structured log lines; callers pass ids and reasons only, never a secret. */
export const jsonLogger = (write: (line: string) => void): Logger => ({
  info: (event, fields) => write(JSON.stringify({ level: 'info', at: new Date().toISOString(), event, ...fields })),
  error: (event, fields) => write(JSON.stringify({ level: 'error', at: new Date().toISOString(), event, ...fields })),
})

export async function createBackend(config: BackendConfig): Promise<Backend> {
  const now = config.now ?? (() => new Date())
  const hashCost = config.hashCost ?? productionHashCost
  const store = await openStore(config.store)
  const keys = deriveKeys(config.secret ?? randomBytes(32))
  // Made now, not on the first unknown name: that sign-in would otherwise take two derivations (G3).
  await dummyHash(hashCost)
  const local = new LocalCredentialStore(store.db, hashCost, now)
  const outbox = config.notifier ? null : new OutboxNotifier(store.db, keys.seal, now)
  if (config.demo) await seedDemoDesk(store.db, hashCost, now())
  // The store, not the flag, says whether this is the demo desk: a server restarted without
  // RESETDESK_DEMO on a seeded store still serves demo agents, and they must show as such.
  const demo = await isDemoSeeded(store.db)
  const ctx: RuleContext = {
    store,
    now,
    keys,
    hashCost,
    directory: config.directory ?? local,
    agentDirectory: config.agentDirectory ?? null,
    credentialStores: { local, ...config.credentialStores },
    notifier: config.notifier ?? outbox!,
    carriers: config.carriers ?? (carrierList as CarrierGateway[]),
    log: config.log ?? jsonLogger((line) => process.stdout.write(`${line}\n`)),
    flowIdleMinutes: config.flowIdleMinutes ?? 30,
    resetLinkBase: config.resetLinkBase ?? 'http://127.0.0.1:7420/reset',
    demo,
    intentLeaseSeconds: config.intentLeaseSeconds ?? 120,
  }
  const sweepEvery = config.sweepEverySeconds ?? 30
  const stopSweeper = sweepEvery > 0 ? startSweeper(ctx, sweepEvery * 1000) : () => {}
  // G6: every backend process delivers webhooks; the worker stops before the store closes.
  const webhooks =
    config.webhooks === false ? null : new WebhookWorker({ store, storeConfig: config.store, keys, now, log: ctx.log }, config.webhooks)
  webhooks?.start()
  return {
    // G7: every admin:* channel, whoever added it, refuses all but password_reset_admin.
    ops: guardAdminChannels(ctx, createOperations(ctx, outbox)),
    ctx,
    store,
    local,
    webhooks,
    completeResetLink: (token, password) => completeResetLink(ctx, token, password),
    reportWasntMe: (token, address) => reportWasntMe(ctx, token, address),
    seedDemo: async () => {
      const seeded = await seedDemoDesk(store.db, hashCost, now())
      ctx.demo = true
      return seeded
    },
    close: async () => {
      stopSweeper()
      ctx.live?.close()
      await webhooks?.stop()
      await store.close()
    },
  }
}
