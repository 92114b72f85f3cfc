// A standalone backend replica as its own process (electron/backend/http/main.ts under tsx), ready
// once it listens; and a set of them on one fresh PostgreSQL database, as the replica tests and
// the fault tests start them (they kill them too).
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { freePort } from './service'
import { storeVariants } from './stores'
import { nodeFetch } from './transports'
import { demoPasswords } from './backend-harness'
import { createRemoteOperations } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'
import type { Operations, Session } from '../../electron/backend/operations'
import type { StoreConfig } from '../../electron/backend/store/database'

export interface Replica {
  url: string
  proc: ChildProcess
  output(): string
  alive(): boolean
  /** Sends `signal` (SIGKILL: a crash) and resolves with the exit code once the process is gone. */
  kill(signal?: NodeJS.Signals): Promise<number | null>
  /** SIGTERM unless it already exited; resolves once it has. */
  stop(): Promise<void>
}

/** `port`: a replica restarted where a killed one listened. */
export async function startReplica(env: Record<string, string>, port?: number): Promise<Replica> {
  port ??= await freePort()
  let output = ''
  const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/backend/http/main.ts'], {
    env: { ...process.env, ...env, RESETDESK_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout!.on('data', (d) => (output += d))
  proc.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)))
  const replica: Replica = {
    url,
    proc,
    output: () => output,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    kill: (signal = 'SIGKILL') => {
      proc.kill(signal)
      return exited
    },
    stop: async () => {
      if (replica.alive()) proc.kill('SIGTERM')
      await exited
    },
  }
  for (let i = 0; i < 300; i++) {
    if (!replica.alive()) throw new Error(`replica exited: ${output}`)
    if (
      await fetch(`${url}/healthz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return replica
    await new Promise((r) => setTimeout(r, 100))
  }
  await replica.stop()
  throw new Error(`replica did not start: ${output}`)
}

/** SIGTERM to every replica still running, resolved once all have exited. */
export async function stopReplicas(replicas: Replica[]): Promise<void> {
  await Promise.all(replicas.map((r) => r.stop()))
}

/** A console's remote operations and its session, as main holds them in remote mode. */
export interface Console {
  ops: Operations
  session: Session
}

/** Signs in through a replica's HTTP API; a demo agent's password is the demo desk's. */
export async function signInThrough(replica: Replica, username: string, password = demoPasswords[username]!): Promise<Console> {
  const ops = createRemoteOperations({ baseUrl: replica.url, secrets: new MemorySecretStore(), fetch: nodeFetch })
  const session: Session = { agentId: null }
  await ops['session:signIn'](session, { username, password })
  return { ops, session }
}

const postgres = storeVariants.find((v) => v.name === 'postgres')!
/** Why replica sets are skipped on this machine (never under CI=true). */
export const replicasSkip = postgres.skip

export interface ReplicaSet {
  /** Every replica started, in order (stopped ones stay listed). */
  replicas: Replica[]
  /** Console i is signed in through replica i, as `agents[i]`. */
  consoles: Console[]
  /** What each replica was started with: the database, the shared secret, the test hash cost. */
  env: Record<string, string>
  connectionString: string
  storeConfig: Extract<StoreConfig, { kind: 'postgres' }>
  /** One more replica on the same database (on `port`: a killed one's restart). */
  start(port?: number): Promise<Replica>
  /** Stops every replica, then drops the database. */
  stop(): Promise<void>
}

export interface ReplicaSetOptions {
  /** Seed and serve the demo desk (default); false for a real desk, whose `env` names a connectors file. */
  demo?: boolean
  /** More environment for every replica (webhook timings, pool size, connectors). */
  env?: Record<string, string>
  /** Demo agents signed in through replica 0, 1, ... (fewer than replicas is fine). */
  agents?: string[]
}

/**
 * `n` replicas on one fresh PostgreSQL database, started one after the other: the first migrates
 * (and seeds the demo desk), the others find both done.
 */
export async function startReplicasOnPostgres(n: number, options: ReplicaSetOptions = {}): Promise<ReplicaSet> {
  const db = await postgres.create()
  const storeConfig = db.config as Extract<StoreConfig, { kind: 'postgres' }>
  const env: Record<string, string> = {
    RESETDESK_DATABASE_URL: storeConfig.connectionString,
    RESETDESK_SECRET: randomBytes(32).toString('base64'),
    RESETDESK_HASH_COST_LOG2: '10',
    ...(options.demo === false ? {} : { RESETDESK_DEMO: '1' }),
    ...options.env,
  }
  const replicas: Replica[] = []
  const set: ReplicaSet = {
    replicas,
    consoles: [],
    env,
    connectionString: storeConfig.connectionString,
    storeConfig,
    async start(port) {
      const replica = await startReplica(env, port)
      replicas.push(replica)
      return replica
    },
    async stop() {
      await stopReplicas(replicas)
      await db.dispose()
    },
  }
  try {
    for (let i = 0; i < n; i++) await set.start()
    for (const [i, username] of (options.agents ?? []).entries()) set.consoles.push(await signInThrough(replicas[i]!, username))
  } catch (e) {
    await set.stop()
    throw e
  }
  return set
}
