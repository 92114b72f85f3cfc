// R3 and R7: a reset flow — one open per user, owned by one agent, expiring when idle — and the
// view of it that the console shows. Every step goes through `enterFlow`, which re-checks R1.
import { randomUUID } from 'node:crypto'
import { sql, type Selectable, type Transaction } from 'kysely'
import { AppError } from '../../../shared/errors'
import { codeMethods, codeProofMethods, type Agent, type FlowView, type Process, type VerifyMethod } from '../../../shared/domain/types'
import type { DB, FlowsTable } from '../store/schema'
import type { DirectoryUser } from '../credentials/credential-store'
import { appendAudit, auditedTransaction, type AuditEvent } from '../audit/audit-chain'
import { addWorkNote } from '../records/work-notes'
import { isUniqueViolation } from '../store/constraint-errors'
import { loadUser, requireResetAccess, toAgent } from './access'
import { addMs, minutes, settled, type RuleContext } from './context'
import { attemptUsagesOf, attemptWindowStart, resetTimes, resetUsageOf } from './limits'
import { isEligible, loadProcess, processForNewFlow, toProcess } from './processes'
import { maskEmail, maskPhone } from './masking'
import {
  enrolmentOf,
  isEnrolled,
  loadEnrolment,
  readEnrolmentRows,
  type EnrolmentRead,
  type UserEnrolment,
} from '../enrolment/enrolment-store'

export interface FlowScope {
  flow: Selectable<FlowsTable>
  agent: Agent
  user: DirectoryUser
  process: Process
  /** The user's enrolment, when the step asked enterFlow for it (read in the same round as the user). */
  enrolment?: EnrolmentRead
}

export function flowAudit(scope: FlowScope, action: string, outcome: string, extra: Partial<AuditEvent> = {}): AuditEvent {
  return {
    agentId: scope.agent.id,
    recordId: scope.flow.record_id,
    userId: scope.user.id,
    processId: scope.process.id,
    flowId: scope.flow.id,
    action,
    outcome,
    ...extra,
  }
}

export async function closeFlow(ctx: RuleContext, trx: Transaction<DB>, flowId: string, reason: string): Promise<void> {
  const now = ctx.now().toISOString()
  await trx
    .updateTable('flows')
    .set({ state: 'closed', open_user_id: null, closed_at: now, close_reason: reason })
    .where('id', '=', flowId)
    .execute()
  await trx.updateTable('codes').set({ state: 'void' }).where('flow_id', '=', flowId).where('state', '=', 'active').execute()
}

/**
 * G5: a flow whose record is no longer its agent's ends, audited, its codes void and its user
 * released, so the new assignee can start one at once. Runs in the caller's transaction: the
 * reassignment itself, or a later step that finds the flow stranded.
 */
export async function closeReassignedFlow(
  ctx: RuleContext,
  trx: Transaction<DB>,
  flow: Selectable<FlowsTable>,
  detail: Record<string, unknown> = {},
): Promise<void> {
  // Only if still open: a concurrent step or reassignment may have closed it already (both take
  // the record's lock, the one assignRecord takes).
  await ctx.store.lock(trx, recordLockKey(flow.record_id))
  const open = await trx.selectFrom('flows').select('id').where('id', '=', flow.id).where('closed_at', 'is', null).executeTakeFirst()
  if (!open) return
  await closeFlow(ctx, trx, flow.id, 'reassigned')
  await appendAudit(ctx, trx, ctx.now(), {
    agentId: flow.agent_id,
    recordId: flow.record_id,
    userId: flow.user_id,
    processId: flow.process_id,
    flowId: flow.id,
    action: 'flow.close',
    outcome: 'reassigned',
    detail,
  })
}

export const recordLockKey = (recordId: string) => `record:${recordId}`

/** The open flow's agent is no longer the record's assignee (however the record changed hands). */
async function isStranded(ctx: RuleContext, flow: Selectable<FlowsTable>): Promise<boolean> {
  const record = await ctx.store.db.selectFrom('records').select('assigned_to').where('id', '=', flow.record_id).executeTakeFirst()
  return record?.assigned_to !== flow.agent_id
}

function isIdle(ctx: RuleContext, flow: Selectable<FlowsTable>): boolean {
  return addMs(new Date(flow.last_activity_at), minutes(ctx.flowIdleMinutes)) <= ctx.now()
}

