// The desk's settings (G7), one JSON row in `meta`. Never cached: every replica reads the row,
// so an admin's change is in force everywhere on the next request.
import type { Kysely, Transaction } from 'kysely'
import { deskSettingsSchema, type DeskSettings } from '../../../shared/domain/desk-settings'
import type { DB } from '../store/schema'

export const DESK_SETTINGS_KEY = 'desk_settings'
const KEY = DESK_SETTINGS_KEY

export async function loadDeskSettings(db: Kysely<DB> | Transaction<DB>): Promise<DeskSettings> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', KEY).executeTakeFirst()
  return parseDeskSettings(row?.value)
}

/** The stored row's value (absent: every default). */
export function parseDeskSettings(value: string | null | undefined): DeskSettings {
  // A row written by an older version may lack newer fields: the schema fills their defaults.
  return deskSettingsSchema.parse(value ? JSON.parse(value) : {})
}

export async function saveDeskSettings(db: Kysely<DB> | Transaction<DB>, settings: DeskSettings): Promise<void> {
  const value = JSON.stringify(deskSettingsSchema.parse(settings))
  await db
    .insertInto('meta')
    .values({ key: KEY, value })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value }))
    .execute()
}
