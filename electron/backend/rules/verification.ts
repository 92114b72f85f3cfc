// R5: verifying the caller. Each method has its attempts per user in a rolling window, counted
// under a lock across flows and agents; codes are CSPRNG digits kept only as keyed hashes.
import { randomUUID } from 'node:crypto'
import type { Transaction } from 'kysely'
import type { DB } from '../store/schema'
import { AppError } from '../../../shared/errors'
import type { CodeMethod, FlowView, VerifyMethod } from '../../../shared/domain/types'
import { foldAnswer, keyedEqual, keyedHash, randomCode, slowVerify } from '../crypto/secrets'
import { addMs, errorFacts, minutes, type RuleContext } from './context'
import { appendAudit, auditedTransaction } from '../audit/audit-chain'
import { enterFlow, flowAudit, flowView, type FlowScope } from './flows'
import { isEnrolled, loadEnrolment, type EnrolmentRead, type UserEnrolment } from '../enrolment/enrolment-store'
import { attemptLockKey, attemptTimes, attemptUsage, attemptUsageOf, attemptWindowStart } from './limits'
import { maskEmail, maskPhone } from './masking'
import { codeMessage } from '../notify/templates'

/** The method must be offered, enrolled (G4: read from the enrolment tables) and still open for this user. */
export async function requireMethodOpen(
  ctx: RuleContext,
  scope: FlowScope,
  method: VerifyMethod,
  opts: { limitCheckedUnderLock?: boolean } = {},
): Promise<EnrolmentRead> {
  if (!scope.process.methods.includes(method)) throw new AppError('METHOD_NOT_ALLOWED', { method })
  const enrolment = scope.enrolment ?? (await loadEnrolment(ctx.store.db, scope.user))
  if (!isEnrolled(enrolment, method)) throw new AppError('NOT_ENROLLED', { method })
  // A step that goes straight to `attempt` is refused there, under the lock, with the same error
  // (and a send in its reservation, under the flow's lock).
  if (opts.limitCheckedUnderLock) return enrolment
  const usage = await attemptUsage(ctx.store.db, scope.user.id, method, scope.process, ctx.now())
  if (usage.left === 0) throw new AppError('MAX_ATTEMPTS', { method, closedUntil: usage.freesAt })
  return enrolment
}

type Judgement =
  | { pass: true }
  | { pass: false; error: 'CODE_INCORRECT' | 'CODE_ALREADY_USED' | 'ANSWERS_INCORRECT' | 'PERSONAL_DATA_INCORRECT' }
  | { refuse: AppError }

/**
 * Records one attempt under the method's lock and audits it. `judge` runs inside the lock so a
 * single-use code cannot be spent twice and a fourth attempt cannot slip past three.
 */
export async function attempt(
  ctx: RuleContext,
  scope: FlowScope,
  method: VerifyMethod,
  judge: (trx: Transaction<DB>) => Promise<Judgement>,
  enrolment?: UserEnrolment,
): Promise<FlowView> {
  const now = ctx.now()
  const outcome = await ctx.store.db.transaction().execute(async (trx) => {
    await ctx.store.lock(trx, attemptLockKey(scope.user.id, method))
    const failedBefore = await attemptTimes(trx, scope.user.id, method, scope.process, now)
    const before = attemptUsageOf(failedBefore, scope.process)
    if (before.left === 0) return { refuse: new AppError('MAX_ATTEMPTS', { method, closedUntil: before.freesAt }) }
    const judgement = await judge(trx)
    if ('refuse' in judgement) return judgement
    await trx
      .insertInto('attempts')
      .values({
        id: randomUUID(),
        user_id: scope.user.id,
        method,
        flow_id: scope.flow.id,
        agent_id: scope.agent.id,
        at: now.toISOString(),
        success: judgement.pass ? 1 : 0,
      })
      .execute()
    // Under the method's lock nobody else adds a failure: this one is the only change (no re-read).
    const after = judgement.pass ? before : attemptUsageOf([...failedBefore, now.toISOString()], scope.process)
    if (!judgement.pass && after.left === 0) {
      // The method closes for this user: no code of it may pass any more.
      await trx
        .updateTable('codes')
        .set({ state: 'void' })
        .where('user_id', '=', scope.user.id)
        .where('method', '=', method)
        .where('state', '=', 'active')
        .execute()
    }
    await appendAudit(
      ctx,
      trx,
      now,
      flowAudit(scope, 'verify.check', judgement.pass ? 'passed' : after.left === 0 ? 'failed_closed' : 'failed', {
        method,
        detail: { attemptsLeft: after.left },
      }),
    )
    return { judgement, after }
  })
  if ('refuse' in outcome) throw outcome.refuse
  const { judgement, after } = outcome
  if (!judgement.pass) {
    if (after.left === 0) throw new AppError('MAX_ATTEMPTS', { method, closedUntil: after.freesAt })
    throw new AppError(judgement.error, { method, attemptsLeft: after.left })
  }
  // An attempt changes neither the user nor their enrolment: the view reuses what this step read.
  return flowView(ctx, scope.flow.id, { userId: scope.user.id, process: scope.process, user: scope.user, enrolment })
}

