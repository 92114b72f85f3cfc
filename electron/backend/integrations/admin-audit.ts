// Every administrative change is audited as `admin.<area>.<verb>` with {before, after} — views
// that hold no secret — in the same transaction as the change itself (G7). Outcomes as the
// admin helper's auditedChange writes them (created / changed / deleted), into which this folds.
import type { Transaction } from 'kysely'
import type { Agent } from '../../../shared/domain/types'
import type { RuleContext } from '../rules/context'
import { auditedTransaction } from '../rules/flows'
import type { DB } from '../store/schema'

export function adminChange<T>(
  ctx: RuleContext,
  admin: Agent,
  area: string,
  verb: string,
  before: unknown,
  after: unknown,
  work: (trx: Transaction<DB>) => Promise<T>,
): Promise<T> {
  return auditedTransaction(ctx, { agentId: admin.id, action: `admin.${area}.${verb}`, outcome: before === null ? 'created' : after === null ? 'deleted' : 'changed', detail: { before, after } }, work)
}
