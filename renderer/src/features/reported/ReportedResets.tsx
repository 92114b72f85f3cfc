// B11: resets their users reported as not theirs (the "this wasn't me" link of the after-reset
// notice), beside the approvals a supervisor gives. The backend has already re-locked the account
// where its store can; the supervisor follows up (calls the user on a known number, checks who
// ran the reset) and acknowledges, which takes the report off the queue. Nothing secret crosses.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useRef } from 'react'
import { call } from '../../api/client'
import { reportQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { methodName, relockLabels } from '../live/labels'
import { DataTable } from '../../components/DataTable'

export function ReportedResets() {
  const queryClient = useQueryClient()
  const open = useQuery(reportQueries.open())
  const heading = useRef<HTMLHeadingElement>(null)
  const acknowledge = useMutation({
    mutationFn: (reportId: string) => call('reports:acknowledge', { reportId }),
    // The row (and its button) goes: focus stays in the queue rather than dropping to the page.
    onSuccess: () => heading.current?.focus(),
    onSettled: () => queryClient.invalidateQueries({ queryKey: reportQueries.open().queryKey }),
  })
  const reports = open.data ?? []
  return (
    <section className="reported-resets" aria-labelledby="reported-title">
      <h2 id="reported-title" ref={heading} tabIndex={-1}>
        Reported resets
      </h2>
      <p>
        Resets the user reported as not theirs from the notice sent after every reset. The account is re-locked where its directory allows.
        Call the user on a number you know, find out who asked for the reset, then acknowledge.
      </p>
      <ErrorNotice error={open.error ?? acknowledge.error} />
      {open.isPending ? (
        <p>Loading…</p>
      ) : reports.length === 0 ? (
        <p role="status">No reset has been reported as not theirs.</p>
      ) : (
        <div className="table-wrap">
          <DataTable
            label="Resets reported as not theirs"
            columns={['Record', 'User', 'Reset by', 'Process', 'Reset', 'Reported', 'Account']}
            actions="Follow-up"
            className="approvals-table"
          >
            {reports.map((r) => (
              <tr key={r.id}>
                <td>{r.recordNumber ?? '—'}</td>
                <td>{r.userDisplayName}</td>
                <td>{r.agentName ?? 'The user (emailed link)'}</td>
                <td>{r.processName}</td>
                <td>
                  {formatTime(r.resetAt)}
                  {r.method ? ` · ${methodName(r.method)}` : ''}
                </td>
                <td>{formatTime(r.reportedAt)}</td>
                <td data-relock={r.relock}>
                  {relockLabels[r.relock]}
                  {r.sessionsRevoked > 0
                    ? ` · ${r.sessionsRevoked} enrolment ${r.sessionsRevoked === 1 ? 'session' : 'sessions'} ended`
                    : ''}
                </td>
                <td>
                  <button
                    type="button"
                    disabled={acknowledge.isPending}
                    aria-label={`Acknowledge the report on ${r.userDisplayName}'s reset${r.recordNumber ? ` (${r.recordNumber})` : ''}`}
                    onClick={() => acknowledge.mutate(r.id)}
                  >
                    Acknowledge
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}
    </section>
  )
}