async function expireFlow(ctx: RuleContext, flow: Selectable<FlowsTable>): Promise<void> {
  await auditedTransaction(
    ctx,
    {
      agentId: flow.agent_id,
      recordId: flow.record_id,
      userId: flow.user_id,
      processId: flow.process_id,
      flowId: flow.id,
      action: 'flow.expire',
      outcome: 'expired',
    },
    (trx) => closeFlow(ctx, trx, flow.id, 'expired'),
  )
}

/** R3: start a flow for a user on a record with a process. */
export async function startFlow(
  ctx: RuleContext,
  agentId: string,
  input: { recordId: string; userId: string; processId: string },
): Promise<FlowView> {
  if (!agentId) throw new AppError('NOT_SIGNED_IN')
  const db = ctx.store.db
  const now = ctx.now()
  // Everything the checks need, in one round (issue 14): the agent with the record and the
  // process (one statement), the user, R4's uses and a flow already open for the user. The checks
  // below still refuse in their order (R1 before the user, the process before R4).
  const [rowRead, userRead, resetTimesRead, heldRead] = await Promise.allSettled([
    db
      .selectFrom('agents')
      .leftJoin('records', (join) => join.on('records.id', '=', input.recordId))
      .leftJoin('processes', (join) => join.on('processes.id', '=', input.processId))
      .select([
        ...callerColumns,
        'records.id as record_id',
        'records.assigned_to as record_assigned_to',
        'processes.id as process_id',
        'processes.name as process_name',
        'processes.config as process_config',
        'processes.enabled as process_enabled',
      ])
      .where('agents.id', '=', agentId)
      .executeTakeFirst(),
    ctx.directory.get(input.userId),
    resetTimes(db, input.userId, input.processId, now),
    db.selectFrom('flows').selectAll().where('open_user_id', '=', input.userId).executeTakeFirst(),
  ])
  const row = settled(rowRead)
  if (!row) throw new AppError('NOT_SIGNED_IN')
  const agent = callerOf(ctx, row)
  if (row.record_id === null) throw new AppError('RECORD_NOT_FOUND')
  const record = { id: row.record_id, assigned_to: row.record_assigned_to }
  requireResetAccess(agent, record)
  const user = settled(userRead)
  if (!user) throw new AppError('USER_NOT_FOUND')
  const process = processForNewFlow(
    row.process_id === null
      ? undefined
      : { id: row.process_id, name: row.process_name!, config: row.process_config!, enabled: row.process_enabled! },
  )
  if (!isEligible(process, user)) throw new AppError('NOT_ELIGIBLE')
  const usage = resetUsageOf(settled(resetTimesRead), process)
  if (usage.left === 0) throw new AppError('RATE_LIMITED', { freesAt: usage.freesAt })
  const held = settled(heldRead)

  if (held) {
    if (held.agent_id === agent.id) {
      // The same agent starting again (a reload, a second record) replaces their own flow.
      await auditedTransaction(
        ctx,
        {
          agentId: agent.id,
          recordId: held.record_id,
          userId: user.id,
          processId: held.process_id,
          flowId: held.id,
          action: 'flow.close',
          outcome: 'replaced',
        },
        (trx) => closeFlow(ctx, trx, held.id, 'replaced'),
      )
    } else if (isIdle(ctx, held)) {
      await expireFlow(ctx, held)
    } else if (await isStranded(ctx, held)) {
      await ctx.store.db.transaction().execute((trx) => closeReassignedFlow(ctx, trx, held))
    } else {
      throw new AppError('FLOW_HELD')
    }
  }

  const startedAt = now.toISOString()
  const flowId = randomUUID()
  try {
    await auditedTransaction(
      ctx,
      { agentId: agent.id, recordId: record.id, userId: user.id, processId: process.id, flowId, action: 'flow.start', outcome: 'started' },
      (trx) =>
        trx
          .insertInto('flows')
          .values({
            id: flowId,
            record_id: record.id,
            user_id: user.id,
            process_id: process.id,
            agent_id: agent.id,
            state: 'verifying',
            open_user_id: user.id,
            created_at: startedAt,
            last_activity_at: startedAt,
            closed_at: null,
            close_reason: null,
            approved_by: null,
            sends: 0,
            last_send_at: null,
          })
          .execute(),
    )
  } catch (e) {
    // The unique open_user_id lost a race with another agent's start.
    if (isUniqueViolation(e)) throw new AppError('FLOW_HELD')
    throw e
  }
  return flowView(ctx, flowId, { userId: user.id, process, user })
}

