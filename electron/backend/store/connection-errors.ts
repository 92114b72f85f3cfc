// F1: which failures mean "the database connection is gone" (as opposed to a query the database
// refused). These are the ones a caller may retry on a fresh connection when the operation is
// idempotent, and the ones the agent sees as DATABASE_UNAVAILABLE instead of a technical error.

// SQLSTATE class 08 (connection exception) and the shutdown codes of class 57P: the server
// terminated the backend (pg_terminate_backend, a restart) or is not accepting connections yet.
const PG_CONNECTION_STATES = /^(08...|57P01|57P02|57P03)$/
const NODE_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTCONN', 'EAI_AGAIN'])
// node-postgres reports a dropped socket without a code, only with these sentences.
const PG_CLIENT_MESSAGES =
  /Connection terminated|not queryable|Client was closed|timeout exceeded when trying to connect|Connection ended unexpectedly/i

export function isConnectionError(e: unknown): boolean {
  const err = e as { code?: unknown; message?: unknown } | null
  if (!err || typeof err !== 'object') return false
  const code = typeof err.code === 'string' ? err.code : ''
  if (PG_CONNECTION_STATES.test(code) || NODE_SOCKET_CODES.has(code)) return true
  return typeof err.message === 'string' && PG_CLIENT_MESSAGES.test(err.message)
}
