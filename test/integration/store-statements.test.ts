// Issue 14: on PostgreSQL a statement is parsed and planned once per connection and then reused
// (a named prepared statement), not on every call; a desk behind a pooler that drops prepared
// statements turns this off.
import { sql } from 'kysely'
import { afterEach, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { openStore, type Store, type StoreConfig } from '../../electron/backend/store/database'

const pgVariant = storeVariants.find((v) => v.name === 'postgres')!

describe.skipIf(pgVariant.skip !== null)('PostgreSQL statements', () => {
  let store: Store | undefined
  let dispose: (() => Promise<void>) | undefined
  afterEach(async () => {
    await store?.close()
    await dispose?.()
    store = dispose = undefined
  })

  async function open(extra: Partial<Extract<StoreConfig, { kind: 'postgres' }>> = {}) {
    const created = await pgVariant.create()
    dispose = created.dispose
    store = await openStore({ ...(created.config as Extract<StoreConfig, { kind: 'postgres' }>), ...extra })
    return store
  }

  /** Runs a parameterised query three times on one connection (a transaction holds it) and lists what that connection has prepared. */
  const preparedAfterThreeRuns = (s: Store) =>
    s.db.transaction().execute(async (trx) => {
      for (const id of ['a', 'b', 'c']) await trx.selectFrom('agents').select('id').where('id', '=', id).execute()
      return (await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(trx)).rows
    })

  it('a statement with parameters is prepared once on its connection and reused', async () => {
    const prepared = await preparedAfterThreeRuns(await open())
    const agents = prepared.filter((p) => p.statement.includes('from "agents"'))
    expect(agents).toHaveLength(1)
    expect(agents[0]!.name).toMatch(/^rd_[0-9a-f]{32}$/)
  })

  it('a LIKE search is planned afresh each time (its best plan depends on the term): not prepared', async () => {
    const s = await open()
    const prepared = await s.db.transaction().execute(async (trx) => {
      for (const term of ['%a%', '%smith%', '%b%'])
        await trx.selectFrom('agents').select('id').where('display_name', 'like', term).execute()
      return (await sql<{ statement: string }>`select statement from pg_prepared_statements`.execute(trx)).rows
    })
    expect(prepared.filter((p) => p.statement.includes('like'))).toEqual([])
  })

  it('a statement that no longer fits its table (another replica migrated it) fails once, and its connection is not reused', async () => {
    const s = await open({ poolSize: 1 })
    const read = () => s.db.selectFrom('agents').selectAll().where('id', '=', 'nobody').execute()
    await read()
    await sql`alter table agents add column added_by_a_newer_replica text`.execute(s.db)
    await expect(read()).rejects.toMatchObject({ code: '0A000' })
    // The one connection was closed on release: a new one prepares the statement afresh.
    await expect(read()).resolves.toEqual([])
  })

  it('with preparedStatements off nothing is prepared', async () => {
    expect(await preparedAfterThreeRuns(await open({ preparedStatements: false }))).toEqual([])
  })
})
