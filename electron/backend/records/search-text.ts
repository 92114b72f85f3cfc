// The text a record is found by (R2 search): lower-cased number, caller and description, as the
// demo seed writes it. Every writer of records (seed, console, integration API) uses this one
// function so a record is found the same way whoever wrote it.
import type { RecordsTable } from '../store/schema'

type SearchFields = Pick<RecordsTable, 'kind' | 'number' | 'caller_name' | 'short_description' | 'description' | 'channel'>

export function searchTextOf(r: SearchFields): string {
  // Interactions are found by their channel ("walk-up"), incidents by their description.
  const tail = r.kind === 'interaction' ? (r.channel ?? '') : r.description
  return `${r.number} ${r.caller_name ?? ''} ${r.short_description} ${tail}`.toLowerCase()
}
