// A fresh PostgreSQL database for a bench: on BENCH_PG_URL's server, else on a throwaway cluster
// (root and Debian's postgresql), stopped afterwards. Says so and returns false where there is none.
import pg from 'pg'
import { findPgBin, startPgCluster } from '../test/helpers/pg-cluster'

export async function withBenchDatabase(name: string, run: (connectionString: string) => Promise<void>): Promise<boolean> {
  let url = process.env.BENCH_PG_URL ?? null
  let stop = () => {}
  if (!url) {
    const bin = findPgBin()
    if (!bin || process.getuid?.() !== 0) {
      console.log('\nPostgreSQL: skipped (no server: set BENCH_PG_URL, or run as root with postgresql installed)')
      return false
    }
    const cluster = await startPgCluster(bin)
    url = cluster.url
    stop = cluster.stop
  }
  try {
    // The cluster's app user owns a database of its own (it cannot create tables in postgres).
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`drop database if exists ${name}`)
    await admin.query(`create database ${name}`)
    await admin.end()
    const u = new URL(url)
    u.pathname = `/${name}`
    await run(u.toString())
  } finally {
    stop()
  }
  return true
}
