// G7: every administrative change is audited as `admin.<area>.<verb>` with what it was and what
// it became, in the same transaction as the change (both land or neither). Callers pass
// secret-free snapshots; as a second line, values under secret-looking keys are redacted here.
import type { Transaction } from 'kysely'
import type { DB } from '../store/schema'
import type { RuleContext } from '../rules/context'
import { auditedTransaction } from '../audit/audit-chain'

export interface AdminChange<T> {
  before: unknown
  after: unknown
  result: T
  /** Set when the change is about one process, so the audit row is found by process too. */
  processId?: string
}

const secretKey = /secret|password|passphrase|token|hash|private/i

/** A copy in which any value under a secret-looking key is replaced; the rest as it was. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets)
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, secretKey.test(k) ? '[redacted]' : redactSecrets(v)]))
  }
  return value
}

export function auditedChange<T>(
  ctx: RuleContext,
  agentId: string,
  action: `admin.${string}.${string}`,
  work: (trx: Transaction<DB>) => Promise<AdminChange<T>>,
): Promise<T> {
  return auditedTransaction(
    ctx,
    (change: AdminChange<T>) => ({
      agentId,
      processId: change.processId ?? null,
      action,
      outcome: change.before === null ? 'created' : change.after === null ? 'deleted' : 'changed',
      detail: { before: redactSecrets(change.before), after: redactSecrets(change.after) },
    }),
    work,
  ).then((change) => change.result)
}

/** auditedChange for a change whose before/after snapshots are known before it is made. */
export function adminChange<T>(
  ctx: RuleContext,
  agentId: string,
  action: `admin.${string}.${string}`,
  before: unknown,
  after: unknown,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return auditedChange(ctx, agentId, action, async (trx) => ({ before, after, result: await work(trx) }))
}