/** The calling agent's columns, named apart from the flow's (which has an agent_id of its own). */
const callerColumns = [
  'agents.id as caller_id',
  'agents.username as caller_username',
  'agents.display_name as caller_display_name',
  'agents.roles as caller_roles',
  'agents.groups as caller_groups',
] as const

function callerOf(
  ctx: RuleContext,
  row: { caller_id: string; caller_username: string; caller_display_name: string; caller_roles: string; caller_groups: string },
): Agent {
  return toAgent(
    {
      id: row.caller_id,
      username: row.caller_username,
      display_name: row.caller_display_name,
      roles: row.caller_roles,
      groups: row.caller_groups,
    },
    ctx.demo,
  )
}

/**
 * Enters an open flow as its agent: the flow must be theirs, open and not idle, and R1 must still
 * hold (role and assignment are re-read on every step). Marks the flow active, unless the step
 * ends it anyway (`touch: false`, Exit). A step that needs the user's enrolment asks for it
 * (`enrolment: true`): it is read beside the user, not after.
 */
export async function enterFlow(
  ctx: RuleContext,
  agentId: string,
  flowId: string,
  opts: { touch?: boolean; enrolment?: boolean } = {},
): Promise<FlowScope> {
  if (!agentId) throw new AppError('NOT_SIGNED_IN')
  // The calling agent (read afresh: roles changed by an administrator hold at once), the flow,
  // its record's assignee and its process in one statement (issue 14: one scope read per step).
  const row = await ctx.store.db
    .selectFrom('agents')
    .leftJoin('flows', (join) => join.on('flows.id', '=', flowId))
    .leftJoin('records', 'records.id', 'flows.record_id')
    .leftJoin('processes', 'processes.id', 'flows.process_id')
    .selectAll('flows')
    .select([
      ...callerColumns,
      'records.id as scope_record_id',
      'records.assigned_to as scope_assigned_to',
      'processes.id as scope_process_id',
      'processes.name as scope_process_name',
      'processes.config as scope_process_config',
    ])
    .where('agents.id', '=', agentId)
    .executeTakeFirst()
  if (!row) throw new AppError('NOT_SIGNED_IN')
  const {
    caller_id,
    caller_username,
    caller_display_name,
    caller_roles,
    caller_groups,
    scope_record_id,
    scope_assigned_to,
    scope_process_id,
    scope_process_name,
    scope_process_config,
    ...flowColumns
  } = row
  const agent = callerOf(ctx, { caller_id, caller_username, caller_display_name, caller_roles, caller_groups })
  if (flowColumns.id === null) throw new AppError('FLOW_CLOSED')
  const flow = flowColumns as Selectable<FlowsTable>
  if (flow.agent_id !== agent.id) throw new AppError('FLOW_HELD')
  if (flow.closed_at)
    throw new AppError(
      flow.close_reason === 'expired' ? 'SESSION_EXPIRED' : flow.close_reason === 'reassigned' ? 'RECORD_REASSIGNED' : 'FLOW_CLOSED',
    )
  if (isIdle(ctx, flow)) {
    await expireFlow(ctx, flow)
    throw new AppError('SESSION_EXPIRED')
  }
  if (scope_record_id === null) throw new AppError('RECORD_NOT_FOUND')
  if (scope_process_id === null) throw new AppError('NOT_ELIGIBLE', { reason: 'unknown process' })
  const record = { assigned_to: scope_assigned_to }
  const process = toProcess({ id: scope_process_id, name: scope_process_name!, config: scope_process_config!, enabled: 1 })
  if (record.assigned_to !== agent.id) {
    // The record changed hands without the flow being closed: close it now, not in 30 minutes.
    await ctx.store.db.transaction().execute((trx) => closeReassignedFlow(ctx, trx, flow))
    throw new AppError('RECORD_REASSIGNED')
  }
  requireResetAccess(agent, record)
  // Every check has passed: the user (and their enrolment) are read while the flow is marked
  // active, in one round.
  const [user, enrolmentRows] = await Promise.all([
    loadUser(ctx, flow.user_id),
    opts.enrolment ? readEnrolmentRows(ctx.store.db, flow.user_id) : null,
    opts.touch === false
      ? null
      : ctx.store.db.updateTable('flows').set({ last_activity_at: ctx.now().toISOString() }).where('id', '=', flow.id).execute(),
  ])
  return { flow, agent, user, process, ...(enrolmentRows ? { enrolment: enrolmentOf(user, enrolmentRows) } : {}) }
}

