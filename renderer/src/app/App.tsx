import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import type { RecordKind } from '../../../shared/domain/types'
import { ordinaryConsoleSettings } from '../../../shared/ipc/contract'
import { call } from '../api/client'
import { consoleQueries, sessionQueries } from '../api/queries'
import { SignIn } from '../features/signin/SignIn'
import { RecordList } from '../features/records/RecordList'
import { RecordView } from '../features/records/RecordView'
import { CallerSimulator } from '../features/simulator/CallerSimulator'
import { useFlowStore } from '../stores/flow-store'
import { ConnectionBanner } from '../components/ConnectionBanner'
import { ApprovalQueue } from '../features/approvals/ApprovalQueue'
import { AuditLog } from '../features/audit/AuditLog'
import { PresenterToggle } from '../components/PresenterToggle'
import { idleLockNotice, useIdleLock, useKioskCopyGuard } from './use-idle-lock'

type View = { name: 'list'; kind: RecordKind } | { name: 'record'; kind: RecordKind; recordId: string } | { name: 'approvals'; kind: RecordKind } | { name: 'audit'; kind: RecordKind }

export function App() {
  const session = useQuery(sessionQueries.current())
  const queryClient = useQueryClient()
  const [view, setView] = useState<View>({ name: 'list', kind: 'incident' })
  // Item 9: the workspace navigation leaves an open Done step only through its Exit confirmation.
  const leaveFlow = useFlowStore((s) => s.leave)
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
    queryClient.setQueryData(consoleQueries.settings().queryKey, { kiosk })
    queryClient.setQueryData(sessionQueries.current().queryKey, null)
    setView({ name: 'list', kind: 'incident' })
    setNotice(why)
  }
  useIdleLock({ enabled: kiosk.enabled && !!agent, idleMinutes: kiosk.idleMinutes, onIdle: () => void signOut(idleLockNotice(kiosk.idleMinutes)) })
  useKioskCopyGuard(kiosk.enabled)
  useEffect(() => {
    if (agent) setNotice(null)
  }, [agent])

  if (session.isPending || settings.isPending) return <p className="loading">Loading…</p>
  if (!agent) return <SignIn notice={notice} />

  return (
    <div className="shell">
      <ConnectionBanner />
      <header className="topbar">
        <span className="brand">ResetDesk</span>
        {agent.demo && <span className="badge">Demo desk</span>}
        <span className="agent">Signed in as {agent.displayName}</span>
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
            <li key={kind}>
              <button
                type="button"
                aria-current={view.kind === kind && view.name === 'list' ? 'page' : undefined}
                onClick={() => navigate({ name: 'list', kind })}
              >
                {kind === 'incident' ? 'Incidents' : 'Interactions'}
              </button>
            </li>
          ))}
          {agent.roles.includes('password_reset_supervisor') && (
            <li>
              <button type="button" aria-current={view.name === 'approvals' ? 'page' : undefined} onClick={() => navigate({ name: 'approvals', kind: view.kind })}>
                Approvals
              </button>
            </li>
          )}
          {(agent.roles.includes('password_reset_admin') || agent.roles.includes('password_reset_supervisor')) && (
            <li>
              <button type="button" aria-current={view.name === 'audit' ? 'page' : undefined} onClick={() => navigate({ name: 'audit', kind: view.kind })}>
                Audit log
              </button>
            </li>
          )}
        </ul>
      </nav>
      <main className="content">
        {view.name === 'approvals' ? (
          <ApprovalQueue />
        ) : view.name === 'audit' ? (
          <AuditLog agent={agent} />
        ) : view.name === 'list' ? (
          <RecordList kind={view.kind} onOpen={(recordId) => setView({ name: 'record', kind: view.kind, recordId })} />
        ) : (
          <RecordView recordId={view.recordId} onBack={() => setView({ name: 'list', kind: view.kind })} />
        )}
      </main>
      {agent.demo && <CallerSimulator />}
    </div>
  )
}
