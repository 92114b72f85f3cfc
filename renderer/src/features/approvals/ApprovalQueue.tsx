// B1: a supervisor approves, or rejects with a reason, from their own console, the reset of a
// protected account that an agent has verified. Nothing secret crosses: the queue names the
// record, user, agent, process, the methods passed and how long the agent has been waiting.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState, type FormEvent } from 'react'
import { Description, Dialog, DialogPanel, DialogTitle } from '@headlessui/react'
import type { ApprovalRequest } from '../../../../shared/domain/types'
import { call } from '../../api/client'
import { approvalQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { rescueFocus } from '../../components/focus'
import { methodTitles } from '../wizard/VerifyStep'
import { DataTable } from '../../components/DataTable'

/** "4 min", "1 h 5 min": how long since `iso`, re-rendered every 15 seconds by the caller. */
export function waitingFor(iso: string, now: number): string {
  const minutes = Math.max(0, Math.floor((now - new Date(iso).getTime()) / 60_000))
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}

export function ApprovalQueue() {
  const queryClient = useQueryClient()
  const pending = useQuery(approvalQueries.pending())
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 15_000)
    return () => clearInterval(t)
  }, [])
  const [rejecting, setRejecting] = useState<ApprovalRequest | null>(null)
  const approve = useMutation({
    mutationFn: (flowId: string) => call('flow:approve', { flowId }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: approvalQueries.pending().queryKey }),
  })
  const requests = pending.data ?? []
  // B8: a decided request leaves the queue with its buttons: focus goes back to the queue's top.
  const headingRef = useRef<HTMLHeadingElement>(null)
  useEffect(() => {
    rescueFocus(headingRef.current)
  }, [requests.length, rejecting])
  return (
    <section className="approvals" aria-labelledby="approvals-title">
      <h1 id="approvals-title" ref={headingRef} tabIndex={-1}>
        Approvals
      </h1>
      <p>Protected accounts (executives, administrators) are reset only after a supervisor approves.</p>
      <ErrorNotice error={pending.error ?? approve.error} />
      {pending.isPending ? (
        <p>Loading…</p>
      ) : requests.length === 0 ? (
        <p role="status">No resets are waiting for approval.</p>
      ) : (
        <div className="table-wrap">
          <DataTable
            label="Resets waiting for approval"
            columns={['Record', 'User', 'Agent', 'Process', 'Methods passed', 'Waiting']}
            actions="Decision"
            className="approvals-table"
          >
            {requests.map((r) => (
              <tr key={r.flowId}>
                <td>{r.recordNumber}</td>
                <td>{r.userDisplayName}</td>
                <td>{r.agentName}</td>
                <td>{r.processName}</td>
                <td data-testid="passed-methods">
                  {r.passedMethods.length ? r.passedMethods.map((m) => methodTitles[m]).join(', ') : 'none yet'}
                  {r.verified ? ' · Verified' : ' · In progress'}
                </td>
                <td title={`Since ${formatTime(r.startedAt)}`}>{waitingFor(r.startedAt, now)}</td>
                <td className="decision">
                  <button
                    type="button"
                    disabled={!r.verified || approve.isPending}
                    aria-label={`Approve the reset of ${r.userDisplayName} (${r.recordNumber})`}
                    onClick={() => approve.mutate(r.flowId)}
                  >
                    Approve
                  </button>
                  <button
                    type="button"
                    aria-label={`Reject the reset of ${r.userDisplayName} (${r.recordNumber})`}
                    onClick={() => setRejecting(r)}
                  >
                    Reject…
                  </button>
                </td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}
      <RejectDialog request={rejecting} onDone={() => setRejecting(null)} />
    </section>
  )
}

/** The reason is required: the agent reads it, and it goes into the audit and the work note. */
function RejectDialog({ request, onDone }: { request: ApprovalRequest | null; onDone: () => void }) {
  const queryClient = useQueryClient()
  const id = useId()
  const [reason, setReason] = useState('')
  const reject = useMutation({
    mutationFn: (v: { flowId: string; reason: string }) => call('flow:reject', v),
    onSuccess: () => {
      setReason('')
      onDone()
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: approvalQueries.pending().queryKey }),
  })
  const close = () => {
    setReason('')
    reject.reset()
    onDone()
  }
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (request) reject.mutate({ flowId: request.flowId, reason: reason.trim() })
  }
  return (
    <Dialog open={request !== null} onClose={close} className="dialog-root">
      <div className="dialog-overlay" aria-hidden="true" />
      <DialogPanel className="dialog">
        <DialogTitle as="h3">Reject this reset?</DialogTitle>
        <Description>
          {request ? `${request.userDisplayName} (${request.recordNumber}), asked by ${request.agentName}. ` : ''}
          The flow ends, nothing is changed, and the agent sees your reason.
        </Description>
        <form onSubmit={submit}>
          <div className="field">
            <label htmlFor={`${id}-reason`}>Reason</label>
            <input
              id={`${id}-reason`}
              data-autofocus
              type="text"
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <ErrorNotice error={reject.error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={reason.trim().length < 3 || reject.isPending}>
              Reject reset
            </button>
            <button type="button" onClick={close}>
              Back
            </button>
          </div>
        </form>
      </DialogPanel>
    </Dialog>
  )
}
