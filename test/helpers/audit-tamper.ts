// Tests that play an attacker who owns the database: the append-only triggers of migration 0009
// are lifted for the duration of `work` and put back afterwards, as such an owner could.
import { sql, type Kysely } from 'kysely'
import type { Store } from '../../electron/backend/store/database'
import type { DB } from '../../electron/backend/store/schema'

export async function asDatabaseOwner<T>(store: Store, work: (db: Kysely<DB>) => Promise<T>): Promise<T> {
  if (store.dialect === 'postgres') {
    await sql`alter table audit disable trigger user`.execute(store.db)
    try {
      return await work(store.db)
    } finally {
      await sql`alter table audit enable trigger user`.execute(store.db)
    }
  }
  const triggers = await sql<{
    name: string
    sql: string
  }>`select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'audit'`.execute(store.db)
  for (const t of triggers.rows) await sql`drop trigger ${sql.id(t.name)}`.execute(store.db)
  try {
    return await work(store.db)
  } finally {
    for (const t of triggers.rows) await sql.raw(t.sql).execute(store.db)
  }
}
