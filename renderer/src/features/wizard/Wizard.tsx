// The reset wizard: Identify → Verify → Reset → Close (R3–R7). The step lives in the zustand
// flow store; the flow itself (methods, attempts, approval) is server state in react-query.
import { useFlowStore } from '../../stores/flow-store'
import { IdentifyStep } from './IdentifyStep'
import { VerifyStep } from './VerifyStep'
import { ResetStep } from './ResetStep'
import { DoneStep } from './DoneStep'
import { useCancelFlow } from './flow-exit'
export { useCancelFlow, useWipeFlow } from './flow-exit'

const steps = [
  { id: 'identify', label: 'Identify' },
  { id: 'verify', label: 'Verify' },
  { id: 'reset', label: 'Reset' },
  { id: 'done', label: 'Close' },
] as const

/** `initialSearch`: a caller no directory user matched (free text) starts the user search (R3). */
export function Wizard({
  recordId,
  defaultUserName,
  initialSearch = null,
}: {
  recordId: string
  defaultUserName: string | null
  initialSearch?: string | null
}) {
  const state = useFlowStore((s) => s.state)
  const cancel = useCancelFlow()
  if (state.step === 'closed' || state.recordId !== recordId) return null
  const current = steps.findIndex((s) => s.id === state.step)
  return (
    <section className="wizard" aria-label="Reset password">
      <ol className="stepper">
        {steps.map((s, i) => (
          <li
            key={s.id}
            aria-current={i === current ? 'step' : undefined}
            className={i < current ? 'past' : i === current ? 'current' : ''}
          >
            {i + 1}. {s.label}
          </li>
        ))}
      </ol>
      {state.step === 'identify' && <IdentifyStep state={state} defaultUserName={defaultUserName} initialSearch={initialSearch} />}
      {state.step === 'verify' && <VerifyStep flowId={state.flowId} />}
      {state.step === 'reset' && <ResetStep flowId={state.flowId} />}
      {state.step === 'done' && <DoneStep state={state} />}
      {state.step !== 'done' && (
        <div className="wizard-footer">
          <button type="button" className="secondary" onClick={() => void cancel()}>
            Cancel reset
          </button>
        </div>
      )}
    </section>
  )
}
