// The end of the flow: the generated password shown once with its phonetic spelling (R6.2, B3),
// the outcome, and R7's Close → "Exit" confirmation, which writes the work note and wipes the flow.
import { useMutation, useQuery } from '@tanstack/react-query'
import { useId } from 'react'
import { Description, Dialog, DialogPanel, DialogTitle } from '@headlessui/react'
import { spellPassword } from '../../../../shared/policy/phonetic'
import { call } from '../../api/client'
import { flowQueries } from '../../api/queries'
import { ErrorNotice } from '../../components/ErrorNotice'
import { StepFrame } from '../../components/StepFrame'
import { Sensitive } from '../../components/Sensitive'
import { usePresenterMode } from '../../stores/presenter-store'
import { useFlowStore, type WizardState } from '../../stores/flow-store'
import { useWipeFlow } from './flow-exit'

type Done = Extract<WizardState, { step: 'done' }>

export function DoneStep({ state }: { state: Done }) {
  const send = useFlowStore((s) => s.send)
  const wipe = useWipeFlow()
  const flow = useQuery(flowQueries.detail(state.flowId))
  const ids = useId()
  const exit = useMutation({
    mutationFn: () => call('flow:close', { flowId: state.flowId, passwordShared: state.method !== 'email_link' }),
    onSuccess: () => {
      // Where the agent was going when the console asked (Back to list, another view), if anywhere.
      const proceed = useFlowStore.getState().leaveAfterExit
      wipe(state.recordId)
      proceed?.()
    },
  })
  const f = flow.data
  // B4: on a shared screen neither the password nor its spelling is in the page.
  const presenting = usePresenterMode()
  return (
    // R6.1: an emailed link changes nothing yet; the user sets the password when they follow it.
    <StepFrame title={state.method === 'email_link' ? 'Instructions sent' : 'Password reset complete'}>
      {state.generatedPassword && (
        <section className="secret" aria-labelledby={`${ids}-pw`}>
          <h3 id={`${ids}-pw`}>Read this password to the caller</h3>
          <p className="password" data-testid="generated-password">
            <Sensitive kind="secret" value={state.generatedPassword} />
          </p>
          {presenting ? (
            <p className="hint" data-sensitive="secret" data-masked="true">
              Presenter mode hides the password and its phonetic spelling; turn it off to read them out.
            </p>
          ) : (
            <ol className="spelling" aria-label="Phonetic spelling">
              {spellPassword(state.generatedPassword).map((group, i) => (
                <li key={i}>{group.join(', ')}</li>
              ))}
            </ol>
          )}
          <p className="hint">It is shown only here, once. It is wiped when you exit.</p>
        </section>
      )}
      {state.method === 'email_link' && (
        <p data-testid="instructions-sent">
          Instructions sent to {state.sentTo.length ? <Sensitive kind="text" value={state.sentTo.join(', ')} /> : 'the registered address'};
          the password changes when the user follows the link.
        </p>
      )}
      {state.method === 'manual' && <p>The password you typed is now set.</p>}
      {f && state.method !== 'email_link' && (
        <ul className="outcome">
          {f.process.unlock && (
            <li data-testid="unlocked">{f.user.locked ? 'The account is still locked.' : 'The account is unlocked.'}</li>
          )}
          {f.process.requireChange && <li>The user must change the password at next sign-in.</li>}
        </ul>
      )}
      <div className="actions">
        <button type="button" className="primary" onClick={() => send({ type: 'askClose' })}>
          Close
        </button>
      </div>
      <ExitDialog
        open={state.confirmingClose}
        onExit={() => exit.mutate()}
        onStay={() => send({ type: 'cancelClose' })}
        pending={exit.isPending}
        error={exit.error}
        shared={state.method !== 'email_link'}
      />
    </StepFrame>
  )
}

/**
 * R7's confirmation as a real modal (Headless UI Dialog): focus is trapped inside, the rest of the
 * console is made inert, and Escape or a click outside means "stay", never "exit". (Headless UI
 * rather than Radix: Radix's scroll lock injects a <style> element, which S1's CSP refuses.)
 */
function ExitDialog(props: { open: boolean; onExit: () => void; onStay: () => void; pending: boolean; error: unknown; shared: boolean }) {
  return (
    <Dialog open={props.open} onClose={props.onStay} className="dialog-root">
      <div className="dialog-overlay" aria-hidden="true" />
      <DialogPanel className="dialog">
        <DialogTitle as="h3">End this password reset?</DialogTitle>
        <Description>
          {props.shared ? 'Exit records that the password was shared with the user, ' : 'Exit '}
          writes a work note on the record, ends the flow and clears it from this console.
        </Description>
        <ErrorNotice error={props.error} />
        <div className="actions">
          <button type="button" className="primary" data-autofocus disabled={props.pending} onClick={props.onExit}>
            Exit
          </button>
          <button type="button" onClick={props.onStay}>
            Back
          </button>
        </div>
      </DialogPanel>
    </Dialog>
  )
}
