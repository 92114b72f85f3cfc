// A record's fields and activity stream (work notes included), and R1's "Reset password" in
// "More actions" — shown only when the backend says this agent may reset on this record; where
// it may not, the view says why and offers "Assign to me" (G5) when the record is in one's groups.
// "More actions" is a Headless UI menu (B8: arrow keys, Escape and a click outside close it,
// focus back on its button); after every action focus goes to the next thing to do, never <body>.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef } from 'react'
import { Menu, MenuButton, MenuItem, MenuItems } from '@headlessui/react'
import { resetRoles, type RecordDetail } from '../../../../shared/domain/types'
import { errorCatalogue } from '../../../../shared/errors'
import { call } from '../../api/client'
import { recordQueries } from '../../api/queries'
import { callerLabel } from './caller-label'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { useFlowStore } from '../../stores/flow-store'
import { Sensitive } from '../../components/Sensitive'
import { Wizard, useCancelFlow } from '../wizard/Wizard'
import { rescueFocus } from '../../components/focus'

/** G5: take the record; the view and every list then show the new assignee. */
function useAssignToMe(recordId: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => call('records:assignToMe', { recordId }),
    onSuccess: (detail) => {
      queryClient.setQueryData(recordQueries.detail(recordId).queryKey, detail)
      // Every list and count may change (assigned to me, my groups); this record's view is fresh.
      void queryClient.invalidateQueries({ queryKey: recordQueries.all(), predicate: (q) => q.queryKey[1] !== 'detail' })
    },
  })
}

