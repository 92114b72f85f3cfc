// Issue 11 item 1 (F1) in process: a PostgreSQL backend terminated while it runs a query. Before
// the fix node-postgres emitted 'error' on the checked-out client with no listener, which ends
// the process (here: vitest reports it as an unhandled error and the run fails).
import pg from 'pg'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { openStore, type Store, type StoreConfig } from '../../electron/backend/store/database'
import { isConnectionError } from '../../electron/backend/store/connection-errors'

const pgVariant = storeVariants.find((v) => v.name === 'postgres')!

describe.skipIf(pgVariant.skip !== null)('F1: a connection terminated mid-query', () => {
  let store: Store
  let url: string
  let dispose: () => Promise<void>
  beforeAll(async () => {
    const created = await pgVariant.create()
    dispose = created.dispose
    url = (created.config as Extract<StoreConfig, { kind: 'postgres' }>).connectionString
    store = await openStore(created.config)
  })
  afterAll(async () => {
    await store?.close()
    await dispose?.()
  })

  it('fails that query with a connection error, emits nothing unheard, and the next query succeeds', async () => {
    const unheard: unknown[] = []
    const onUncaught = (e: unknown) => unheard.push(e)
    process.on('uncaughtException', onUncaught)
    try {
      const killer = new pg.Client({ connectionString: url })
      await killer.connect()
      // Inside transactions, as the rules run their locked steps: the client is still checked out
      // (Kysely rolls back on it) when node-postgres sees the socket end and emits 'error'.
      const queries = Array.from({ length: 4 }, () =>
        store.db
          .transaction()
          .execute((trx) => sql`select pg_sleep(3)`.execute(trx))
          .then(
            () => null,
            (e) => e,
          ),
      )
      await new Promise((r) => setTimeout(r, 300))
      const killed = await killer.query(
        `select pg_terminate_backend(pid) as t from pg_stat_activity where query like 'select pg_sleep%' and pid <> pg_backend_pid()`,
      )
      await killer.end()
      expect(killed.rows.filter((r) => r.t)).toHaveLength(4)
      const errors = await Promise.all(queries)
      for (const e of errors) expect(isConnectionError(e)).toBe(true)
      await new Promise((r) => setTimeout(r, 100))
      expect(unheard).toEqual([])
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(store.db)
      expect(rows).toEqual([{ one: 1 }])
    } finally {
      process.off('uncaughtException', onUncaught)
    }
  })
})
