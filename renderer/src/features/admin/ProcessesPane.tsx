// G7: the desk's password reset processes — list, create, edit, disable/enable, delete. A process
// that any flow used cannot be deleted (its history names it): disable it instead. A disabled
// process is not offered at Identify and cannot start a flow; flows already open may finish.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import type { AdminProcess } from '../../../../shared/domain/process-admin'
import { call } from '../../api/client'
import { ErrorNotice } from '../../components/ErrorNotice'
import { adminQueries, invalidateProcesses } from './admin-queries'
import { ProcessForm } from './ProcessForm'

type Editing = null | 'new' | AdminProcess

export function ProcessesPane() {
  const queryClient = useQueryClient()
  const list = useQuery(adminQueries.processes())
  const [editing, setEditing] = useState<Editing>(null)
  const [status, setStatus] = useState('')
  const [toDelete, setToDelete] = useState<AdminProcess | null>(null)
  const dialog = useRef<HTMLDialogElement>(null)
  const cancelDelete = useRef<HTMLButtonElement>(null)
  const listHeading = useRef<HTMLHeadingElement>(null)

  const setEnabled = useMutation({
    mutationFn: (v: { processId: string; enabled: boolean }) => call('admin:processes:setEnabled', v),
    onSuccess: async (p) => {
      await invalidateProcesses(queryClient)
      setStatus(`“${p.process.name}” ${p.enabled ? 'enabled' : 'disabled'}.`)
    },
  })
  const remove = useMutation({
    mutationFn: (p: AdminProcess) => call('admin:processes:delete', { processId: p.process.id }),
    onSuccess: async (_, p) => {
      dialog.current?.close()
      await invalidateProcesses(queryClient)
      setStatus(`“${p.process.name}” deleted.`)
    },
    // A refusal (used meanwhile, deleted by another admin) stays in the dialog, where it was asked.
    onError: () => void invalidateProcesses(queryClient),
  })

  const openDelete = (p: AdminProcess) => {
    remove.reset()
    setToDelete(p)
    // The platform's modal dialog: focus moves in, the rest of the page is inert, Escape closes.
    dialog.current?.showModal()
    // A destructive question starts on the safe answer.
    cancelDelete.current?.focus()
  }

  if (editing) {
    return (
      <ProcessForm
        editing={editing === 'new' ? null : editing}
        onDone={(saved) => {
          setEditing(null)
          setStatus(saved ? `“${saved.process.name}” saved.` : '')
          // Back on the list, focus its heading so the keyboard user is not lost.
          setTimeout(() => listHeading.current?.focus())
        }}
      />
    )
  }

  return (
    <div className="admin-processes">
      <div className="toolbar">
        <h2 ref={listHeading} tabIndex={-1}>
          Processes
        </h2>
        <button type="button" className="primary" onClick={() => setEditing('new')}>
          New process
        </button>
        <span role="status" className="count">
          {status}
        </span>
      </div>
      <ErrorNotice error={list.error ?? setEnabled.error} />
      {list.data && list.data.length === 0 && <p>No processes yet. Create the first one: agents can reset nobody until one applies.</p>}
      {list.data && list.data.length > 0 && (
        <table className="admin-table" aria-label="Password reset processes">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Applies to</th>
              <th scope="col">Store</th>
              <th scope="col">Status</th>
              <th scope="col">Flows</th>
              <th scope="col" className="actions-col">
                Actions
              </th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((p) => (
              <tr key={p.process.id} data-process={p.process.id}>
                <th scope="row">{p.process.name}</th>
                <td>
                  {p.process.protectedAccounts ? 'Protected accounts' : ''}
                  {p.process.protectedAccounts && p.process.appliesToGroups.length > 0 ? ' in ' : ''}
                  {p.process.appliesToGroups.length > 0
                    ? p.process.appliesToGroups.join(', ')
                    : p.process.protectedAccounts
                      ? ''
                      : 'Everyone'}
                </td>
                <td>{p.process.credentialStore}</td>
                <td>{p.enabled ? 'Enabled' : 'Disabled'}</td>
                <td>{p.openFlows > 0 ? `${p.openFlows} open` : p.everUsed ? 'Used' : 'Never used'}</td>
                <td>
                  <div className="row-actions">
                    <button type="button" onClick={() => setEditing(p)} aria-label={`Edit ${p.process.name}`}>
                      Edit
                    </button>
                    <button
                      type="button"
                      disabled={setEnabled.isPending}
                      onClick={() => setEnabled.mutate({ processId: p.process.id, enabled: !p.enabled })}
                      aria-label={`${p.enabled ? 'Disable' : 'Enable'} ${p.process.name}`}
                    >
                      {p.enabled ? 'Disable' : 'Enable'}
                    </button>
                    {!p.everUsed && (
                      <button type="button" onClick={() => openDelete(p)} aria-label={`Delete ${p.process.name}`}>
                        Delete
                      </button>
                    )}
                  </div>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="hint">A process that flows have used cannot be deleted; disable it instead. Its open flows may finish.</p>

      <dialog ref={dialog} className="dialog" aria-labelledby="delete-process-title" onClose={() => setToDelete(null)}>
        <h2 id="delete-process-title">Delete “{toDelete?.process.name}”?</h2>
        <p>It has never been used. Deleting cannot be undone; the audit log keeps what it was.</p>
        <ErrorNotice error={remove.error} />
        <div className="actions">
          <button type="button" className="primary" disabled={remove.isPending} onClick={() => toDelete && remove.mutate(toDelete)}>
            Delete process
          </button>
          <button type="button" ref={cancelDelete} onClick={() => dialog.current?.close()}>
            Cancel
          </button>
        </div>
      </dialog>
    </div>
  )
}
