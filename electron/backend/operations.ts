// The backend's operations, one per contract channel. Main's IPC router and the standalone HTTP
// server both call these; inputs arrive already parsed by the channel's schema.
import { AppError } from '../../shared/errors'
import { ordinaryConsoleSettings, type Channel, type OutputOf, type ParsedInputOf } from '../../shared/ipc/contract'
import { exportAudit, listAudit, recordAudit, verifyAudit } from './audit/audit-chain'
import { loadAgent, requireRole } from './rules/access'
import type { RuleContext } from './rules/context'
import { exitFlow, getFlow, startFlow } from './rules/flows'
import { getRecord, processesForUser, searchUsers, userEnrolment } from './rules/records'
import { countRecords, listRecords } from './records/list'
import { assignToMe } from './records/assign'
import { createInteraction } from './records/create'
import { checkPolicy, runReset } from './rules/reset'
import { signIn, signOut } from './rules/sessions'
import { LOCAL_CONSOLE_ADDRESS } from './rules/sign-in-throttle'
import { answerQuestions, checkCode, confirmPersonalData, sendCode, verifyPersonalData } from './rules/verification'
import type { OutboxNotifier } from './notify/outbox-notifier'
import { checkAuthenticatorCode } from './enrolment/totp'
import { listQuestionCatalog, saveQuestionCatalog } from './enrolment/question-catalog'
import { demoAccountHints } from './demo/seed'
import { adminOperations } from './admin/operations'
import { listOpenIntents } from './intents/queue'
import { acknowledgeReportedReset, listReportedResets } from './contain/reported-resets'
import { integrationAdminOperations } from './integrations/admin-operations'
import { userRisk } from './risk/risk-signals'
import { approvalDecision, approveAndRecord, rejectFlow } from './approvals/decisions'
import { pendingApprovals } from './approvals/pending-approvals'
import { searchAudit } from './audit/audit-search'
import { LiveFeed } from './live/live-feed'
import { nextLive } from './live/live-view'
import { loadDashboard } from './dashboard/dashboard-queries'

/** Who is calling: main keeps one per window, the HTTP server one per access token. */
export interface Session {
  agentId: string | null
}

export type Operations = {
  [C in Channel]: (session: Session, input: ParsedInputOf<C>) => Promise<OutputOf<C>>
}

function agentOf(session: Session): string {
  if (!session.agentId) throw new AppError('NOT_SIGNED_IN')
  return session.agentId
}