/** R5.1 / R5.2: send a new code, voiding the previous one. A failed delivery uses no attempt. */
export async function sendCode(
  ctx: RuleContext,
  agentId: string,
  input: { flowId: string; method: CodeMethod; carriers?: Record<string, string> },
): Promise<{ flow: FlowView; sentTo: string[] }> {
  const scope = await enterFlow(ctx, agentId, input.flowId, { enrolment: true })
  const { process, user, flow } = scope
  // A closed method is refused in the reservation below (issue 14: one statement less).
  const enrolment = await requireMethodOpen(ctx, scope, input.method, { limitCheckedUnderLock: true })
  // G4: codes go to the trusted directory contacts and the confirmed personal ones.
  const recipients =
    input.method === 'email_code'
      ? enrolment.emails.map((to) => ({ to, shown: maskEmail(to)! }))
      : smsRecipients(ctx, enrolment.mobiles, input.carriers)
  const code = randomCode(process.settings.codeLength)
  // R5/G7: the process's own code lifetime wins; without one, the desk's setting (read afresh).
  const minutesValid = process.settings.codeTtlMinutes ?? enrolment.deskSettings.codeTtlMinutes
  const message = codeMessage({ code, minutesValid })
  const now = ctx.now()
  const codeId = randomUUID()

  // F4: the send is reserved under the flow's lock, from the flow row as it is now (not as it was
  // when this request began): the limit and the pause hold across concurrent calls and replicas,
  // and nothing goes out that was not reserved. The new code waits as 'pending' until delivered.
  const reserved = await ctx.store.db.transaction().execute(async (trx) => {
    await ctx.store.lock(trx, `flow:${flow.id}`)
    // R5: sends are counted per method (email and SMS each have their own), from the codes the
    // flow holds; a failed delivery deleted its code, so it does not count. With them, the
    // method's failed attempts (a closed method sends nothing). One statement.
    const fresh = await trx
      .selectFrom('flows')
      .select((eb) => [
        'sends',
        'last_send_at',
        eb
          .selectFrom('codes')
          .select((c) => c.fn.countAll<number>().as('n'))
          .where('flow_id', '=', flow.id)
          .where('method', '=', input.method)
          .as('sent_with_method'),
        eb
          .selectFrom('attempts')
          .select((a) => a.fn.countAll<number>().as('n'))
          .where('user_id', '=', user.id)
          .where('method', '=', input.method)
          .where('success', '=', 0)
          .where('at', '>', attemptWindowStart(process, now).toISOString())
          .as('failed_attempts'),
      ])
      .where('id', '=', flow.id)
      .executeTakeFirstOrThrow()
    if (Number(fresh.failed_attempts) >= process.settings.attemptsPerMethod) {
      // Only now the times, for when the method opens again.
      const usage = await attemptUsage(trx, user.id, input.method, process, now)
      return { refuse: new AppError('MAX_ATTEMPTS', { method: input.method, closedUntil: usage.freesAt }) }
    }
    if (Number(fresh.sent_with_method) >= process.settings.maxSends) return { refuse: new AppError('MAX_RESENDS') }
    if (fresh.last_send_at) {
      const retryAt = addMs(new Date(fresh.last_send_at), process.settings.resendPauseSeconds * 1000)
      if (retryAt > now) return { refuse: new AppError('RESEND_TOO_SOON', { retryAt: retryAt.toISOString() }) }
    }
    await trx
      .updateTable('flows')
      .set({ sends: fresh.sends + 1, last_send_at: now.toISOString() })
      .where('id', '=', flow.id)
      .execute()
    await trx
      .insertInto('codes')
      .values({
        id: codeId,
        flow_id: flow.id,
        user_id: user.id,
        method: input.method,
        code_hash: keyedHash(ctx.keys.codes, code),
        created_at: now.toISOString(),
        expires_at: addMs(now, minutes(minutesValid)).toISOString(),
        state: 'pending',
      })
      .execute()
    return { previousSendAt: fresh.last_send_at }
  })
  if ('refuse' in reserved) throw reserved.refuse

  try {
    for (const r of recipients) {
      await ctx.notifier.deliver({
        channel: input.method === 'email_code' ? 'email' : 'sms',
        userId: user.id,
        to: r.to,
        subject: input.method === 'email_code' ? message.subject : null,
        text: message.text,
        ...(input.method === 'email_code' ? { html: message.html } : {}),
      })
    }
  } catch (e) {
    ctx.log.error('delivery_failed', { flowId: flow.id, method: input.method, ...errorFacts(e) })
    // R5: a failed delivery consumes nothing: the send is handed back and its code dropped.
    await auditedTransaction(ctx, flowAudit(scope, 'verify.send', 'delivery_failed', { method: input.method }), async (trx) => {
      await ctx.store.lock(trx, `flow:${flow.id}`)
      await trx.deleteFrom('codes').where('id', '=', codeId).execute()
      await trx
        .updateTable('flows')
        .set((eb) => ({ sends: eb('sends', '-', 1) }))
        .where('id', '=', flow.id)
        .execute()
      // The pause restarts from the previous send, unless another send has been reserved since.
      await trx
        .updateTable('flows')
        .set({ last_send_at: reserved.previousSendAt })
        .where('id', '=', flow.id)
        .where('last_send_at', '=', now.toISOString())
        .execute()
    })
    throw new AppError('DELIVERY_FAILED', { method: input.method })
  }

  const sentTo = recipients.map((r) => r.shown)
  await ctx.store.db.transaction().execute(async (trx) => {
    await ctx.store.lock(trx, `flow:${flow.id}`)
    // A resend voids the code before it (R5); only now, once the new one has gone out. One
    // statement: the method's active code becomes void and the pending new one active.
    await trx
      .updateTable('codes')
      .set((eb) => ({ state: eb.case().when('id', '=', codeId).then('active').else('void').end() }))
      .where('flow_id', '=', flow.id)
      .where('method', '=', input.method)
      .where((eb) => eb.or([eb('state', '=', 'active'), eb.and([eb('id', '=', codeId), eb('state', '=', 'pending')])]))
      .execute()
    await appendAudit(ctx, trx, now, flowAudit(scope, 'verify.send', 'sent', { method: input.method, detail: { sentTo } }))
  })
  // Sending changes neither the user nor their enrolment: the view reuses what this step read.
  return { flow: await flowView(ctx, flow.id, { userId: user.id, process, user, enrolment }), sentTo }
}

