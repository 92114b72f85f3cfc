// R3 Identify: the user (defaulting to the record's caller, searched as the agent types) and the
// password reset process, with R4's uses left and, at zero, when the next use frees up.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useState } from 'react'
import { call } from '../../api/client'
import { flowQueries, userQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { useFlowStore, type WizardState } from '../../stores/flow-store'
import { StepFrame } from '../../components/StepFrame'
import { Sensitive } from '../../components/Sensitive'
import type { EnrolmentSummary } from '../../../../shared/domain/enrolment'
import type { UserRisk } from '../../../../shared/domain/risk'

/** G4: the user's enrolment in words, e.g. "email, mobile, 2 security questions". */
export function enrolmentText(e: EnrolmentSummary): string {
  const parts = [
    e.email ? 'email' : null,
    e.mobile ? 'mobile' : null,
    e.questions > 0 ? `${e.questions} security ${e.questions === 1 ? 'question' : 'questions'}` : null,
    e.authenticator ? 'authenticator app' : null,
  ].filter((p): p is string => p !== null)
  return parts.length > 0 ? parts.join(', ') : 'nothing'
}

type Identify = Extract<WizardState, { step: 'identify' }>

export function IdentifyStep({ state, defaultUserName, initialSearch = null }: { state: Identify; defaultUserName: string | null; initialSearch?: string | null }) {
  const send = useFlowStore((s) => s.send)
  const queryClient = useQueryClient()
  const [userLabel, setUserLabel] = useState<string | null>(state.userId ? defaultUserName : null)
  const [q, setQ] = useState(state.userId ? '' : (initialSearch ?? ''))
  const [debounced, setDebounced] = useState(q.trim())
  useEffect(() => {
    const t = setTimeout(() => setDebounced(q.trim()), 200)
    return () => clearTimeout(t)
  }, [q])
  const search = useQuery({ ...userQueries.search(debounced), enabled: debounced.length >= 2 })
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

  const start = useMutation({
    mutationFn: () => call('flow:start', { recordId: state.recordId, userId: state.userId!, processId: state.processId! }),
    onSuccess: (flow) => {
      queryClient.setQueryData(flowQueries.detail(flow.id).queryKey, flow)
      send({ type: 'started', flowId: flow.id })
    },
  })

  return (
    <StepFrame title="Identify the user">
      <div className="field-group">
        <p id={`${ids}-user`}>
          User: <strong data-testid="selected-user">{userLabel ?? 'none selected'}</strong>
        </p>
        <label htmlFor={`${ids}-search`}>Search the directory</label>
        <input
          id={`${ids}-search`}
          type="search"
          autoComplete="off"
          placeholder="Name, user name or email"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          aria-describedby={`${ids}-user`}
        />
        <ErrorNotice error={search.error} />
        {debounced.length >= 2 && search.data && (
          <ul className="results" aria-label="Matching users">
            {search.data.length === 0 && <li className="muted">No users match.</li>}
            {search.data.map((u) => (
              <li key={u.id}>
                <button
                  type="button"
                  aria-pressed={u.id === state.userId}
                  onClick={() => {
                    setUserLabel(u.displayName)
                    setQ('')
                    send({ type: 'chooseUser', userId: u.id })
                  }}
                >
                  {u.displayName} (<Sensitive kind="text" value={u.username} />){u.department ? ` · ${u.department}` : ''}
                  {u.locked ? ' · locked' : ''}
                  {u.protected ? ' · protected' : ''}
                  {` · enrolled: ${enrolmentText(u.enrolment)}`}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>

      {state.userId && <UserCard risk={risk.data} error={risk.error} enrolment={enrolment.data ? enrolmentText(enrolment.data) : null} />}
      {state.userId && (
        <fieldset className="processes">
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
          type="button"
          className="primary"
          disabled={!chosen || chosen.usesLeft <= 0 || start.isPending}
          onClick={() => start.mutate()}
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
        <dd><Sensitive kind="text" value={u.username} /></dd>
        <dt>Department</dt>
        <dd>{u.department ?? '—'}</dd>
        <dt>Status</dt>
        <dd data-testid="user-status">
          {u.locked ? 'Locked' : 'Active'}
          {risk.mustChange ? ', must change the password at next sign-in' : ''}
          {u.protected ? ' · protected account (two methods and a supervisor’s approval)' : ''}
        </dd>
        <dt>Resets in the last 24 hours</dt>
        <dd data-testid="user-resets">{risk.resetsLast24h}{risk.lastReset ? ` (last at ${formatTime(risk.lastReset)})` : ''}</dd>
      </dl>
      {enrolment !== null && <p data-testid="user-enrolment">Enrolled in: {enrolment}.</p>}
      <div className={warnings.length ? 'risk has-warnings' : 'risk'} data-testid="risk-signals">
        <h4>{warnings.length ? `Risk signals (${warnings.length})` : 'No risk signals'}</h4>
        {risk.signals.length > 0 && (
          <ul>
            {risk.signals.map((s) => (
              <li key={s.kind} data-kind={s.kind} className={s.level}>{s.reason}</li>
            ))}
          </ul>
        )}
      </div>
    </section>
  )
}
