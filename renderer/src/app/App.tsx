import { useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { RecordKind } from '../../../shared/domain/types'
import { call } from '../api/client'
import { sessionQueries } from '../api/queries'
import { SignIn } from '../features/signin/SignIn'
import { RecordList } from '../features/records/RecordList'
import { RecordView } from '../features/records/RecordView'
import { CallerSimulator } from '../features/simulator/CallerSimulator'
import { useFlowStore } from '../stores/flow-store'
import { ConnectionBanner } from '../components/ConnectionBanner'
import { ApprovalQueue } from '../features/approvals/ApprovalQueue'
import { AuditLog } from '../features/audit/AuditLog'

type View = { name: 'list'; kind: RecordKind } | { name: 'record'; kind: RecordKind; recordId: string } | { name: 'approvals'; kind: RecordKind } | { name: 'audit'; kind: RecordKind }

export function App() {
  const session = useQuery(sessionQueries.current())
  const queryClient = useQueryClient()
  const [view, setView] = useState<View>({ name: 'list', kind: 'incident' })

  if (session.isPending) return <p className="loading">Loading…</p>
  const agent = session.data
  if (!agent) return <SignIn />

  const signOut = async () => {
    await call('session:signOut', {}).catch(() => undefined)
    // Exit path: nothing of this agent's work stays in memory.
    useFlowStore.getState().reset()
    queryClient.clear()
    queryClient.setQueryData(sessionQueries.current().queryKey, null)
  }

  return (
    <div className="shell">
      <ConnectionBanner />
      <header className="topbar">
        <span className="brand">ResetDesk</span>
        {agent.demo && <span className="badge">Demo desk</span>}
        <span className="agent">Signed in as {agent.displayName}</span>
        <button type="button" onClick={signOut}>
          Sign out
        </button>
      </header>
      <nav className="sidenav" aria-label="Workspace">
        <ul>
          {(['incident', 'interaction'] as const).map((kind) => (
            <li key={kind}>
              <button
                type="button"
                aria-current={view.kind === kind && view.name === 'list' ? 'page' : undefined}
                onClick={() => setView({ name: 'list', kind })}
              >
                {kind === 'incident' ? 'Incidents' : 'Interactions'}
              </button>
            </li>
          ))}
          {agent.roles.includes('password_reset_supervisor') && (
            <li>
              <button type="button" aria-current={view.name === 'approvals' ? 'page' : undefined} onClick={() => setView({ name: 'approvals', kind: view.kind })}>
                Approvals
              </button>
            </li>
          )}
          {(agent.roles.includes('password_reset_admin') || agent.roles.includes('password_reset_supervisor')) && (
            <li>
              <button type="button" aria-current={view.name === 'audit' ? 'page' : undefined} onClick={() => setView({ name: 'audit', kind: view.kind })}>
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