export function RecordView({ recordId, onBack, focusActions = false }: { recordId: string; onBack: () => void; focusActions?: boolean }) {
  const detail = useQuery(recordQueries.detail(recordId))
  const assign = useAssignToMe(recordId)
  const actionsRef = useRef<HTMLButtonElement>(null)
  const headingRef = useRef<HTMLHeadingElement>(null)
  const loaded = detail.isSuccess
  // A record just created from the keyboard: its actions are the next thing the agent wants. A
  // record opened from the list (whose row is gone): its heading, from where Tab reaches them.
  useEffect(() => {
    if (!loaded) return
    if (focusActions) actionsRef.current?.focus()
    else rescueFocus(headingRef.current)
  }, [focusActions, loaded])
  const wizard = useFlowStore((s) => s.state)
  const send = useFlowStore((s) => s.send)
  const cancelFlow = useCancelFlow()
  const menuId = useId()
  const wizardHere = wizard.step !== 'closed' && wizard.recordId === recordId
  // The flow ended here (Exit, Cancel reset, a rejection): its controls are gone with it, so
  // focus goes back to the record rather than falling to <body>.
  const hadWizard = useRef(wizardHere)
  useEffect(() => {
    if (hadWizard.current && !wizardHere) rescueFocus(headingRef.current)
    hadWizard.current = wizardHere
  }, [wizardHere])
  // Headless UI hands focus back to "More actions" two frames after an item is chosen, unless a
  // tabbable element has it by then, and a step's heading (tabIndex -1) is not one. When the item
  // opened the wizard, that hand-back goes on to the step's heading, until the agent's next input.
  const articleRef = useRef<HTMLElement>(null)
  const focusToWizard = useRef(false)
  const onActionsFocus = () => {
    // Not cleared here: chosen by Enter, the item hands focus back twice (the item's click and
    // the menu's key handler each ask for it); the agent's next key or press ends the pass-on.
    if (focusToWizard.current) articleRef.current?.querySelector<HTMLElement>('.wizard .step h2')?.focus()
  }
  // Taken by "Assign to me": its notice is gone and "Reset password" waits in More actions.
  const assigned = assign.isSuccess
  const refusal = detail.data?.resetRefusal ?? null
  useEffect(() => {
    if (assigned) rescueFocus(actionsRef.current)
  }, [assigned, refusal])

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
  const { record, activity, canReset, canAssignToMe, caller, resetRefusal } = detail.data
  // R3: the user field starts from the caller when the directory knows them, else from the text.
  const callerKnown = caller.status === 'resolved' || caller.status === 'unavailable'
  const openWizard = () => {
    focusToWizard.current = true
    const done = () => {
      focusToWizard.current = false
      for (const type of ['keydown', 'pointerdown'] as const) window.removeEventListener(type, done, true)
    }
    for (const type of ['keydown', 'pointerdown'] as const) window.addEventListener(type, done, true)
    send({ type: 'open', recordId, callerId: callerKnown ? caller.id : null })
  }
  const fields: [string, string][] = [
    ['Number', record.number],
    [record.kind === 'incident' ? 'Caller' : 'Opened for', caller.nameAtTime || caller.id ? callerLabel(caller) : '—'],
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
    <article ref={articleRef} className="record" aria-labelledby={`${menuId}-title`}>
      <div className="record-head">
        <button type="button" onClick={back}>
          Back to list
        </button>
        <h1 id={`${menuId}-title`} ref={headingRef} tabIndex={-1}>
          {record.number}: {record.shortDescription}
        </h1>
        <Menu as="div" className="menu">
          <MenuButton ref={actionsRef} type="button" onFocus={onActionsFocus}>
            More actions
          </MenuButton>
          <MenuItems className="menu-list">
            {canReset && (
              <MenuItem as="button" type="button" disabled={wizardHere} onClick={openWizard}>
                Reset password
              </MenuItem>
            )}
            {canAssignToMe && (
              <MenuItem
                as="button"
                type="button"
                disabled={assign.isPending}
                onClick={() => assign.mutate(undefined, { onError: () => rescueFocus(actionsRef.current) })}
              >
                Assign to me
              </MenuItem>
            )}
            {/* R8: an empty menu says why, in the catalogue's words. */}
            {!canReset && !canAssignToMe && (
              <MenuItem as="div" disabled className="menu-note">
                No actions available: {resetRefusal ? errorCatalogue[resetRefusal].message : 'nothing can be done on this record.'}
              </MenuItem>
            )}
          </MenuItems>
        </Menu>
      </div>
      <ErrorNotice error={assign.error} />
      {wizardHere ? (
        <Wizard
          recordId={recordId}
          defaultUserName={caller.currentName ?? caller.nameAtTime}
          initialSearch={callerKnown ? null : caller.nameAtTime}
        />
      ) : (
        <>
          <ResetRefusal
            detail={detail.data}
            onAssign={() => assign.mutate(undefined, { onError: () => rescueFocus(actionsRef.current) })}
            assigning={assign.isPending}
          />
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
                    <span>{activityLabels[a.kind]}</span> · <span>{a.author}</span> · <time dateTime={a.at}>{formatTime(a.at)}</time>
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

const activityLabels: Record<RecordDetail['activity'][number]['kind'], string> = {
  comment: 'Comment',
  work_note: 'Work note',
  assignment: 'Assignment',
}

/** R1 refused here: say why, and offer what would change it. */
function ResetRefusal({ detail, onAssign, assigning }: { detail: RecordDetail; onAssign: () => void; assigning: boolean }) {
  if (!detail.resetRefusal) return null
  const entry = errorCatalogue[detail.resetRefusal]
  return (
    <div className="notice refusal" data-testid="reset-refusal">
      <p>
        Reset password is not available: {entry.message}{' '}
        {detail.resetRefusal === 'ROLE_MISSING'
          ? `It needs one of: ${resetRoles.join(', ')}.`
          : detail.canAssignToMe
            ? ''
            : detail.record.assignmentGroup
              ? `Only an agent of ${detail.record.assignmentGroup} can take it.`
              : 'It has no assignment group.'}
      </p>
      {detail.resetRefusal === 'NOT_ASSIGNED' && detail.canAssignToMe && (
        <button type="button" className="primary" disabled={assigning} onClick={onAssign}>
          Assign to me
        </button>
      )}
    </div>
  )
}
