// A standalone backend replica as its own process (electron/backend/http/main.ts under tsx), ready
// once it listens. Tests start two or more on one PostgreSQL; the fault tests kill them.
import { spawn, type ChildProcess } from 'node:child_process'
import { freePort } from './service'

export interface Replica {
  url: string
  proc: ChildProcess
  output(): string
  alive(): boolean
  stop(): Promise<void>
}

export async function startReplica(env: Record<string, string>): Promise<Replica> {
  const port = await freePort()
  let output = ''
  const proc = spawn(process.execPath, ['--import', 'tsx', 'electron/backend/http/main.ts'], {
    env: { ...process.env, ...env, RESETDESK_PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout!.on('data', (d) => (output += d))
  proc.stderr!.on('data', (d) => (output += d))
  const url = `http://127.0.0.1:${port}`
  const replica: Replica = {
    url,
    proc,
    output: () => output,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    stop: async () => {
      if (!replica.alive()) return
      proc.kill('SIGTERM')
      await new Promise((r) => proc.on('exit', r))
    },
  }
  for (let i = 0; i < 300; i++) {
    if (!replica.alive()) throw new Error(`replica exited: ${output}`)
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) return replica
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`replica did not start: ${output}`)
}

/** SIGTERM to every replica still running, resolved once all have exited. */
export async function stopReplicas(replicas: Replica[]): Promise<void> {
  await Promise.all(replicas.map((r) => r.stop()))
}
