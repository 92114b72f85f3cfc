// R2 search: what a record is found by (number, caller, short description, description), kept
// lower-cased in records.search_text for the trigram indexes. Every writer of a record uses this
// one recipe: the demo seed, the console's new interactions and the integration API.

export interface SearchableRecord {
  number: string
  callerName: string | null
  shortDescription: string
  description: string
}

export function searchTextOf(r: SearchableRecord): string {
  return [r.number, r.callerName, r.shortDescription, r.description]
    .filter((part): part is string => !!part)
    .join(' ')
    .toLowerCase()
}
