// R3 Identify: the user (defaulting to the record's caller, searched as the agent types) and the
// password reset process, with R4's uses left and, at zero, when the next use frees up.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef } from 'react'
import { call } from '../../api/client'
import { flowQueries, userQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { useFlowStore, type WizardState } from '../../stores/flow-store'
import { StepFrame } from '../../components/StepFrame'
import { Sensitive } from '../../components/Sensitive'
import type { UserRisk } from '../../../../shared/domain/risk'
import { rescueFocus } from '../../components/focus'
import { enrolmentText } from './enrolment-text'
import { UserPicker } from './UserPicker'
export { enrolmentText } from './enrolment-text'

type Identify = Extract<WizardState, { step: 'identify' }>

export function IdentifyStep({
  state,
  defaultUserName,
  initialSearch = null,
}: {
  state: Identify
  defaultUserName: string | null
  initialSearch?: string | null
}) {
  const send = useFlowStore((s) => s.send)
  const queryClient = useQueryClient()
  const processes = useQuery({ ...userQueries.processes(state.userId ?? ''), enabled: !!state.userId })
  const enrolment = useQuery({ ...userQueries.enrolment(state.userId ?? ''), enabled: !!state.userId })
  const risk = useQuery({ ...userQueries.risk(state.userId ?? '', state.recordId), enabled: !!state.userId })
  // R3: with exactly one process for the user there is nothing to choose: it is preselected.
  const only = processes.data?.length === 1 ? processes.data[0]!.process.id : null
  useEffect(() => {
    if (only && !state.processId) send({ type: 'chooseProcess', processId: only })
  }, [only, state.processId, send])
  const chosen = processes.data?.find((p) => p.process.id === state.processId)
  const ids = useId()
  // B8: a user picked in the drop-down: once their processes are here, the next thing to do
  // gets the focus: Continue when the only process is preselected, else the process choice.
  const picked = useRef(false)
  const processesRef = useRef<HTMLFieldSetElement>(null)
  const continueRef = useRef<HTMLButtonElement>(null)
  const usable = !!chosen && chosen.usesLeft > 0
  useEffect(() => {
    if (!picked.current || !processes.data) return
    if (processes.data.length === 1 && !state.processId) return // preselected on the next render
    picked.current = false
    if (processes.data.length === 1) {
      if (usable) continueRef.current?.focus()
    } else processesRef.current?.querySelector<HTMLInputElement>('input[type="radio"]')?.focus()
  }, [processes.data, state.processId, usable])

  const start = useMutation({
    mutationFn: () => call('flow:start', { recordId: state.recordId, userId: state.userId!, processId: state.processId! }),
    onSuccess: (flow) => {
      queryClient.setQueryData(flowQueries.detail(flow.id).queryKey, flow)
      send({ type: 'started', flowId: flow.id })
    },
  })

  return (
    <StepFrame title="Identify the user">
      <UserPicker
        initial={state.userId ? { id: state.userId, displayName: defaultUserName ?? state.userId } : null}
        initialSearch={initialSearch}
        onChoose={(u) => {
          picked.current = true
          send({ type: 'chooseUser', userId: u.id })
        }}
      />

      {state.userId && <UserCard risk={risk.data} error={risk.error} enrolment={enrolment.data ? enrolmentText(enrolment.data) : null} />}
      {state.userId && (
        <fieldset ref={processesRef} className="processes">
          <legend>Password reset process</legend>
          {processes.isPending && <p>Loading processes…</p>}
          <ErrorNotice error={processes.error} />
          {processes.data?.map((p) => {
            const exhausted = p.usesLeft <= 0
            const hint = `${ids}-${p.process.id}`
            return (
              <div key={p.process.id} className="process-option">
                <label>
                  <input
                    type="radio"
                    name={`${ids}-process`}
                    value={p.process.id}
                    checked={state.processId === p.process.id}
                    onChange={() => send({ type: 'chooseProcess', processId: p.process.id })}
                    aria-describedby={hint}
                  />
                  {p.process.name}
                </label>
                <p id={hint} className="hint">
                  {p.process.description}{' '}
                  <span data-testid={`uses-${p.process.id}`}>
                    {exhausted
                      ? `No resets left in the last 24 hours with this process. The next one frees up at ${formatTime(p.nextFreeAt)}.`
                      : `Resets left in the last 24 hours: ${p.usesLeft} of ${p.process.settings.resetsPerDay}.`}
                  </span>
                </p>
              </div>
            )
          })}
        </fieldset>
      )}
      <ErrorNotice error={start.error} />
      <div className="actions">
        <button
          ref={continueRef}
          type="button"
          className="primary"
          disabled={!usable || start.isPending}
          onClick={(e) => {
            const button = e.currentTarget
            // Disabled while it runs: on a refusal (another session holds the flow) focus comes back.
            start.mutate(undefined, { onError: () => rescueFocus(button) })
          }}
        >
          Continue to verify
        </button>
      </div>
    </StepFrame>
  )
}

/** R3 + B2: who the chosen user is, their status and enrolment, and the risk signals with their reasons. */
function UserCard({ risk, error, enrolment }: { risk: UserRisk | undefined; error: unknown; enrolment: string | null }) {
  const ids = useId()
  if (error) return <ErrorNotice error={error} />
  if (!risk) return <p>Loading the user…</p>
  const u = risk.user
  const warnings = risk.signals.filter((s) => s.level === 'warning')
  return (
    <section className="user-card" aria-labelledby={`${ids}-h`} data-testid="user-card">
      <h3 id={`${ids}-h`}>{u.displayName}</h3>
      <dl className="facts">
        <dt>User name</dt>
        <dd>
          <Sensitive kind="text" value={u.username} />
        </dd>
        <dt>Department</dt>
        <dd>{u.department ?? '—'}</dd>
        <dt>Status</dt>
        <dd data-testid="user-status">
          {u.locked ? 'Locked' : 'Active'}
          {risk.mustChange ? ', must change the password at next sign-in' : ''}
          {u.protected ? ' · protected account (two methods and a supervisor’s approval)' : ''}
        </dd>
        <dt>Resets in the last 24 hours</dt>
        <dd data-testid="user-resets">
          {risk.resetsLast24h}
          {risk.lastReset ? ` (last at ${formatTime(risk.lastReset)})` : ''}
        </dd>
      </dl>
      {enrolment !== null && <p data-testid="user-enrolment">Enrolled in: {enrolment}.</p>}
      <div className={warnings.length ? 'risk has-warnings' : 'risk'} data-testid="risk-signals">
        <h4>{warnings.length ? `Risk signals (${warnings.length})` : 'No risk signals'}</h4>
        {risk.signals.length > 0 && (
          <ul>
            {risk.signals.map((s) => (
              <li key={s.kind} data-kind={s.kind} className={s.level}>
                {s.reason}
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}