/**
 * Methods passed in this flow that still count: a pass lapses `verificationValidMinutes` after
 * it was made, so a flow kept alive by activity cannot reset hours after the caller proved who
 * they were (issue 11 item 10); the caller verifies again.
 */
export async function passedMethods(ctx: RuleContext, flowId: string, process: Process): Promise<Set<VerifyMethod>> {
  const since = addMs(ctx.now(), -minutes(process.settings.verificationValidMinutes)).toISOString()
  const rows = await ctx.store.db
    .selectFrom('attempts')
    .select('method')
    .where('flow_id', '=', flowId)
    .where('success', '=', 1)
    .where('at', '>', since)
    .execute()
  return new Set(rows.map((r) => r.method as VerifyMethod))
}

/** R5 and B1: enough methods passed; protected accounts need two, one of them a code. */
export function isVerified(process: Process, passed: Set<VerifyMethod>): boolean {
  const required = process.protectedAccounts ? Math.max(2, process.requiredPasses) : process.requiredPasses
  const codePassed = codeProofMethods.some((m) => passed.has(m))
  return passed.size >= required && (!process.protectedAccounts || codePassed)
}

type FactRow = {
  kind: 'flow' | 'code' | 'reset' | 'pass' | 'fail'
  method: string | null
  at: string
  state: string | null
  ref: string | null
}

/**
 * Everything the view counts of a flow, in one statement (issue 14): its row, its codes, its done
 * resets and the user's attempts in the windows that count (passes in this flow, failures in R5's
 * window across flows). The attempts and resets are found by user, on their indexes.
 */
async function readFlowFacts(ctx: RuleContext, flowId: string, userId: string, process: Process) {
  const now = ctx.now()
  const passedSince = addMs(now, -minutes(process.settings.verificationValidMinutes))
  const failedSince = attemptWindowStart(process, now)
  const since = passedSince < failedSince ? passedSince : failedSince
  const { rows } = await sql<FactRow>`
    select 'flow' as kind, approved_by as method, last_activity_at as at, closed_at as state, record_id as ref from flows where id = ${flowId}
    union all
    select 'code', method, expires_at, state, null from codes where flow_id = ${flowId}
    union all
    select 'reset', method, at, null, null from resets where user_id = ${userId} and flow_id = ${flowId} and status = 'done'
    union all
    select case when success = 1 then 'pass' else 'fail' end, method, at, null, flow_id from attempts where user_id = ${userId} and at > ${since.toISOString()}
  `.execute(ctx.store.db)
  const flow = rows.find((r) => r.kind === 'flow')
  if (!flow) throw new AppError('FLOW_CLOSED')
  const byTime = (a: FactRow, b: FactRow) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)
  return {
    flow: { id: flowId, recordId: flow.ref!, approvedBy: flow.method, lastActivityAt: flow.at, closedAt: flow.state },
    codes: rows.filter((r) => r.kind === 'code').map((r) => ({ method: r.method!, expiresAt: r.at, state: r.state })),
    resets: rows
      .filter((r) => r.kind === 'reset')
      .sort(byTime)
      .map((r) => ({ method: r.method!, at: r.at })),
    passed: new Set(
      rows.filter((r) => r.kind === 'pass' && r.ref === flowId && r.at > passedSince.toISOString()).map((r) => r.method as VerifyMethod),
    ),
    failed: rows
      .filter((r) => r.kind === 'fail' && r.at > failedSince.toISOString())
      .sort(byTime)
      .map((r) => ({ method: r.method!, at: r.at })),
  }
}

/**
 * What the console shows of a flow. Everything is read afresh (a reset may just have unlocked the
 * user): the flow's facts in one statement and, beside it, the user's enrolment; callers that
 * already hold the flow's scope pass it, and a step that read the user and their enrolment in this
 * same request, and did not change them, passes those too (issue 14: each is a round trip, and a
 * step's view then needs one statement).
 */
