// A record's fields and activity stream (work notes included), and R1's "Reset password" in
// "More actions" — shown only when the backend says this agent may reset on this record.
import { useQuery } from '@tanstack/react-query'
import { useId, useState } from 'react'
import { recordQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { useFlowStore } from '../../stores/flow-store'
import { Sensitive } from '../../components/Sensitive'
import { Wizard, useCancelFlow } from '../wizard/Wizard'

export function RecordView({ recordId, onBack }: { recordId: string; onBack: () => void }) {
  const detail = useQuery(recordQueries.detail(recordId))
  const wizard = useFlowStore((s) => s.state)
  const send = useFlowStore((s) => s.send)
  const cancelFlow = useCancelFlow()
  const [menuOpen, setMenuOpen] = useState(false)
  const menuId = useId()

  const leave = useFlowStore((s) => s.leave)
  // Leaving the record is an exit path: end any open flow and wipe it (after Exit at Done).
  const back = () =>
    leave(async () => {
      await cancelFlow()
      onBack()
    })

  if (detail.isPending) return <p className="loading">Loading record…</p>
  if (detail.isError)
    return (
      <section>
        <button type="button" onClick={back}>
          Back to list
        </button>
        <ErrorNotice error={detail.error} />
      </section>
    )
  const { record, activity, canReset } = detail.data
  const wizardHere = wizard.step !== 'closed' && wizard.recordId === recordId
  const fields: [string, string][] = [
    ['Number', record.number],
    [record.kind === 'incident' ? 'Caller' : 'Opened for', record.callerName ?? '—'],
    ['State', record.state],
    ...(record.kind === 'incident'
      ? ([
          ['Priority', String(record.priority ?? '—')],
          ['Assignment group', record.assignmentGroup ?? '—'],
        ] as [string, string][])
      : ([['Channel', record.channel ?? '—']] as [string, string][])),
    ['Assigned to', record.assignedToName ?? '—'],
    ['Opened', formatTime(record.openedAt)],
  ]

  return (
    <article className="record" aria-labelledby={`${menuId}-title`}>
      <div className="record-head">
        <button type="button" onClick={back}>
          Back to list
        </button>
        <h1 id={`${menuId}-title`}>
          {record.number}: {record.shortDescription}
        </h1>
        <div className="menu">
          <button type="button" aria-expanded={menuOpen} aria-controls={menuId} onClick={() => setMenuOpen(!menuOpen)}>
            More actions
          </button>
          {menuOpen && (
            <ul id={menuId} className="menu-list">
              {canReset ? (
                <li>
                  <button
                    type="button"
                    disabled={wizardHere}
                    onClick={() => {
                      setMenuOpen(false)
                      send({ type: 'open', recordId, callerId: record.callerId })
                    }}
                  >
                    Reset password
                  </button>
                </li>
              ) : (
                <li className="muted">No actions available to you on this record.</li>
              )}
            </ul>
          )}
        </div>
      </div>
      {wizardHere ? (
        <Wizard recordId={recordId} defaultUserName={record.callerName} />
      ) : (
        <>
          <dl className="fields">
            {fields.map(([k, v]) => (
              <div key={k}>
                <dt>{k}</dt>
                <dd>{v}</dd>
              </div>
            ))}
            <div className="wide">
              <dt>Description</dt>
              <dd>
                <Sensitive kind="text" value={record.description} />
              </dd>
            </div>
          </dl>
          <section aria-labelledby={`${menuId}-activity`}>
            <h2 id={`${menuId}-activity`}>Activity</h2>
            <ol className="activity">
              {activity.map((a) => (
                <li key={a.id} className={a.kind} data-kind={a.kind}>
                  <p className="meta">
                    <span>{a.kind === 'work_note' ? 'Work note' : 'Comment'}</span> · <span>{a.author}</span> · <time dateTime={a.at}>{formatTime(a.at)}</time>
                  </p>
                  <p>
                    <Sensitive kind="text" value={a.text} />
                  </p>
                </li>
              ))}
            </ol>
          </section>
        </>
      )}
    </article>
  )
}