export function createOperations(ctx: RuleContext, outbox: OutboxNotifier | null): Operations {
  // B5: one feed per backend; a context built without one (tests) gets it here.
  const live = (ctx.live ??= new LiveFeed(ctx.store.db))
  return {
    'session:signIn': async (session, { username, password }) => {
      // The embedded console has one client, the person at this computer (G3 throttle).
      const agent = await signIn(ctx, username, password, LOCAL_CONSOLE_ADDRESS)
      session.agentId = agent.id
      return agent
    },
    'session:current': async (session) => (session.agentId ? loadAgent(ctx, session.agentId).catch(() => null) : null),
    'session:signOut': async (session) => {
      if (session.agentId) await signOut(ctx, session.agentId)
      session.agentId = null
      return {}
    },
    'records:list': (s, input) => listRecords(ctx, agentOf(s), input),
    'records:count': (s, input) => countRecords(ctx, agentOf(s), input),
    'records:get': (s, { recordId }) => getRecord(ctx, agentOf(s), recordId),
    'records:createInteraction': (s, input) => createInteraction(ctx, agentOf(s), input),
    'records:assignToMe': async (s, { recordId }) => {
      await assignToMe(ctx, agentOf(s), recordId)
      return getRecord(ctx, agentOf(s), recordId)
    },
    'users:search': (s, input) => searchUsers(ctx, agentOf(s), input),
    'users:enrolment': (s, { userId }) => userEnrolment(ctx, agentOf(s), userId),
    'users:risk': (s, input) => userRisk(ctx, agentOf(s), input),
    'processes:forUser': (s, { userId }) => processesForUser(ctx, agentOf(s), userId),
    'flow:start': (s, input) => startFlow(ctx, agentOf(s), input),
    'flow:get': (s, { flowId }) => getFlow(ctx, agentOf(s), flowId),
    'verify:sendCode': (s, input) => sendCode(ctx, agentOf(s), input),
    'verify:checkCode': (s, input) => checkCode(ctx, agentOf(s), input),
    'verify:answerQuestions': (s, input) => answerQuestions(ctx, agentOf(s), input),
    'verify:personalData': (s, input) => verifyPersonalData(ctx, agentOf(s), input),
    'verify:confirmPersonalData': (s, input) => confirmPersonalData(ctx, agentOf(s), input),
    'verify:checkTotp': (s, input) => checkAuthenticatorCode(ctx, agentOf(s), input),
    'flow:approve': (s, { flowId }) => approveAndRecord(ctx, agentOf(s), flowId),
    'flow:reject': (s, { flowId, reason }) => rejectFlow(ctx, agentOf(s), flowId, reason),
    'approvals:decision': (s, { flowId }) => approvalDecision(ctx, agentOf(s), flowId),
    'approvals:list': (s) => pendingApprovals(ctx, agentOf(s)),
    'intents:list': (s) => listOpenIntents(ctx, agentOf(s)),
    'reports:list': (s) => listReportedResets(ctx, agentOf(s)),
    'reports:acknowledge': (s, { reportId }) => acknowledgeReportedReset(ctx, agentOf(s), reportId),
    'policy:check': (s, input) => checkPolicy(ctx, agentOf(s), input),
    'reset:run': (s, input) => runReset(ctx, agentOf(s), input),
    'flow:close': (s, { flowId, passwordShared }) => exitFlow(ctx, agentOf(s), flowId, passwordShared),
    'audit:list': async (s, { offset, limit }) => {
      requireRole(await loadAgent(ctx, agentOf(s)), ['password_reset_admin', 'password_reset_supervisor'])
      return listAudit(ctx.store.db, offset, limit)
    },
    'audit:search': (s, input) => searchAudit(ctx, agentOf(s), input),
    'audit:verify': async (s, { checkpoint }) => {
      requireRole(await loadAgent(ctx, agentOf(s)), ['password_reset_admin', 'password_reset_supervisor'])
      return verifyAudit(ctx, checkpoint)
    },
    'audit:export': async (s, { fromSeq, limit }) => {
      // Exporting the whole log is an administrator's act (R9), and it is itself audited.
      const agent = await loadAgent(ctx, agentOf(s))
      requireRole(agent, ['password_reset_admin'])
      const slice = await exportAudit(ctx, fromSeq, limit)
      await recordAudit(ctx, {
        agentId: agent.id,
        action: 'audit.export',
        outcome: 'exported',
        detail: { fromSeq: slice.fromSeq, toSeq: slice.toSeq },
      })
      return slice
    },
    'live:next': (s, input) => nextLive(ctx, live, agentOf(s), input),
    'dashboard:get': (s, range) => loadDashboard(ctx, agentOf(s), range),
    'carriers:list': async (s) => {
      agentOf(s)
      return ctx.carriers.map(({ id, name, country }) => ({ id, name, country }))
    },
    'admin:questions:list': (s) => listQuestionCatalog(ctx, agentOf(s)),
    'admin:questions:save': (s, input) => saveQuestionCatalog(ctx, agentOf(s), input),
    'demo:mailbox': async (s, { userId }) => {
      await loadAgent(ctx, agentOf(s))
      if (!ctx.demo || !outbox) throw new AppError('DEMO_ONLY')
      return outbox.mailbox(userId)
    },
    // The contract is one map, so every Operations answers every channel. The backend knows
    // nothing about the console it serves (kiosk is a machine's setting, read by main): it
    // answers "an ordinary console" on the desk its store holds (G1: demo or real), and main
    // replaces this entry with the settings it loaded
    // (electron/main/index.ts) before handing the operations to the router.
    'console:settings': async () => ({
      ...ordinaryConsoleSettings,
      desk: ctx.demo ? { mode: 'demo', accounts: demoAccountHints } : { mode: 'real' },
    }),
    // G1: the desk is chosen by the console that embeds a backend (main), never through a backend.
    'console:chooseDesk': async () => {
      throw new AppError('DESK_ALREADY_SET')
    },
    ...adminOperations(ctx),
    ...integrationAdminOperations(ctx),
  }
}
