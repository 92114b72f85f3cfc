// LIKE '%term%' that means the same in SQLite and PostgreSQL: wildcards in the term are escaped
// and the escape character is named (SQLite has no default one, PostgreSQL's is backslash).
import { sql, type RawBuilder } from 'kysely'

export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`)
}

/** `column` contains `term`, ignoring case (term is lower-cased here; column through lower()). */
export function containsIgnoringCase(column: string, term: string, columnIsLowerCase = false): RawBuilder<boolean> {
  const pattern = `%${escapeLike(term.toLowerCase())}%`
  const target = columnIsLowerCase ? sql.ref(column) : sql`lower(${sql.ref(column)})`
  return sql<boolean>`${target} like ${pattern} escape '\\'`
}
