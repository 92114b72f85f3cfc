// Opens the store: a SQLite file (embedded default) or PostgreSQL, migrated to the latest schema.
import { createHash } from 'node:crypto'
import {
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  sql,
  type Compilable,
  type PostgresPool,
  type PostgresPoolClient,
  type SqliteDatabase,
  type SqliteStatement,
  type Transaction,
} from 'kysely'
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
  /**
   * For a search driven from its matches (records/list.ts): on PostgreSQL, connections of their
   * own whose planner reads a table only through a bitmap (sequential and plain index scans off),
   * so it cannot bet on a walk that a clustered term makes long. SQLite: `db`.
   */
  searchDb: Kysely<DB>
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

/** SQLite's page cache, in KiB (see openSqlite). */
export const sqliteCacheKiB = 24 * 1024

function openSqlite(config: { file: string; nativeBinding?: string }): Store {
  const database = new Database(config.file, config.nativeBinding ? { nativeBinding: config.nativeBinding } : {})
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = NORMAL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  // 24 MiB of page cache, not SQLite's default 2 MiB: at 1M records the file is over 1 GB, and a
  // search that walks a list tests a few thousand rows scattered over the table; with 2 MiB each
  // is a read from the OS (measured at 1M, a 2% term's page: 11 ms with 2 MiB, 2 ms with 32 MiB
  // when hot). Bounded by PRODUCT.md §5's 150 MB: the embedded backend at 1M is 118 MB with 2 MiB
  // and 140 MB with 24 MiB after a day's mix of lists and searches (bench/embedded-rss.ts).
  database.pragma(`cache_size = -${sqliteCacheKiB}`)
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: reusingStatements(database) }) })
  return {
    db,
    searchDb: db,
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

/** The planner settings of PostgreSQL's search connections (Store.searchDb): a bitmap only. */
export const searchPlannerOptions = '-c enable_seqscan=off -c enable_indexscan=off'

function openPostgres(config: { connectionString: string; poolSize?: number; connectTimeoutMs?: number; preparedStatements?: boolean }): {
  store: Store
  migrated: () => void
} {
  // Prepared only once the schema is migrated: a statement prepared before a table changes would
  // fail after it ("cached plan must not change result type").
  let prepare = false
  const kyselyOver = (max: number, options?: string) => {
    const pool = new pg.Pool({
      connectionString: config.connectionString,
      max,
      connectionTimeoutMillis: config.connectTimeoutMs ?? 5000,
      ...(options ? { options } : {}),
    })
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
    return new Kysely<DB>({ dialect: new PostgresDialect({ pool: preparing(pool, () => prepare) }) })
  }
  const poolSize = config.poolSize ?? 10
  const db = kyselyOver(poolSize)
  // Half as many: only searches of a rare term (or a clustered one) run there, each a few ms.
  const searchDb = kyselyOver(Math.ceil(poolSize / 2), searchPlannerOptions)
  return {
    store: {
      db,
      searchDb,
      dialect: 'postgres',
      lock: async (trx, key) => {
        await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx)
      },
      close: async () => {
        await Promise.all([db.destroy(), searchDb.destroy()])
      },
    },
    migrated: () => {
      prepare = config.preparedStatements !== false
    },
  }
}

/** Distinct statement texts given a name (the rest go unnamed): each named one is kept by every connection. */
const MAX_PREPARED = 2000

/** A LIKE search: its best plan depends on the term, so it is planned afresh each time (see executeKept). */
export const patternMatch = /\blike\b/i

/**
 * Issue 14: a statement is parsed once per connection and then reused, not on every call (and
 * planned once, when PostgreSQL finds a generic plan as good as a fresh one). Statements with
 * parameters go out as named prepared statements, named by a hash of their text (node-postgres
 * prepares a name on a connection the first time it sees it there): the rules' steps, by key,
 * and the reads executeKept marks. Not LIKE searches, nor statements without parameters (BEGIN,
 * COMMIT, DDL).
 */
function preparing(pool: pg.Pool, enabled: () => boolean): PostgresPool {
  const names = new Map<string, string>()
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text)
    if (!name && names.size < MAX_PREPARED) {
      const hash = (algorithm: string) => createHash(algorithm).update(text).digest('hex').slice(0, 32)
      if (text.startsWith(keepMark)) name = `kept_${hash('sha256')}`
      else if (!patternMatch.test(text)) name = `rd_${hash('sha1')}`
      else return undefined
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
            const name =
              typeof textOrCursor === 'string' && enabled() && (parameters?.length || textOrCursor.startsWith(keepMark))
                ? nameOf(textOrCursor)
                : undefined
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
