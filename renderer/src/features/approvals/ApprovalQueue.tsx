// B1: a supervisor approves, from their own console, the reset of a protected account that an
// agent has verified. Nothing secret crosses: the queue names the record, user, agent and process.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { call } from '../../api/client'
import { approvalQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'

export function ApprovalQueue() {
  const queryClient = useQueryClient()
  const pending = useQuery(approvalQueries.pending())
  const approve = useMutation({
    mutationFn: (flowId: string) => call('flow:approve', { flowId }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: approvalQueries.pending().queryKey }),
  })
  const requests = pending.data ?? []
  return (
    <section className="approvals" aria-labelledby="approvals-title">
      <h1 id="approvals-title">Approvals</h1>
      <p>Protected accounts (executives, administrators) are reset only after a supervisor approves.</p>
      <ErrorNotice error={pending.error ?? approve.error} />
      {pending.isPending ? (
        <p>Loading…</p>
      ) : requests.length === 0 ? (
        <p role="status">No resets are waiting for approval.</p>
      ) : (
        <table aria-label="Resets waiting for approval">
          <thead>
            <tr>
              <th scope="col">Record</th>
              <th scope="col">User</th>
              <th scope="col">Agent</th>
              <th scope="col">Process</th>
              <th scope="col">Verification</th>
              <th scope="col">Started</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {requests.map((r) => (
              <tr key={r.flowId}>
                <td>{r.recordNumber}</td>
                <td>{r.userDisplayName}</td>
                <td>{r.agentName}</td>
                <td>{r.processName}</td>
                <td>{r.verified ? 'Verified' : 'In progress'}</td>
                <td>{formatTime(r.startedAt)}</td>
                <td>
                  <button
                    type="button"
                    disabled={!r.verified || approve.isPending}
                    aria-label={`Approve the reset of ${r.userDisplayName} (${r.recordNumber})`}
                    onClick={() => approve.mutate(r.flowId)}
                  >
                    Approve
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
