// R2's record view and R3's identify step: a record, users, processes. The lists (filters,
// search, sort, paging, counts) are records/list.ts.
import { AppError } from '../../../shared/errors'
import type { OutputOf } from '../../../shared/ipc/contract'
import type { Activity, ProcessOption, UserSummary } from '../../../shared/domain/types'
import type { DirectoryUser } from '../credentials/credential-store'
import { loadAgent, loadRecord, loadUser, resetRefusal } from './access'
import { assignRefusal } from '../records/assign'
import { resolveCaller } from '../records/caller'
import { toSummary } from '../records/list'
import { settled, type RuleContext } from './context'
import { resetTimesByProcess, resetUsageOf } from './limits'
import { maskEmail } from './masking'
import { isEligible, loadProcesses } from './processes'
import { loadEnrolment, summarise } from '../enrolment/enrolment-store'
import type { EnrolmentSummary } from '../../../shared/domain/enrolment'

export async function getRecord(ctx: RuleContext, agentId: string, recordId: string): Promise<OutputOf<'records:get'>> {
  const agent = await loadAgent(ctx, agentId)
  const record = await loadRecord(ctx, recordId)
  const activity = await ctx.store.db
    .selectFrom('record_activity')
    .selectAll()
    .where('record_id', '=', recordId)
    .orderBy('at', 'desc')
    .limit(200)
    .execute()
  const refusal = resetRefusal(agent, record)
  return {
    record: { ...toSummary(record), description: record.description },
    activity: activity.map((a) => ({ id: a.id, at: a.at, author: a.author, kind: a.kind as Activity['kind'], text: a.text })),
    canReset: refusal === null,
    resetRefusal: refusal ? (refusal.code as 'NOT_ASSIGNED' | 'ROLE_MISSING') : null,
    canAssignToMe: record.assigned_to !== agent.id && assignRefusal(agent, record) === null,
    caller: await resolveCaller(ctx, record),
  }
}

export function toUserSummary(u: DirectoryUser, enrolment: EnrolmentSummary): UserSummary {
  return {
    id: u.id,
    username: u.username,
    displayName: u.displayName,
    department: u.department,
    emailMasked: maskEmail(u.email),
    locked: u.locked,
    protected: u.protected,
    enrolment,
  }
}

export async function searchUsers(ctx: RuleContext, agentId: string, input: { q: string; limit: number }): Promise<UserSummary[]> {
  await loadAgent(ctx, agentId)
  const users = await ctx.directory.search(input.q, input.limit)
  // G4: Identify shows what each user is enrolled in.
  return Promise.all(users.map(async (u) => toUserSummary(u, summarise(await loadEnrolment(ctx.store.db, u)))))
}

/** G4: what Identify shows of the user's enrolment. */
export async function userEnrolment(ctx: RuleContext, agentId: string, userId: string): Promise<EnrolmentSummary> {
  await loadAgent(ctx, agentId)
  return summarise(await loadEnrolment(ctx.store.db, await loadUser(ctx, userId)))
}

/** R3 + R4: the processes that apply to the user, each with its uses left today. */
export async function processesForUser(ctx: RuleContext, agentId: string, userId: string): Promise<ProcessOption[]> {
  const now = ctx.now()
  // One round (issue 14): the agent, the user, the processes and the user's R4 uses of every
  // process; refused in that order all the same.
  const [agent, user, processes, uses] = await Promise.allSettled([
    loadAgent(ctx, agentId),
    loadUser(ctx, userId),
    // G7: a disabled process is not offered; read on every call, so a change shows at once.
    loadProcesses(ctx.store.db, { enabledOnly: true }),
    resetTimesByProcess(ctx.store.db, userId, now),
  ])
  settled(agent)
  const theUser = settled(user)
  const eligible = settled(processes).filter((p) => isEligible(p, theUser))
  if (eligible.length === 0) throw new AppError('NO_PROCESS')
  const usesByProcess = settled(uses)
  return eligible.map((process) => {
    const usage = resetUsageOf(usesByProcess.get(process.id) ?? [], process)
    return { process, usesLeft: usage.left, nextFreeAt: usage.freesAt }
  })
}
