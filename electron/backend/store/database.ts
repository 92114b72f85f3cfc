// Opens the store: a SQLite file (embedded default) or PostgreSQL, migrated to the latest schema.
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Transaction } from 'kysely'
import Database from 'better-sqlite3'
import pg from 'pg'
import type { DB } from './schema'
import { migrations } from './migrations'

export type Dialect = 'sqlite' | 'postgres'

export type StoreConfig =
  | {
      kind: 'sqlite'
      file: string
      /** Path to a better_sqlite3.node built for the running runtime (Electron vs Node). */
      nativeBinding?: string
    }
  | { kind: 'postgres'; connectionString: string; poolSize?: number; connectTimeoutMs?: number }

export interface Store {
  db: Kysely<DB>
  dialect: Dialect
  /**
   * Serializes the transactions that touch one counter (R4, attempts, the audit chain).
   * PostgreSQL: a transaction-scoped advisory lock. SQLite: Kysely's driver runs one
   * transaction at a time on its single connection, so the transaction itself is the lock.
   */
  lock(trx: Transaction<DB>, key: string): Promise<void>
  close(): Promise<void>
}

export async function openStore(config: StoreConfig): Promise<Store> {
  const store = config.kind === 'sqlite' ? openSqlite(config) : openPostgres(config)
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations(store.dialect) },
  })
  const { error } = await migrator.migrateToLatest()
  if (error) {
    await store.close()
    throw error
  }
  return store
}

function openSqlite(config: { file: string; nativeBinding?: string }): Store {
  const database = new Database(config.file, config.nativeBinding ? { nativeBinding: config.nativeBinding } : {})
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database }) })
  return {
    db,
    dialect: 'sqlite',
    lock: async () => {},
    close: () => db.destroy(),
  }
}

function openPostgres(config: { connectionString: string; poolSize?: number; connectTimeoutMs?: number }): Store {
  const pool = new pg.Pool({ connectionString: config.connectionString, max: config.poolSize ?? 10, connectionTimeoutMillis: config.connectTimeoutMs ?? 5000 })
  // F1: an idle client whose server went away (restart, failover) is dropped by the pool and the
  // next query reconnects; without a listener the event would crash the process.
  pool.on('error', () => {})
  // F1: a client that is checked out (running a query) has no pool listener: when its backend
  // is terminated mid-query, node-postgres fails the query (the request gets its catalogue
  // error) and then emits 'error' on the client, which would end the process unheard. The pool
  // discards such a client on release (it is no longer queryable), so nothing else is needed.
  pool.on('connect', (client) => {
    client.on('error', () => {})
  })
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) })
  return {
    db,
    dialect: 'postgres',
    lock: async (trx, key) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx)
    },
    close: () => db.destroy(),
  }
}
