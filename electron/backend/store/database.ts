// Opens the store: a SQLite file (embedded default) or PostgreSQL, migrated to the latest schema.
import { createHash } from 'node:crypto'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Compilable, type PostgresPool, type SqliteDatabase, type SqliteStatement, type Transaction } from 'kysely'
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
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) })
  return {
    db,
    dialect: 'sqlite',
    lock: async () => {},
    close: () => db.destroy(),
  }
}

/** How many distinct statements stay prepared (the lists, searches and steps use a few dozen). */
const preparedStatements = 256

/**
 * Kysely's SQLite driver prepares every statement it runs; compiling one costs about as much as
 * running a short indexed query. Statements are kept by their SQL text and reused (least
 * recently used dropped first). Safe because the driver runs one statement at a time on this
 * single connection, a streamed query included; SQLite recompiles a kept statement by itself
 * after a schema change.
 */
function reusingStatements(database: Database.Database): SqliteDatabase {
  const kept = new Map<string, SqliteStatement>()
  return {
    close: () => {
      kept.clear()
      database.close()
    },
    prepare: (text) => {
      let stmt = kept.get(text)
      if (stmt) kept.delete(text)
      else {
        stmt = database.prepare(text)
        if (kept.size >= preparedStatements) kept.delete(kept.keys().next().value!)
      }
      kept.set(text, stmt)
      return stmt
    },
  }
}

/** The comment that asks for a statement to be kept prepared on PostgreSQL (see executeKept). */
const keepMark = '/* kept */ '

/**
 * Runs a read as a statement kept prepared: on PostgreSQL it is parsed once per pooled connection
 * and, once the planner finds a generic plan as good as a fresh one, planned once too (planning
 * costs more than running a short indexed read). For the hot list reads whose best plan does not
 * hang on their parameters' values: not for LIKE searches, whose plan depends on the term. The
 * statement's text must come from a bounded set (values as parameters), since each connection
 * keeps each one. SQLite keeps every statement (reusingStatements).
 */
export async function executeKept<O>(db: Kysely<DB>, query: Compilable<O>): Promise<O[]> {
  const compiled = query.compile()
  const result = await db.executeQuery<O>({ ...compiled, sql: keepMark + compiled.sql })
  return result.rows
}

/** A pool whose clients run marked statements as named (prepared) ones, named by their text. */
function keepingMarkedStatements(pool: pg.Pool): PostgresPool {
  const patched = new WeakSet<pg.PoolClient>()
  return {
    connect: async () => {
      const client = await pool.connect()
      if (!patched.has(client)) {
        patched.add(client)
        const query = client.query.bind(client) as (...args: unknown[]) => unknown
        client.query = ((...args: unknown[]) => {
          const [text, values] = args
          if (typeof text === 'string' && text.startsWith(keepMark)) {
            return query({ name: `kept_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`, text, values })
          }
          return query(...args)
        }) as typeof client.query
      }
      return client
    },
    end: () => pool.end(),
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
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: keepingMarkedStatements(pool) }) })
  return {
    db,
    dialect: 'postgres',
    lock: async (trx, key) => {
      await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx)
    },
    close: () => db.destroy(),
  }
}
