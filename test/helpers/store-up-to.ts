// A store as an older release left it: migrated up to a named migration only, so a test can put
// rows there the way that release wrote them and then see what the next migrations make of them.
import Database from 'better-sqlite3'
import { Kysely, Migrator, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { migrations } from '../../electron/backend/store/migrations'
import type { StoreConfig } from '../../electron/backend/store/database'

/** `any`: the schema of an older release, not today's DB type. */
export async function storeUpTo(config: StoreConfig, last: string): Promise<Kysely<any>> {
  const db =
    config.kind === 'sqlite'
      ? new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(config.file) }) })
      : new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: config.connectionString, max: 2 }) }) })
  const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations(config.kind) } }).migrateTo(last)
  if (error) throw error
  return db
}
