// F2/F3: intents. Before any credential-store change an intent row is committed (who, which
// user, which process and flow, when, what to record) together with the reservation it spends
// (the R4 use, or the reset link). The change's outcome then settles it exactly once — from the
// store's own answer, or, when that answer was lost, by asking the store (resetApplied) — and
// settling records the truth: R4 use confirmed or handed back, audit, work note, B11 notice, the
// link spent or given back. What nobody can tell yet stays open for the sweeper and supervisors.
import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { DB, IntentsTable } from '../store/schema'
import type { Selectable } from 'kysely'
import { appendAudit, type AuditEvent } from '../audit/audit-chain'
import { addMs, errorFacts, type RuleContext } from '../rules/context'
import { addWorkNote } from '../records/work-notes'
import { notifyAfterReset } from '../rules/after-reset'
import { isConnectionError } from '../store/connection-errors'
import type { DirectoryUser } from '../credentials/credential-store'
import type { DeskSettings } from '../../../shared/domain/desk-settings'

export type Intent = Selectable<IntentsTable>

/** What the settling records when the change took effect; names and facts only, never a secret. */
export interface IntentPlan {
  /** The audit entry's detail (unlock, must-change). */
  detail: Record<string, unknown>
  /** The work note for the record, when there is one (an agent's reset). */
  workNote: { author: string; text: string } | null
  /** B11: how the notice describes the reset. */
  noticeHow: string
}

export interface IntentStart {
  kind: 'reset' | 'link'
  agentId: string | null
  userId: string
  processId: string
  flowId: string
  recordId: string | null
  resetId: string | null
  tokenId: string | null
  credentialStore: string
  method: string
  plan: IntentPlan
}

/** B11: whom the notice goes to, when the request settling the intent has just read them. */
export interface NoticeTarget {
  user: DirectoryUser
  addresses: { emails: string[]; mobiles: string[] }
  deskSettings: DeskSettings
}

/** How long the writing process keeps an intent to itself before a sweeper may resolve it. */
export const intentLeaseMs = (ctx: RuleContext) => (ctx.intentLeaseSeconds ?? 120) * 1000

/** Written inside the caller's transaction, with the reservation it goes with. */
export async function writeIntent(ctx: RuleContext, trx: Transaction<DB>, start: IntentStart): Promise<Intent> {
  const now = ctx.now()
  const row: Intent = {
    id: randomUUID(),
    kind: start.kind,
    agent_id: start.agentId,
    user_id: start.userId,
    process_id: start.processId,
    flow_id: start.flowId,
    record_id: start.recordId,
    reset_id: start.resetId,
    token_id: start.tokenId,
    credential_store: start.credentialStore,
    method: start.method,
    plan: JSON.stringify(start.plan),
    created_at: now.toISOString(),
    lease_until: addMs(now, intentLeaseMs(ctx)).toISOString(),
    status: 'open',
    unresolved_at: null,
    resolved_at: null,
    resolved_by: null,
  }
  await trx.insertInto('intents').values(row).execute()
  return row
}

const auditAction = (intent: Intent) => (intent.kind === 'link' ? 'reset.link_completed' : 'reset')

function auditBase(intent: Intent): Omit<AuditEvent, 'action' | 'outcome'> {
  return {
    agentId: intent.agent_id,
    recordId: intent.record_id,
    userId: intent.user_id,
    processId: intent.process_id,
    flowId: intent.flow_id,
    method: intent.method,
  }
}

/**
 * Records the truth of an intent, once across every process and replica (the status update is
 * the claim). `applied`: the R4 use counts, the flow is reset, audit and work note, then the B11
 * notice. Not applied: the R4 use or the link is handed back and the failure audited.
 * Returns false when another process settled it first.
 */
