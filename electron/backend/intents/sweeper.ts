// F2/F3: the sweeper, run by every backend process. It settles open intents whose lease has run
// out (the writing process died, or its answer was lost), releases reservations nobody will
// finish, and (B11) contains reported resets whose containment is due: left half-done, or a
// re-lock the credential store did not answer, tried again (contain/containment.ts). Safe across
// replicas: each intent and report is taken with a short lease (a conditional update), and
// settling or recording happens once (each checks its claim in its own transaction).
import { AppError } from '../../../shared/errors'
import { addMs, errorFacts, type RuleContext } from '../rules/context'
import { appendAudit } from '../audit/audit-chain'
import { askStore, intentLeaseMs, settleIntent, type Intent } from './intents'
import { sweepReportedResets } from '../contain/containment'

export interface SweepReport {
  settled: number
  stillOpen: number
  releasedReservations: number
  /** B11: reports whose containment this round recorded (locked, or why not). */
  contained: number
  /** B11: re-lock tries the credential store did not answer this round; each has a next try scheduled. */
  containRetrying: number
}

async function takeLease(ctx: RuleContext, intent: Intent): Promise<boolean> {
  const now = ctx.now()
  const taken = await ctx.store.db
    .updateTable('intents')
    .set({ lease_until: addMs(now, intentLeaseMs(ctx)).toISOString() })
    .where('id', '=', intent.id)
    .where('status', '=', 'open')
    .where('lease_until', '=', intent.lease_until)
    .executeTakeFirst()
  return Number(taken.numUpdatedRows) === 1
}

export async function sweepOnce(ctx: RuleContext): Promise<SweepReport> {
  const now = ctx.now()
  const report: SweepReport = { settled: 0, stillOpen: 0, releasedReservations: 0, contained: 0, containRetrying: 0 }
  const due = await ctx.store.db
    .selectFrom('intents')
    .selectAll()
    .where('status', '=', 'open')
    .where('lease_until', '<=', now.toISOString())
    .orderBy('created_at')
    .limit(100)
    .execute()
  for (const intent of due) {
    if (!(await takeLease(ctx, intent))) continue
    const applied = await askStore(ctx, intent)
    if (applied === null) {
      report.stillOpen++
      continue
    }
    if (await settleIntent(ctx, intent, applied, { by: 'sweeper', reason: 'not_applied' })) report.settled++
  }
  report.releasedReservations = await releaseOrphanReservations(ctx)
  const contain = await sweepReportedResets(ctx)
  report.contained = contain.contained
  report.containRetrying = contain.retrying
  return report
}

/**
 * F3: an R4 use reserved for an emailed link (no credential change, so no intent) whose process
 * died before confirming it: counted when the link was stored (it may have gone out), handed
 * back when it was not.
 */
async function releaseOrphanReservations(ctx: RuleContext): Promise<number> {
  const now = ctx.now()
  const cutoff = addMs(now, -intentLeaseMs(ctx)).toISOString()
  const orphans = await ctx.store.db
    .selectFrom('resets')
    .selectAll()
    .where('status', '=', 'pending')
    .where('at', '<=', cutoff)
    .where(({ not, exists, selectFrom }) =>
      not(exists(selectFrom('intents').select('intents.id').whereRef('intents.reset_id', '=', 'resets.id'))),
    )
    .limit(100)
    .execute()
  let released = 0
  for (const r of orphans) {
    await ctx.store.db.transaction().execute(async (trx) => {
      await ctx.store.lock(trx, `resets:${r.user_id}:${r.process_id}`)
      const still = await trx.selectFrom('resets').select('id').where('id', '=', r.id).where('status', '=', 'pending').executeTakeFirst()
      if (!still) return
      const link =
        r.method === 'email_link'
          ? await trx
              .selectFrom('reset_tokens')
              .select('id')
              .where('flow_id', '=', r.flow_id)
              .where('created_at', '>=', r.at)
              .executeTakeFirst()
          : undefined
      if (link) await trx.updateTable('resets').set({ status: 'done' }).where('id', '=', r.id).execute()
      else await trx.deleteFrom('resets').where('id', '=', r.id).execute()
      await appendAudit(ctx, trx, now, {
        agentId: r.agent_id,
        userId: r.user_id,
        processId: r.process_id,
        flowId: r.flow_id,
        method: r.method,
        action: 'reset',
        outcome: link ? 'done' : 'released',
        detail: { resolvedBy: 'sweeper' },
      })
      released++
    })
  }
  return released
}

/** Runs the sweep every `everyMs` in this process; the returned function stops it. */
export function startSweeper(ctx: RuleContext, everyMs: number): () => void {
  let running = false
  const timer = setInterval(() => {
    if (running) return
    running = true
    sweepOnce(ctx)
      .then((r) => {
        if (r.settled || r.releasedReservations || r.contained || r.containRetrying) ctx.log.info('intents_swept', { ...r })
      })
      // A database that is down now is down for the requests too: the next round tries again.
      .catch((e) => ctx.log.error('intent_sweep_failed', { ...errorFacts(e), ...(e instanceof AppError ? { as: e.code } : {}) }))
      .finally(() => {
        running = false
      })
  }, everyMs)
  timer.unref()
  return () => clearInterval(timer)
}