export async function flowView(
  ctx: RuleContext,
  flowId: string,
  known?: { userId: string; process: Process; user?: DirectoryUser; enrolment?: UserEnrolment },
): Promise<FlowView> {
  const db = ctx.store.db
  const head: { userId: string; process: Process } =
    known ??
    (await db
      .selectFrom('flows')
      .select(['user_id', 'process_id'])
      .where('id', '=', flowId)
      .executeTakeFirstOrThrow()
      .then(async (f) => ({ userId: f.user_id, process: await loadProcess(db, f.process_id) })))
  const { process } = head
  const userQuery = known?.user ? Promise.resolve(known.user) : loadUser(ctx, head.userId)
  const [facts, user, knownEnrolment] = await Promise.all([
    readFlowFacts(ctx, flowId, head.userId, process),
    userQuery,
    // With the user known, the enrolment need not wait for it: read in the same round.
    known?.enrolment ?? (known?.user ? loadEnrolment(db, known.user) : null),
  ])
  const enrolment = knownEnrolment ?? (await loadEnrolment(db, user))
  const { flow, codes, resets, passed } = facts
  const usages = attemptUsagesOf(facts.failed, process)
  const sendsLeft = (method: VerifyMethod) => Math.max(0, process.settings.maxSends - codes.filter((c) => c.method === method).length)
  const nowIso = ctx.now().toISOString()
  const methods = process.methods.map((method) => {
    const usage = usages.get(method)!
    return {
      method,
      enrolled: isEnrolled(enrolment, method),
      passed: passed.has(method),
      attemptsLeft: usage.left,
      closedUntil: usage.freesAt,
      codeExpiresAt: codes.find((c) => c.method === method && c.state === 'active' && c.expiresAt > nowIso)?.expiresAt ?? null,
      sendsLeft: (codeMethods as readonly string[]).includes(method) ? sendsLeft(method) : null,
    }
  })
  const verified = isVerified(process, passed)
  const showEmail = process.methods.includes('email_code') || process.methods.includes('personal_data_confirm')
  const state = flow.closedAt ? 'closed' : resets.length > 0 ? 'reset' : verified ? 'verified' : 'verifying'
  return {
    id: flow.id,
    recordId: flow.recordId,
    state,
    user: {
      id: user.id,
      username: user.username,
      displayName: user.displayName,
      email: showEmail ? (enrolment.emails[0] ?? null) : maskEmail(enrolment.emails[0] ?? null),
      mobiles: enrolment.mobiles.map((m, index) => ({ index, masked: maskPhone(m) })),
      questions: enrolment.questions,
      locked: user.locked,
      protected: user.protected,
    },
    process,
    methods,
    passesRequired: process.protectedAccounts ? Math.max(2, process.requiredPasses) : process.requiredPasses,
    verified,
    approval: !process.requiresApproval ? 'not_needed' : flow.approvedBy ? 'approved' : 'required',
    resets: resets.map((r) => ({ method: r.method as 'email_link' | 'generate' | 'manual', at: r.at })),
    smsProviderConfigured: ctx.notifier.smsProviderConfigured,
    expiresAt: addMs(new Date(flow.lastActivityAt), minutes(ctx.flowIdleMinutes)).toISOString(),
  }
}

export async function getFlow(ctx: RuleContext, agentId: string, flowId: string): Promise<FlowView> {
  const scope = await enterFlow(ctx, agentId, flowId, { enrolment: true })
  return flowView(ctx, flowId, { userId: scope.user.id, process: scope.process, user: scope.user, enrolment: scope.enrolment })
}

/**
 * R7: "Exit" records whether the password was shared, writes the work note and ends the flow.
 * A flow that changed nothing (no reset reserved or done, no reset link sent) leaves no work
 * note: the audit has its start and close, and the record's activity stays about what happened.
 */
export async function exitFlow(ctx: RuleContext, agentId: string, flowId: string, passwordShared: boolean): Promise<{ closed: true }> {
  const scope = await enterFlow(ctx, agentId, flowId, { touch: false })
  // A sent reset link (R6.1) is a resets row too: it is reserved before the mail goes, and
  // removed again if the mail fails. A pending row is a change whose outcome is not known (F2).
  const resets = await ctx.store.db.selectFrom('resets').select('status').where('flow_id', '=', flowId).execute()
  const done = resets.filter((r) => r.status === 'done').length
  const unknown = resets.length - done
  await auditedTransaction(ctx, flowAudit(scope, 'flow.close', 'exit', { detail: { passwordShared, resets: done } }), async (trx) => {
    await closeFlow(ctx, trx, flowId, 'exit')
    if (resets.length === 0) return
    await addWorkNote(
      ctx,
      trx,
      scope.flow.record_id,
      scope.agent.displayName,
      `Password reset flow for ${scope.user.displayName} (${scope.user.username}) closed. ` +
        `Resets in this flow: ${done}.` +
        (unknown > 0 ? ` Password changes with an outcome not yet known: ${unknown}.` : '') +
        ` Password shared with the user: ${passwordShared ? 'yes' : 'no'}.`,
    )
  })
  return { closed: true }
}
