// A standalone backend replica as its own process (`electron/backend/http/main.ts` under tsx),
// ready once /readyz answers. Tests start two or more on one PostgreSQL.
import { spawn, type ChildProcess } from 'node:child_process'
import { freePort } from './service'

export interface Replica {
  url: string
  proc: ChildProcess
  output: () => string
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
  for (let i = 0; i < 300; i++) {
    if (proc.exitCode !== null) throw new Error(`replica exited: ${output}`)
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false)
    if (ready) return { url, proc, output: () => output }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`replica did not become ready: ${output}`)
}

/** SIGTERM to every replica still running, resolved once all have exited. */
export async function stopReplicas(replicas: Replica[]): Promise<void> {
  for (const r of replicas) if (r.proc.exitCode === null) r.proc.kill('SIGTERM')
  await Promise.all(replicas.map((r) => new Promise((resolve) => (r.proc.exitCode !== null ? resolve(null) : r.proc.on('exit', resolve)))))
}
