// G5: record numbers like IMS0000001, race-free on SQLite and on PostgreSQL across replicas.
// The counter row is incremented inside the transaction that inserts the record: PostgreSQL's row
// lock makes concurrent creators take turns, SQLite has one writer anyway. Numbers written by
// others (the demo seed, an ITSM through the integration API) can be ahead of the counter: the
// unique index on records.number refuses the clash, and `raiseToHighest` moves the counter past
// them before the caller retries.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { RecordKind } from '../../../shared/domain/types'
import type { DB } from '../store/schema'

export const numberPrefixes: Record<RecordKind, string> = { incident: 'INC', interaction: 'IMS' }
const digits = 7

export function formatNumber(prefix: string, n: number): string {
  return `${prefix}${String(n).padStart(digits, '0')}`
}

/** The next number for the prefix; call inside the transaction that inserts the record. */
export async function nextNumber(trx: Transaction<DB>, prefix: string): Promise<string> {
  await trx
    .insertInto('record_numbers')
    .values({ prefix, last: 0 })
    .onConflict((oc) => oc.column('prefix').doNothing())
    .execute()
  const row = await trx
    .updateTable('record_numbers')
    .set((eb) => ({ last: eb('last', '+', 1) }))
    .where('prefix', '=', prefix)
    .returning('last')
    .executeTakeFirstOrThrow()
  return formatNumber(prefix, Number(row.last))
}

/**
 * Moves the counter to the highest number already used with the prefix. Only after a clash: it
 * reads the records of that prefix (longest, then greatest, so IMS10000000 beats IMS9999999).
 */
export async function raiseToHighest(db: Kysely<DB>, kind: RecordKind): Promise<void> {
  const prefix = numberPrefixes[kind]
  const top = await db
    .selectFrom('records')
    .select('number')
    .where('kind', '=', kind)
    .where('number', 'like', `${prefix}%`)
    .orderBy(sql`length(number)`, 'desc')
    .orderBy('number', 'desc')
    .limit(1)
    .executeTakeFirst()
  const highest = Number(top?.number.slice(prefix.length))
  if (!Number.isSafeInteger(highest)) return
  // An upsert: the clashing transaction rolled back, and with it a counter row it had created.
  await db
    .insertInto('record_numbers')
    .values({ prefix, last: highest })
    .onConflict((oc) => oc.column('prefix').doUpdateSet({ last: highest }).where('record_numbers.last', '<', highest))
    .execute()
}