/** R5.2: every registered mobile; through its carrier's gateway when there is no SMS provider API. */
function smsRecipients(ctx: RuleContext, mobiles: string[], carriers: Record<string, string> = {}) {
  return mobiles.map((number, index) => {
    const shown = maskPhone(number)
    if (ctx.notifier.smsProviderConfigured) return { to: number, shown }
    const carrier = ctx.carriers.find((c) => c.id === carriers[String(index)])
    if (!carrier) {
      throw new AppError('SMS_CARRIER_NEEDED', { mobiles: mobiles.map((m, i) => ({ index: i, masked: maskPhone(m) })) })
    }
    return { to: `${number.replace(/\D/g, '')}@${carrier.gateway}`, shown: `${shown} (${carrier.name})` }
  })
}

/** R5.1 / R5.2: the code the caller reads back. Expired or voided codes are refused. */
export async function checkCode(
  ctx: RuleContext,
  agentId: string,
  input: { flowId: string; method: CodeMethod; code: string },
): Promise<FlowView> {
  const scope = await enterFlow(ctx, agentId, input.flowId, { enrolment: true })
  const enrolment = await requireMethodOpen(ctx, scope, input.method, { limitCheckedUnderLock: true })
  const now = ctx.now().toISOString()
  return attempt(
    ctx,
    scope,
    input.method,
    async (trx) => {
      const active = await trx
        .selectFrom('codes')
        .selectAll()
        .where('flow_id', '=', scope.flow.id)
        .where('method', '=', input.method)
        .where('state', '=', 'active')
        .executeTakeFirst()
      if (!active) return { refuse: new AppError('CODE_EXPIRED', { method: input.method }) }
      if (active.expires_at <= now) {
        await trx.updateTable('codes').set({ state: 'void' }).where('id', '=', active.id).execute()
        return { refuse: new AppError('CODE_EXPIRED', { method: input.method }) }
      }
      if (!keyedEqual(ctx.keys.codes, input.code, active.code_hash)) return { pass: false, error: 'CODE_INCORRECT' }
      await trx.updateTable('codes').set({ state: 'used' }).where('id', '=', active.id).execute()
      return { pass: true }
    },
    enrolment,
  )
}

