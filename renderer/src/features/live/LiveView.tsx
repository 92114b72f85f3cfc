// B5 live observe: the open flows of the supervisor's groups, each step as the agent takes it,
// and one flow followed step by step. Read only: nothing here acts on a flow. The user is shown
// by initials; no name, email or phone of the user reaches this view (the backend sends none).
import { useEffect, useRef, useState } from 'react'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { rescueFocus } from '../../components/focus'
import { actionLabel, formatDuration, methodName, outcomeLabel, relockLabels, stepLabels } from './labels'
import { useLiveFeed, useNow } from './use-live-feed'
import { DataTable } from '../../components/DataTable'

export function LiveView() {
  const [follow, setFollow] = useState<string | null>(null)
  const { snapshot, error, skewMs } = useLiveFeed(follow)
  const now = useNow(skewMs)
  const flows = snapshot?.flows ?? []
  const followed = snapshot?.followed ?? null
  const reports = snapshot?.reports ?? []
  // B8: "Stop following" goes with the panel, a Follow button with its ended flow: back to the top.
  const headingRef = useRef<HTMLHeadingElement>(null)
  const followedShown = followed !== null
  useEffect(() => {
    rescueFocus(headingRef.current)
  }, [followedShown, flows.length])
  return (
    <section className="live" aria-labelledby="live-title">
      <h1 id="live-title" ref={headingRef} tabIndex={-1}>
        Live
      </h1>
      <p>Open password reset flows of your groups, as the agents work them. You observe; only the agent acts.</p>
      <ErrorNotice error={error} />
      {/* B11: a user said "this wasn't me" to a reset: shown here as it happens, until acknowledged in Approvals. */}
      <div aria-live="polite">
        {reports.length > 0 && (
          <section className="live-reports" aria-labelledby="live-reports-title">
            <h2 id="live-reports-title">Reported as not theirs</h2>
            <ul>
              {reports.map((r) => (
                <li key={r.id}>
                  <strong>{r.recordNumber ?? 'No record'}</strong>: the user ({r.userInitials}) reported the reset
                  {r.agentName ? ` by ${r.agentName}` : ''} at <time dateTime={r.reportedAt}>{formatTime(r.reportedAt)}</time>. Account:{' '}
                  {relockLabels[r.relock].toLowerCase()}.
                </li>
              ))}
            </ul>
            <p className="hint-inline">Follow up and acknowledge in Approvals.</p>
          </section>
        )}
      </div>
      {!snapshot ? (
        <p>Loading…</p>
      ) : flows.length === 0 ? (
        <p role="status">No flows are open right now.</p>
      ) : (
        <div className="table-scroll live-table">
          <DataTable
            label="Open flows"
            columns={['Record', 'Agent', 'User', 'Process', 'Step', 'Methods', 'Time in step']}
            actions="Follow"
          >
            {flows.map((f) => (
              <tr key={f.flowId} aria-current={f.flowId === follow ? 'true' : undefined}>
                <td>{f.recordNumber}</td>
                <td>{f.agentName}</td>
                <td>{f.userInitials}</td>
                <td>{f.processName}</td>
                <td data-step={f.step}>{stepLabels[f.step]}</td>
                <td>
                  {f.methodsPassed.length + f.methodsFailed.length === 0
                    ? 'None yet'
                    : [
                        ...f.methodsPassed.map((m) => `${methodName(m)} passed`),
                        ...f.methodsFailed.map((m) => `${methodName(m)} failed`),
                      ].join(', ')}
                </td>
                <td>{formatDuration((now - Date.parse(f.stepSince)) / 1000)}</td>
                <td>
                  <button
                    type="button"
                    aria-pressed={f.flowId === follow}
                    aria-label={`Follow the flow on ${f.recordNumber}`}
                    onClick={() => setFollow(f.flowId === follow ? null : f.flowId)}
                  >
                    Follow
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}
      {followed && (
        <section className="live-follow" aria-labelledby="follow-title">
          <h2 id="follow-title">Following {followed.recordNumber}</h2>
          <p role="status" aria-live="polite">
            {followed.open && followed.step ? `Current step: ${stepLabels[followed.step]}` : 'This flow has ended.'}
          </p>
          <ol className="live-steps" aria-label={`Steps of the flow on ${followed.recordNumber}`}>
            {followed.events.map((e) => (
              <li key={e.seq}>
                <time dateTime={e.at}>{formatTime(e.at)}</time> {actionLabel(e.action)}
                {e.method && ` · ${methodName(e.method)}`}
                {e.action !== 'flow.start' && ` · ${outcomeLabel(e.outcome)}`}
              </li>
            ))}
          </ol>
          <button type="button" onClick={() => setFollow(null)}>
            Stop following
          </button>
        </section>
      )}
    </section>
  )
}
