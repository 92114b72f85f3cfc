import { useQuery, useQueryClient } from '@tanstack/react-query'
import { lazy, Suspense, useEffect, useState } from 'react'
import type { RecordKind, Role } from '../../../shared/domain/types'
import { ordinaryConsoleSettings } from '../../../shared/ipc/contract'
import { call } from '../api/client'
import { consoleQueries, sessionQueries } from '../api/queries'
import { SignIn } from '../features/signin/SignIn'
import { FirstRun } from '../features/first-run/FirstRun'
import { DemoAccounts } from '../features/first-run/DemoAccounts'
import { RecordList } from '../features/records/RecordList'
import { RecordView } from '../features/records/RecordView'
import { CallerSimulator } from '../features/simulator/CallerSimulator'
import { useFlowStore } from '../stores/flow-store'
import { ConnectionBanner } from '../components/ConnectionBanner'
import { ApprovalQueue } from '../features/approvals/ApprovalQueue'
import { IntentQueue } from '../features/intents/IntentQueue'
import { ReportedResets } from '../features/reported/ReportedResets'
import { AuditLog } from '../features/audit/AuditLog'
import { AdminArea } from '../features/admin/AdminArea'
import { LiveView } from '../features/live/LiveView'
import { PresenterToggle } from '../components/PresenterToggle'
import { NewInteraction } from '../features/interactions/NewInteraction'
import { idleLockNotice, useIdleLock, useKioskCopyGuard } from './use-idle-lock'
import { IdleWarning } from './IdleWarning'

// B10: the chart library loads with the dashboard only, keeping the first bundle within budget.
const DashboardView = lazy(() => import('../features/dashboard/DashboardView'))

type View =
  | { name: 'list'; kind: RecordKind }
  | { name: 'record'; kind: RecordKind; recordId: string; focusActions?: boolean }
  | { name: 'approvals'; kind: RecordKind }
  | { name: 'audit'; kind: RecordKind }
  | { name: 'admin'; kind: RecordKind }
  | { name: 'intents'; kind: RecordKind }
  | { name: 'live'; kind: RecordKind }
  | { name: 'dashboard'; kind: RecordKind }

/** The role-gated views of the workspace navigation, in order: shown to an agent with any of `roles`. */
const workspaceViews: readonly { view: Exclude<View['name'], 'list' | 'record'>; label: string; roles: readonly Role[] }[] = [
  { view: 'approvals', label: 'Approvals', roles: ['password_reset_supervisor'] },
  { view: 'live', label: 'Live', roles: ['password_reset_supervisor'] },
  { view: 'dashboard', label: 'Dashboard', roles: ['password_reset_admin', 'password_reset_supervisor'] },
  { view: 'intents', label: 'Unresolved resets', roles: ['password_reset_admin', 'password_reset_supervisor'] },
  { view: 'audit', label: 'Audit log', roles: ['password_reset_admin', 'password_reset_supervisor'] },
  { view: 'admin', label: 'Administration', roles: ['password_reset_admin'] },
]

function NavItem({ label, current, onSelect }: { label: string; current: boolean; onSelect: () => void }) {
  return (
    <li>
      <button type="button" aria-current={current ? 'page' : undefined} onClick={onSelect}>
        {label}
      </button>
    </li>
  )
}