export async function settleIntent(
  ctx: RuleContext,
  intent: Intent,
  applied: boolean,
  how: { by: string; reason?: string },
  notice?: NoticeTarget,
): Promise<boolean> {
  const plan = JSON.parse(intent.plan) as IntentPlan
  const now = ctx.now()
  const won = await ctx.store.db.transaction().execute(async (trx) => {
    const claimed = await trx
      .updateTable('intents')
      .set({ status: applied ? 'applied' : 'not_applied', resolved_at: now.toISOString(), resolved_by: how.by })
      .where('id', '=', intent.id)
      .where('status', '=', 'open')
      .executeTakeFirst()
    if (Number(claimed.numUpdatedRows) !== 1) return false
    if (applied) {
      if (intent.reset_id) await trx.updateTable('resets').set({ status: 'done' }).where('id', '=', intent.reset_id).execute()
      if (intent.kind === 'reset') await trx.updateTable('flows').set({ state: 'reset' }).where('id', '=', intent.flow_id).execute()
      if (plan.workNote && intent.record_id) await addWorkNote(ctx, trx, intent.record_id, plan.workNote.author, plan.workNote.text)
    } else {
      if (intent.reset_id) await trx.deleteFrom('resets').where('id', '=', intent.reset_id).execute()
      if (intent.token_id) await trx.updateTable('reset_tokens').set({ used_at: null }).where('id', '=', intent.token_id).execute()
    }
    const unresolvedBefore = intent.unresolved_at !== null || how.by !== 'answer'
    await appendAudit(ctx, trx, now, {
      ...auditBase(intent),
      action: auditAction(intent),
      outcome: applied ? 'done' : 'failed',
      detail: {
        ...(applied ? plan.detail : { reason: how.reason ?? 'not_applied' }),
        ...(unresolvedBefore ? { resolvedBy: how.by, intentId: intent.id } : {}),
      },
    })
    return true
  })
  if (won && applied) {
    try {
      const user = notice?.user ?? (await ctx.directory.get(intent.user_id))
      if (user)
        await notifyAfterReset(ctx, user, plan.noticeHow, { ...auditBase(intent) }, { credentialStore: intent.credential_store }, notice)
    } catch (e) {
      ctx.log.error('reset_notice_failed', { intentId: intent.id, ...errorFacts(e) })
    }
  }
  return won
}

const RETRY_DELAYS_MS = [200, 500, 1000, 2000]

/**
 * Settles while the database comes back from a dropped connection (a few seconds). Returns false
 * when it stayed down: the intent is still open and a sweeper records the truth later.
 */
export async function settleWithRetry(
  ctx: RuleContext,
  intent: Intent,
  applied: boolean,
  how: { by: string; reason?: string },
  notice?: NoticeTarget,
): Promise<boolean> {
  for (let attempt = 0; ; attempt++) {
    try {
      await settleIntent(ctx, intent, applied, how, notice)
      return true
    } catch (e) {
      if (!isConnectionError(e) || attempt >= RETRY_DELAYS_MS.length) {
        ctx.log.error('intent_unsettled', { intentId: intent.id, applied, ...errorFacts(e) })
        return false
      }
      await new Promise((r) => setTimeout(r, RETRY_DELAYS_MS[attempt]))
    }
  }
}

/** The agent was told OUTCOME_UNKNOWN: into the supervisors' queue, and audited as such. */
export async function markUnresolved(ctx: RuleContext, intent: Intent): Promise<void> {
  const now = ctx.now()
  try {
    await ctx.store.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('intents')
        .set({ unresolved_at: now.toISOString() })
        .where('id', '=', intent.id)
        .where('status', '=', 'open')
        .execute()
      await appendAudit(ctx, trx, now, {
        ...auditBase(intent),
        action: auditAction(intent),
        outcome: 'outcome_unknown',
        detail: { intentId: intent.id },
      })
    })
  } catch (e) {
    // The intent itself is committed and open: the sweeper finds it all the same.
    ctx.log.error('intent_mark_failed', { intentId: intent.id, ...errorFacts(e) })
  }
}

/**
 * Asks the intent's credential store whether the change took effect. `newPassword` only while the
 * request that sent it is still running (it is never stored). null: cannot tell now.
 */
export async function askStore(ctx: RuleContext, intent: Intent, newPassword?: string): Promise<boolean | null> {
  const store = ctx.credentialStores[intent.credential_store]
  if (!store?.resetApplied) return null
  try {
    return await store.resetApplied(intent.user_id, new Date(intent.created_at), newPassword)
  } catch (e) {
    ctx.log.error('intent_resolve_failed', { intentId: intent.id, ...errorFacts(e) })
    return null
  }
}
