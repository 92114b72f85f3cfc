// `npm run backend`: the standalone identity backend, configured from the environment.
//   RESETDESK_DATABASE_URL   postgres://… (many replicas) — or RESETDESK_SQLITE_FILE (one)
//   RESETDESK_DB_POOL        connections per replica (default 10), and half as many more for
//                            searches (store/database.ts); RESETDESK_DB_PREPARED=0 turns prepared
//                            statements off (a pooler in transaction mode that drops them)
//   RESETDESK_SECRET         base64, at least 32 bytes; the same on every replica (codes, tokens)
//   RESETDESK_HOST / _PORT   listen address (default 127.0.0.1:7420)
//   RESETDESK_TLS_CERT / _KEY   PEM files; without them plain HTTP behind a TLS proxy
//   RESETDESK_DEMO=1         seed the demo desk into an empty store (never with a connectors file: G1)
//   RESETDESK_CONNECTORS_FILE   connectors.json (LDAP, SMTP, SMS; agents' directory sign-in); its
//                            { "secret": "<account>" } references come from RESETDESK_SECRET_<ACCOUNT>
//                            (upper-case, other characters as _), as a server's secret manager sets them
import { readFileSync } from 'node:fs'
import { createBackend, jsonLogger } from '../index'
import { buildConnectors, parseConnectorsConfig } from '../config/connectors-config'
import { createHttpServer } from './server'
import type { StoreConfig } from '../store/database'

const env = process.env
const log = jsonLogger((line) => process.stdout.write(`${line}\n`))

function fatal(message: string): never {
  log.error('startup_failed', { message })
  process.exit(1)
}

// G1: the demo desk's agents and their public passwords never run beside a real directory.
if (env.RESETDESK_DEMO === '1' && env.RESETDESK_CONNECTORS_FILE) {
  fatal(
    'RESETDESK_DEMO=1 and RESETDESK_CONNECTORS_FILE are both set: the demo desk never runs beside real connectors. Unset RESETDESK_DEMO for your desk, or the connectors file for a training desk.',
  )
}

const store: StoreConfig = env.RESETDESK_DATABASE_URL
  ? {
      kind: 'postgres',
      connectionString: env.RESETDESK_DATABASE_URL,
      poolSize: Number(env.RESETDESK_DB_POOL ?? 10),
      preparedStatements: env.RESETDESK_DB_PREPARED !== '0',
    }
  : env.RESETDESK_SQLITE_FILE
    ? { kind: 'sqlite', file: env.RESETDESK_SQLITE_FILE }
    : fatal('set RESETDESK_DATABASE_URL (PostgreSQL) or RESETDESK_SQLITE_FILE')
const secret = env.RESETDESK_SECRET
  ? Buffer.from(env.RESETDESK_SECRET, 'base64')
  : fatal('set RESETDESK_SECRET (base64, 32 bytes or more), the same on every replica')
if (secret.length < 32) fatal('RESETDESK_SECRET must decode to at least 32 bytes')

// A server has no desktop keychain: the secret manager (systemd credentials, Kubernetes
// secrets, Vault agent) puts each referenced secret in the environment.
const envSecrets = { get: async (account: string) => env[`RESETDESK_SECRET_${account.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`] ?? null }
async function loadConnectors(file: string) {
  try {
    return await buildConnectors(parseConnectorsConfig(JSON.parse(readFileSync(file, 'utf8')), file), envSecrets, log)
  } catch (e) {
    return fatal(`connectors: ${(e as Error).message}`)
  }
}
/** G6 worker timings (RESETDESK_WEBHOOK_POLL_MS, _TIMEOUT_MS, _LEASE_MS, _BACKOFF_MS, _MAX_ATTEMPTS); defaults suit a desk. */
function webhookTimings() {
  const n = (name: string) => (env[name] && Number.isFinite(Number(env[name])) ? Number(env[name]) : undefined)
  const timings = {
    pollMs: n('RESETDESK_WEBHOOK_POLL_MS'),
    requestTimeoutMs: n('RESETDESK_WEBHOOK_TIMEOUT_MS'),
    leaseMs: n('RESETDESK_WEBHOOK_LEASE_MS'),
    backoffBaseMs: n('RESETDESK_WEBHOOK_BACKOFF_MS'),
    maxAttempts: n('RESETDESK_WEBHOOK_MAX_ATTEMPTS'),
  }
  return Object.fromEntries(Object.entries(timings).filter(([, v]) => v !== undefined))
}

const connectors = env.RESETDESK_CONNECTORS_FILE ? await loadConnectors(env.RESETDESK_CONNECTORS_FILE) : null

const backend = await createBackend({
  ...connectors?.backend,
  store,
  secret,
  demo: env.RESETDESK_DEMO === '1',
  log,
  // Test runs lower the scrypt cost; production keeps the default.
  ...(env.RESETDESK_HASH_COST_LOG2 ? { hashCost: { N: 2 ** Number(env.RESETDESK_HASH_COST_LOG2) } } : {}),
  ...(env.RESETDESK_RESET_LINK_BASE ? { resetLinkBase: env.RESETDESK_RESET_LINK_BASE } : {}),
  // F2/F3: how often this replica sweeps open intents, and how long an intent's writer keeps it.
  ...(env.RESETDESK_SWEEP_SECONDS ? { sweepEverySeconds: Number(env.RESETDESK_SWEEP_SECONDS) } : {}),
  ...(env.RESETDESK_INTENT_LEASE_SECONDS ? { intentLeaseSeconds: Number(env.RESETDESK_INTENT_LEASE_SECONDS) } : {}),
  webhooks: webhookTimings(),
})
if (connectors && backend.ctx.demo) {
  await backend.close()
  fatal(
    'the store holds the demo desk (seeded earlier with RESETDESK_DEMO=1); with RESETDESK_CONNECTORS_FILE it is never served. Use an empty database for your desk.',
  )
}
const tls =
  env.RESETDESK_TLS_CERT && env.RESETDESK_TLS_KEY
    ? { cert: readFileSync(env.RESETDESK_TLS_CERT), key: readFileSync(env.RESETDESK_TLS_KEY) }
    : undefined
const server = createHttpServer(backend, {
  tls,
  ...(env.RESETDESK_INTEGRATION_RATE_LIMIT
    ? { integrationRateLimit: { max: Number(env.RESETDESK_INTEGRATION_RATE_LIMIT), timeWindowMs: 60_000 } }
    : {}),
})
const address = await server.listen({ host: env.RESETDESK_HOST ?? '127.0.0.1', port: Number(env.RESETDESK_PORT ?? 7420) })
log.info('listening', { address, store: store.kind, tls: Boolean(tls) })

// Graceful shutdown: stop accepting, let requests in flight finish, then close the store.
let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    log.info('stopping', { signal })
    void server
      .close()
      .then(() => backend.close())
      .then(() => connectors?.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      )
  })
}
