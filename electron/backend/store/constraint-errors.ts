// Which failures mean "a unique constraint refused the row", on either database: the caller lost
// a race (an open flow per user, a record number) and answers with its own catalogue error.
export function isUniqueViolation(e: unknown): boolean {
  const err = e as { code?: string }
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE'
}
