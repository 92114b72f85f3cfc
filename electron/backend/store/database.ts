// Opens the store: a SQLite file (embedded default) or PostgreSQL, migrated to the latest schema.
import { createHash } from 'node:crypto'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type PostgresPool, type PostgresPoolClient, type Transaction } from 'kysely'
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
  | {
      kind: 'postgres'
      connectionString: string
      poolSize?: number
      connectTimeoutMs?: number
      /**
       * Statements prepared once per connection and reused (default true). Off for a pooler in
       * transaction mode that does not keep prepared statements (PgBouncer before 1.21).
       */
      preparedStatements?: boolean
    }

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
  const { store, migrated } = config.kind === 'sqlite' ? { store: openSqlite(config), migrated: () => {} } : openPostgres(config)
  const migrator = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => migrations(store.dialect) },
  })
  const { error } = await migrator.migrateToLatest()
  if (error) {
    await store.close()
    throw error
  }
  migrated()
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

function openPostgres(config: { connectionString: string; poolSize?: number; connectTimeoutMs?: number; preparedStatements?: boolean }): { store: Store; migrated: () => void } {
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
  // Prepared only once the schema is migrated: a statement prepared before a table changes would
  // fail after it ("cached plan must not change result type").
  let prepare = false
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparing(pool, () => prepare) }) })
  return {
    store: {
      db,
      dialect: 'postgres',
      lock: async (trx, key) => {
        await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx)
      },
      close: () => db.destroy(),
    },
    migrated: () => {
      prepare = config.preparedStatements !== false
    },
  }
}

/** Distinct statement texts given a name (the rest go unnamed): each named one is kept by every connection. */
const MAX_PREPARED = 2000

/**
 * Issue 14: a statement is parsed and planned once per connection and then reused, not on every
 * call. Kysely's statements with parameters go out as named prepared statements, named by a hash
 * of their text (node-postgres prepares a name on a connection the first time it sees it there).
 * Statements without parameters (BEGIN, COMMIT, DDL) go as they are.
 */
function preparing(pool: pg.Pool, enabled: () => boolean): PostgresPool {
  const names = new Map<string, string>()
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text)
    if (!name && names.size < MAX_PREPARED) {
      name = `rd_${createHash('sha1').update(text).digest('hex').slice(0, 32)}`
      names.set(text, name)
    }
    return name
  }
  // One wrapper per connection: Kysely keeps its own state by client.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>()
  // Connections holding a statement that no longer fits its table (another replica migrated it
  // while this one ran: "cached plan must not change result type", SQLSTATE 0A000). The statement
  // would fail there on every call, so the connection is closed on release, not reused.
  const stale = new WeakSet<pg.PoolClient>()
  return {
    connect: async () => {
      const client = await pool.connect()
      let wrapper = wrappers.get(client)
      if (!wrapper) {
        wrapper = {
          query: ((textOrCursor: unknown, parameters?: unknown[]) => {
            const name = typeof textOrCursor === 'string' && parameters?.length && enabled() ? nameOf(textOrCursor) : undefined
            if (!name) return client.query(textOrCursor as string, parameters)
            return client.query({ name, text: textOrCursor as string, values: parameters }).catch((e: { code?: string }) => {
              if (e?.code === '0A000') stale.add(client)
              throw e
            })
          }) as unknown as PostgresPoolClient['query'],
          release: (destroy?: boolean) => client.release(destroy || stale.has(client)),
        }
        wrappers.set(client, wrapper)
      }
      return wrapper
    },
    end: () => pool.end(),
  }
}