export function App() {
  const session = useQuery(sessionQueries.current())
  const queryClient = useQueryClient()
  const [view, setView] = useState<View>({ name: 'list', kind: 'incident' })
  // Item 9: the workspace navigation leaves an open Done step only through its Exit confirmation.
  const leaveFlow = useFlowStore((s) => s.leave)
  const flowOpen = useFlowStore((s) => s.state.step !== 'closed')
  const navigate = (next: View) => leaveFlow(() => setView(next))
  // B7: a kiosk console (told by main); until main answers, or should it fail, an ordinary one.
  const settings = useQuery(consoleQueries.settings())
  const kiosk = settings.data?.kiosk ?? ordinaryConsoleSettings.kiosk
  /** What the sign-in screen says about why it is there (an idle lock, an ended visit). */
  const [notice, setNotice] = useState<string | null>(null)
  const agent = session.data

  // Exit path (sign-out, end of visit, idle lock): nothing of this agent's work, or of the
  // caller they served, stays in memory — flow, server state, open record.
  const signOut = async (why: string | null = null) => {
    await call('session:signOut', {}).catch(() => undefined)
    useFlowStore.getState().reset()
    queryClient.clear()
    queryClient.setQueryData(consoleQueries.settings().queryKey, { kiosk, desk: settings.data?.desk })
    queryClient.setQueryData(sessionQueries.current().queryKey, null)
    setView({ name: 'list', kind: 'incident' })
    setNotice(why)
  }
  const idle = useIdleLock({
    enabled: kiosk.enabled && !!agent,
    idleMinutes: kiosk.idleMinutes,
    onIdle: () => void signOut(idleLockNotice(kiosk.idleMinutes)),
  })
  useKioskCopyGuard(kiosk.enabled)
  useEffect(() => {
    if (agent) setNotice(null)
  }, [agent])

  if (session.isPending || settings.isPending) return <p className="loading">Loading…</p>
  // G1: a first run chooses its desk before anyone can sign in; the demo desk hints its accounts.
  const desk = settings.data?.desk
  if (!agent && desk?.mode === 'first-run') return <FirstRun desk={desk} />
  if (!agent) return <SignIn notice={notice}>{desk?.mode === 'demo' && <DemoAccounts accounts={desk.accounts} />}</SignIn>

  return (
    <div className="shell">
      <ConnectionBanner />
      <header className="topbar">
        <span className="brand">ResetDesk</span>
        {agent.demo && <span className="badge">Demo desk</span>}
        <span className="agent">Signed in as {agent.displayName}</span>
        {agent.roles.length > 0 && (
          <NewInteraction onCreated={(recordId) => setView({ name: 'record', kind: 'interaction', recordId, focusActions: true })} />
        )}
        <PresenterToggle />
        {kiosk.enabled ? (
          <button type="button" onClick={() => void signOut('Visit ended; everything about the last visitor was cleared.')}>
            End visit
          </button>
        ) : (
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        )}
      </header>
      <nav className="sidenav" aria-label="Workspace">
        <ul>
          {(['incident', 'interaction'] as const).map((kind) => (
            <NavItem
              key={kind}
              label={kind === 'incident' ? 'Incidents' : 'Interactions'}
              current={view.name === 'list' && view.kind === kind}
              onSelect={() => navigate({ name: 'list', kind })}
            />
          ))}
          {workspaceViews
            .filter((item) => item.roles.some((role) => agent.roles.includes(role)))
            .map((item) => (
              <NavItem
                key={item.view}
                label={item.label}
                current={view.name === item.view}
                onSelect={() => navigate({ name: item.view, kind: view.kind })}
              />
            ))}
        </ul>
      </nav>
      <main className="content">
        {view.name === 'live' ? (
          <LiveView />
        ) : view.name === 'dashboard' ? (
          <Suspense fallback={<p>Loading…</p>}>
            <DashboardView />
          </Suspense>
        ) : view.name === 'approvals' ? (
          <>
            <ApprovalQueue />
            {/* B11: the other thing a supervisor acts on: resets their users reported as not theirs. */}
            <ReportedResets />
          </>
        ) : view.name === 'intents' ? (
          <IntentQueue />
        ) : view.name === 'audit' ? (
          <AuditLog agent={agent} />
        ) : view.name === 'admin' ? (
          <AdminArea />
        ) : view.name === 'list' ? (
          <RecordList kind={view.kind} onOpen={(recordId) => setView({ name: 'record', kind: view.kind, recordId })} />
        ) : (
          <RecordView
            key={view.recordId}
            recordId={view.recordId}
            focusActions={view.focusActions}
            onBack={() => setView({ name: 'list', kind: view.kind })}
          />
        )}
      </main>
      {kiosk.enabled && <IdleWarning lockAt={idle.lockAt} onStay={idle.stay} />}
      {/* B6: the simulator is for rehearsing a flow on the demo desk: shown only while one is open. */}
      {agent.demo && flowOpen && <CallerSimulator />}
    </div>
  )
}