/** R5.3: every enrolled question answered, compared after folding against slow hashes. */
export async function answerQuestions(
  ctx: RuleContext,
  agentId: string,
  input: { flowId: string; answers: { questionId: string; answer: string }[] },
): Promise<FlowView> {
  const scope = await enterFlow(ctx, agentId, input.flowId, { enrolment: true })
  const enrolment = await requireMethodOpen(ctx, scope, 'security_questions')
  const enrolled = await ctx.store.db
    .selectFrom('enrolled_answers')
    .select(['question_id', 'answer_hash'])
    .where('user_id', '=', scope.user.id)
    .execute()
  // Hash every answer (even after a wrong one) so the time taken does not tell which was wrong.
  const results = await Promise.all(
    enrolled.map((q) => {
      const given = input.answers.find((a) => a.questionId === q.question_id)?.answer ?? ''
      return slowVerify(foldAnswer(given), q.answer_hash)
    }),
  )
  const allRight = results.every(Boolean)
  return attempt(
    ctx,
    scope,
    'security_questions',
    async () => (allRight ? { pass: true } : { pass: false, error: 'ANSWERS_INCORRECT' }),
    enrolment,
  )
}

/** R5.4: the email address the caller gives must match the registered one. */
export async function verifyPersonalData(ctx: RuleContext, agentId: string, input: { flowId: string; email: string }): Promise<FlowView> {
  const scope = await enterFlow(ctx, agentId, input.flowId, { enrolment: true })
  // Refused by `attempt` under the lock when the method is closed (no check before it).
  const enrolment = await requireMethodOpen(ctx, scope, 'personal_data_verify', { limitCheckedUnderLock: true })
  const given = input.email.trim().toLowerCase()
  const matches = enrolment.emails.some((e) => e.toLowerCase() === given)
  return attempt(
    ctx,
    scope,
    'personal_data_verify',
    async () => (matches ? { pass: true } : { pass: false, error: 'PERSONAL_DATA_INCORRECT' }),
    enrolment,
  )
}

/** R5.5: the agent confirms the caller knows the registered address (or records that they do not). */
export async function confirmPersonalData(
  ctx: RuleContext,
  agentId: string,
  input: { flowId: string; confirmed: boolean },
): Promise<FlowView> {
  const scope = await enterFlow(ctx, agentId, input.flowId, { enrolment: true })
  // Refused by `attempt` under the lock when the method is closed (no check before it).
  const enrolment = await requireMethodOpen(ctx, scope, 'personal_data_confirm', { limitCheckedUnderLock: true })
  return attempt(
    ctx,
    scope,
    'personal_data_confirm',
    async () => (input.confirmed ? { pass: true } : { pass: false, error: 'PERSONAL_DATA_INCORRECT' }),
    enrolment,
  )
}
