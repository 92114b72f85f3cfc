// A throwaway PostgreSQL cluster for the test run: initdb into a temp folder, start on a free
// loopback port, stop and delete at the end. Needs Debian's postgresql package and root (the
// server runs as the 'postgres' system user).
import { execFileSync } from 'node:child_process'
import pg from 'pg'
import { existsSync, mkdtempSync, readdirSync, rmSync, chownSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, type ServiceAddress, type ServiceStarter } from './service'

declare module 'vitest' {
  export interface ProvidedContext {
    postgres: ServiceAddress
  }
}

export interface PgCluster {
  url: string
  stop(): void
  /** F8: stop the server (fast shutdown: sessions terminated) and keep its data, for resume(). */
  halt(): void
  resume(): void
}

/**
 * A new database on the cluster, owned by its app user (PostgreSQL 15+ gives no one else CREATE
 * on public); resolves with its connection string.
 */
export async function createClusterDatabase(cluster: PgCluster, name: string): Promise<string> {
  const admin = new pg.Client({ connectionString: cluster.url })
  await admin.connect()
  try {
    await admin.query(`create database ${name}`)
  } finally {
    await admin.end()
  }
  const url = new URL(cluster.url)
  url.pathname = `/${name}`
  return url.toString()
}

export function findPgBin(): string | null {
  const root = '/usr/lib/postgresql'
  if (!existsSync(root)) return null
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a))
  for (const v of versions) if (existsSync(join(root, v, 'bin', 'pg_ctl'))) return join(root, v, 'bin')
  return null
}

export async function startPgCluster(bin: string): Promise<PgCluster> {
  const dir = mkdtempSync(join(tmpdir(), 'resetdesk-pg-'))
  const port = await freePort()
  const pgUid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
  const pgGid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
  chownSync(dir, pgUid, pgGid)
  const asPostgres = (cmd: string, args: string[]) =>
    execFileSync('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args], { stdio: 'pipe' })
  asPostgres('initdb', ['-D', join(dir, 'data'), '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync'])
  const start = () =>
    asPostgres('pg_ctl', [
      '-D',
      join(dir, 'data'),
      '-l',
      join(dir, 'server.log'),
      '-w',
      '-t',
      '30',
      '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`,
      'start',
    ])
  start()
  let running = true
  asPostgres('psql', ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-Atq', '-c', "create user app password 'app' createdb"])
  return {
    url: `postgres://app:app@127.0.0.1:${port}/postgres`,
    halt: () => {
      if (!running) return
      asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'fast', '-w', 'stop'])
      running = false
    },
    resume: () => {
      if (running) return
      start()
      running = true
    },
    stop() {
      try {
        asPostgres('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop'])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  }
}

export const postgresService: ServiceStarter = {
  name: 'postgres',
  async start() {
    const bin = findPgBin()
    if (!bin) return { missing: 'PostgreSQL is not installed (apt-get install postgresql)' }
    if (process.getuid?.() !== 0) return { missing: 'a throwaway PostgreSQL cluster needs root (it runs as the postgres user)' }
    try {
      return await startPgCluster(bin)
    } catch (e) {
      return { missing: `PostgreSQL did not start: ${(e as Error).message}` }
    }
  },
}
