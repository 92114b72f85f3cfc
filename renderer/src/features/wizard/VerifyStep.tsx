// R5 Verify: the agent picks one of the process's methods (tabs, one shown at a time), each with
// its status (passed, attempts left, closed until), its controls and its own catalogue errors; a
// sticky bar keeps the count and Continue on screen.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { Tab, TabGroup, TabList, TabPanel, TabPanels } from '@headlessui/react'
import type { CodeMethod, FlowView, MethodStatus, VerifyMethod } from '../../../../shared/domain/types'
import { ApiError, call } from '../../api/client'
import { approvalQueries, demoQueries, flowQueries } from '../../api/queries'
import { useWipeFlow } from './flow-exit'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { StepFrame } from '../../components/StepFrame'
import { Sensitive, useSensitiveInputType } from '../../components/Sensitive'
import { useFlowStore } from '../../stores/flow-store'
import { focusIsLost, rescueFocus } from '../../components/focus'

export const methodTitles: Record<VerifyMethod, string> = {
  email_code: 'Email code',
  sms_code: 'SMS code',
  security_questions: 'Security questions',
  personal_data_verify: 'Personal data verification',
  personal_data_confirm: 'Personal data confirmation',
  totp_code: 'Authenticator app code',
}

/** A verify call: on success the flow is replaced; on a failure the flow is refetched (attempts changed). */
function useFlowMutation<V>(flowId: string, fn: (vars: V) => Promise<FlowView>) {
  const queryClient = useQueryClient()
  const key = flowQueries.detail(flowId).queryKey
  return useMutation({
    mutationFn: fn,
    // Variables hold codes and answers: forget them as soon as the card unmounts.
    gcTime: 0,
    onSuccess: (flow) => queryClient.setQueryData(key, flow),
    onError: (e) => {
      if (e instanceof ApiError) void queryClient.invalidateQueries({ queryKey: key })
    },
  })
}

/** The method to show first: the first one the user can still pass here, else the first. */
export function nextMethod(f: FlowView, after?: VerifyMethod): number {
  const open = (m: MethodStatus) => m.enrolled && !m.passed && m.attemptsLeft > 0 && !m.closedUntil
  const order = f.process.methods.map((m) => f.methods.find((s) => s.method === m)!)
  const from = after ? order.findIndex((m) => m.method === after) + 1 : 0
  const i = [...order.slice(from), ...order.slice(0, from)].findIndex(open)
  return i < 0 ? 0 : (i + from) % order.length
}

export function VerifyStep({ flowId }: { flowId: string }) {
  const send = useFlowStore((s) => s.send)
  const flow = useQuery({
    ...flowQueries.detail(flowId),
    // B1: while a supervisor's approval is pending, look for it.
    refetchInterval: (q) => (q.state.data?.approval === 'required' && q.state.data.verified ? 3_000 : false),
  })
  const [selected, setSelected] = useState<number | null>(null)
  // B1: who approved, or why a supervisor rejected; asked only where an approval is needed.
  const decision = useQuery({ ...approvalQueries.decision(flowId), enabled: !!flow.data && flow.data.approval !== 'not_needed' })
  const continueRef = useRef<HTMLButtonElement>(null)
  const approvalRef = useRef<HTMLParagraphElement>(null)
  const tabsRef = useRef<HTMLDivElement>(null)
  // Bumped when a pass hands over to another method: its tab takes the focus once it is shown.
  const [focusTab, setFocusTab] = useState(0)
  const passedCount = flow.data?.methods.filter((m) => m.passed).length ?? 0
  const verified = flow.data?.verified ?? false
  const canContinue = verified && flow.data?.approval !== 'required'
  // After a method passes, the next thing to do gets the focus: Continue once verification is
  // complete, the approval notice while a supervisor must approve, otherwise the next method the
  // user can still pass (its tab).
  const lastPassed = useRef(passedCount)
  // The first method shown stays chosen until the agent or a pass moves on: a method that closes
  // keeps its card (and why it closed) on screen.
  useEffect(() => {
    if (selected === null && flow.data) setSelected(nextMethod(flow.data))
  }, [selected, flow.data])
  useEffect(() => {
    if (!flow.data || passedCount <= lastPassed.current) return
    lastPassed.current = passedCount
    if (canContinue) continueRef.current?.focus()
    else if (verified) rescueFocus(approvalRef.current)
    else {
      setSelected(nextMethod(flow.data))
      setFocusTab((n) => n + 1)
    }
  }, [passedCount, canContinue, verified, flow.data])
  // By position: Headless UI marks the tab selected a render after `selected` changes.
  const shownIndex = selected ?? 0
  useEffect(() => {
    // Only when a pass asks (focusTab); `selected` was set in the same render.
    if (focusTab > 0) tabsRef.current?.querySelectorAll<HTMLElement>('[role="tab"]')[shownIndex]?.focus()
  }, [focusTab])
  // B1: the approval arrives while the agent waits on its notice: Continue is next.
  useEffect(() => {
    if (canContinue && (focusIsLost() || document.activeElement === approvalRef.current)) continueRef.current?.focus()
  }, [canContinue])
  if (decision.data?.decision === 'rejected')
    return <Rejected by={decision.data.by} reason={decision.data.reason} recordId={flow.data?.recordId} />
  if (flow.isPending) return <p>Loading flow…</p>
  if (flow.isError) return <ErrorNotice error={flow.error} />
  const f = flow.data
  const statuses = f.process.methods.map((m) => f.methods.find((s) => s.method === m)).filter((s): s is MethodStatus => !!s)
  const enrolledCount = statuses.filter((m) => m.enrolled).length
  const current = selected ?? nextMethod(f)
  return (
    <StepFrame title={`Verify ${f.user.displayName}`}>
      {f.approval === 'required' && (
        <p ref={approvalRef} tabIndex={-1} className="notice" data-testid="approval-notice">
          This is a protected account: a supervisor must approve the reset from their console.
        </p>
      )}
      {f.approval === 'approved' && (
        <p className="ok" role="status" data-testid="approval-notice">
          Approved by {decision.data?.decision === 'approved' ? `${decision.data.by} at ${formatTime(decision.data.at)}` : 'a supervisor'}.
          You may reset the password.
        </p>
      )}
      {!verified && enrolledCount < f.passesRequired && (
        <p className="notice" data-testid="not-enrolled-help">
          {f.user.displayName} is enrolled in {enrolledCount === 0 ? 'none' : `only ${enrolledCount}`} of this process's methods, and{' '}
          {f.passesRequired} must pass. Ask them to enrol on the enrolment page (security questions, a personal email or mobile, an
          authenticator app), or cancel this reset and choose another process.
        </p>
      )}
      <TabGroup selectedIndex={current} onChange={setSelected} className="verify-methods">
        <TabList ref={tabsRef} className="method-tabs" aria-label="Verification methods">
          {statuses.map((m) => (
            <Tab key={m.method} className="method-tab">
              {methodTitles[m.method]}
              <span className="tab-state">
                {m.passed ? ' · passed' : !m.enrolled ? ' · not enrolled' : m.attemptsLeft <= 0 || m.closedUntil ? ' · closed' : ''}
              </span>
            </Tab>
          ))}
        </TabList>
        <TabPanels className="method-panels">
          {statuses.map((m) => (
            <TabPanel key={m.method}>
              <MethodCard flow={f} status={m} />
            </TabPanel>
          ))}
        </TabPanels>
      </TabGroup>
      {/* Sticky, so the count and Continue stay on screen at 1366×768 however long the method is. */}
      <div className="verify-bar">
        <p className="summary" role="status" data-testid="verify-summary">
          Passed {Math.min(passedCount, f.passesRequired)} of {f.passesRequired} required {f.passesRequired === 1 ? 'method' : 'methods'}.
          {verified ? ' Verification is complete.' : ''}
        </p>
        <button ref={continueRef} type="button" className="primary" disabled={!canContinue} onClick={() => send({ type: 'verified' })}>
          Continue to reset
        </button>
      </div>
    </StepFrame>
  )
}

function MethodCard({ flow, status }: { flow: FlowView; status: MethodStatus }) {
  const id = useId()
  const closed = status.attemptsLeft <= 0 || !!status.closedUntil
  // The last attempt failed and the form went with it: why the method closed is what to read next.
  const closedRef = useRef<HTMLParagraphElement>(null)
  const showsClosed = status.enrolled && !status.passed && !flow.verified && closed
  useEffect(() => {
    if (showsClosed) rescueFocus(closedRef.current)
  }, [showsClosed])
  let body: ReactNode
  if (!status.enrolled) body = <p className="muted">The user is not enrolled for this method.</p>
  else if (status.passed) body = <p className="ok">Passed.</p>
  // R5: once enough methods passed, the others are not needed (and not offered).
  else if (flow.verified)
    body = (
      <p className="muted" data-testid="method-not-needed">
        Not needed: verification is complete.
      </p>
    )
  else if (closed)
    body = (
      <p ref={closedRef} tabIndex={-1} className="closed" data-testid="method-closed">
        This method is closed for this user{status.closedUntil ? ` until ${formatTime(status.closedUntil)}` : ''}: all attempts are used.
      </p>
    )
  else
    switch (status.method) {
      case 'email_code':
      case 'sms_code':
        body = <CodeMethodForm flow={flow} status={status} method={status.method} />
        break
      case 'security_questions':
        body = <QuestionsForm flow={flow} />
        break
      case 'personal_data_verify':
        body = <PersonalDataVerifyForm flow={flow} />
        break
      case 'personal_data_confirm':
        body = <PersonalDataConfirmForm flow={flow} />
        break
      case 'totp_code':
        body = <AuthenticatorForm flow={flow} />
        break
    }
  return (
    <section className={`method ${status.passed ? 'passed' : ''}`} aria-labelledby={`${id}-h`} data-method={status.method}>
      <h3 id={`${id}-h`}>{methodTitles[status.method]}</h3>
      {status.enrolled && !status.passed && !flow.verified && (
        <p className="attempts" data-testid="attempts-left">
          Attempts left: {Math.max(0, status.attemptsLeft)}
        </p>
      )}
      {body}
    </section>
  )
}

/** True while `iso` is in the future; re-renders when it passes. */
function useStillFuture(iso: string | null): boolean {
  const [, tick] = useState(0)
  const left = iso ? new Date(iso).getTime() - Date.now() : 0
  useEffect(() => {
    if (left <= 0) return
    const t = setTimeout(() => tick((n) => n + 1), Math.min(left + 50, 2 ** 31 - 1))
    return () => clearTimeout(t)
  }, [left])
  return left > 0
}

function CodeMethodForm({ flow, status, method }: { flow: FlowView; status: MethodStatus; method: CodeMethod }) {
  const id = useId()
  const queryClient = useQueryClient()
  const needsCarriers = method === 'sms_code' && !flow.smsProviderConfigured
  const carriers = useQuery({ ...flowQueries.carriers(), enabled: needsCarriers })
  const [chosen, setChosen] = useState<Record<string, string>>({})
  const [code, setCode] = useState('')
  const codeRef = useRef<HTMLInputElement>(null)
  // A code is live until it expires: past that neither "Resend" nor the "code sent" notice stays.
  const sent = useStillFuture(status.codeExpiresAt)
  const sendCode = useMutation({
    mutationFn: () => call('verify:sendCode', { flowId: flow.id, method, ...(needsCarriers ? { carriers: chosen } : {}) }),
    onSuccess: (r) => {
      queryClient.setQueryData(flowQueries.detail(flow.id).queryKey, r.flow)
      codeRef.current?.focus()
      // B6: the caller simulator shows the new message at once.
      void queryClient.invalidateQueries({ queryKey: demoQueries.all() })
    },
  })
  const check = useFlowMutation(flow.id, (c: string) => call('verify:checkCode', { flowId: flow.id, method, code: c }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const c = code
    setCode('') // the code is not kept once submitted
    // "Check code" is disabled with the field cleared: the field keeps the focus, for the next
    // code if this one is wrong (a pass moves it on, see VerifyStep).
    codeRef.current?.focus()
    check.mutate(c, { onError: () => codeRef.current?.focus() })
  }
  const inputType = useSensitiveInputType()
  const carriersMissing = needsCarriers && flow.user.mobiles.some((m) => !chosen[String(m.index)])
  return (
    <div>
      {method === 'email_code' ? (
        <p>
          Registered email: <strong>{flow.user.email ? <Sensitive kind="email" value={flow.user.email} /> : '—'}</strong>
        </p>
      ) : (
        <div>
          <p>The code goes to every registered mobile number.</p>
          <ul className="mobiles">
            {flow.user.mobiles.map((m) => (
              <li key={m.index}>
                {needsCarriers ? (
                  <label>
                    Carrier for {m.masked}
                    <select
                      value={chosen[String(m.index)] ?? ''}
                      onChange={(e) => setChosen({ ...chosen, [String(m.index)]: e.target.value })}
                    >
                      <option value="">Select a carrier…</option>
                      {carriers.data?.map((c) => (
                        <option key={c.id} value={c.id}>
                          {c.name} ({c.country})
                        </option>
                      ))}
                    </select>
                  </label>
                ) : (
                  <Sensitive kind="phone" value={m.masked} />
                )}
              </li>
            ))}
          </ul>
          {needsCarriers && (
            <p className="hint">No SMS provider is configured: select each number's carrier to send through its email-to-SMS gateway.</p>
          )}
        </div>
      )}
      <div className="actions">
        <button
          type="button"
          disabled={sendCode.isPending || carriersMissing || status.sendsLeft === 0}
          onClick={(e) => {
            const button = e.currentTarget
            sendCode.mutate(undefined, { onError: () => rescueFocus(button) })
          }}
        >
          {sent ? 'Resend code' : 'Send verification code'}
        </button>
        {status.sendsLeft !== null && <span className="hint">Sends left: {status.sendsLeft}</span>}
      </div>
      {sendCode.isSuccess && sent && (
        <p className="ok" role="status">
          Code sent to <Sensitive kind="text" value={sendCode.data.sentTo.join(', ')} />.
        </p>
      )}
      <ErrorNotice error={sendCode.error} />
      <form onSubmit={submit} className="inline-form">
        <label htmlFor={`${id}-code`}>Code the caller reads back</label>
        <input
          ref={codeRef}
          id={`${id}-code`}
          type={inputType}
          inputMode="numeric"
          autoComplete="one-time-code"
          pattern="\d{6,12}"
          value={code}
          onChange={(e) => setCode(e.target.value.replace(/\s/g, ''))}
        />
        <button type="submit" disabled={!sent || code.length < 6 || check.isPending}>
          Check code
        </button>
      </form>
      <ErrorNotice error={check.error} />
    </div>
  )
}

function QuestionsForm({ flow }: { flow: FlowView }) {
  const id = useId()
  const firstRef = useRef<HTMLInputElement>(null)
  const [answers, setAnswers] = useState<Record<string, string>>({})
  const check = useFlowMutation(flow.id, (a: { questionId: string; answer: string }[]) =>
    call('verify:answerQuestions', { flowId: flow.id, answers: a }),
  )
  const inputType = useSensitiveInputType()
  const complete = flow.user.questions.every((q) => (answers[q.id] ?? '').trim() !== '')
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const a = flow.user.questions.map((q) => ({ questionId: q.id, answer: answers[q.id] ?? '' }))
    setAnswers({})
    // The answers are cleared (and "Check answers" with them): on a failure the agent asks again.
    check.mutate(a, { onError: () => firstRef.current?.focus() })
  }
  return (
    <form onSubmit={submit}>
      {flow.user.questions.map((q, i) => (
        <div key={q.id} className="field">
          <label htmlFor={`${id}-${i}`}>{q.text}</label>
          <input
            ref={i === 0 ? firstRef : undefined}
            id={`${id}-${i}`}
            type={inputType}
            autoComplete="off"
            value={answers[q.id] ?? ''}
            onChange={(e) => setAnswers({ ...answers, [q.id]: e.target.value })}
          />
        </div>
      ))}
      <button type="submit" disabled={!complete || check.isPending}>
        Check answers
      </button>
      <ErrorNotice error={check.error} />
    </form>
  )
}

function PersonalDataVerifyForm({ flow }: { flow: FlowView }) {
  const id = useId()
  const [email, setEmail] = useState('')
  const emailRef = useRef<HTMLInputElement>(null)
  const inputType = useSensitiveInputType('email')
  const check = useFlowMutation(flow.id, (v: string) => call('verify:personalData', { flowId: flow.id, email: v }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    check.mutate(email, { onError: () => emailRef.current?.select() })
  }
  return (
    <form onSubmit={submit} className="inline-form">
      <label htmlFor={`${id}-email`}>Email address the caller gives</label>
      <input
        ref={emailRef}
        id={`${id}-email`}
        type={inputType}
        autoComplete="off"
        value={email}
        onChange={(e) => setEmail(e.target.value)}
      />
      <button type="submit" disabled={email.trim().length < 3 || check.isPending}>
        Verify email address
      </button>
      <ErrorNotice error={check.error} />
    </form>
  )
}

function PersonalDataConfirmForm({ flow }: { flow: FlowView }) {
  const confirm = useFlowMutation(flow.id, (confirmed: boolean) => call('verify:confirmPersonalData', { flowId: flow.id, confirmed }))
  // Both buttons are disabled while the answer is recorded: the one used gets the focus back.
  const answer = (button: HTMLButtonElement, confirmed: boolean) => confirm.mutate(confirmed, { onError: () => rescueFocus(button) })
  return (
    <div>
      <p>
        Ask the caller to confirm their registered email:{' '}
        <strong>{flow.user.email ? <Sensitive kind="email" value={flow.user.email} /> : '—'}</strong>
      </p>
      <div className="actions">
        <button type="button" disabled={confirm.isPending} onClick={(e) => answer(e.currentTarget, true)}>
          Caller confirms it is correct
        </button>
        <button type="button" disabled={confirm.isPending} onClick={(e) => answer(e.currentTarget, false)}>
          Caller says it is not correct
        </button>
      </div>
      <ErrorNotice error={confirm.error} />
    </div>
  )
}

/** G4: the caller reads the current code from their authenticator app; a code is accepted once. */
function AuthenticatorForm({ flow }: { flow: FlowView }) {
  const id = useId()
  const [code, setCode] = useState('')
  const codeRef = useRef<HTMLInputElement>(null)
  const inputType = useSensitiveInputType()
  const check = useFlowMutation(flow.id, (c: string) => call('verify:checkTotp', { flowId: flow.id, code: c }))
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const c = code
    setCode('') // the code is not kept once submitted
    codeRef.current?.focus()
    check.mutate(c, { onError: () => codeRef.current?.focus() })
  }
  return (
    <form onSubmit={submit} className="inline-form">
      <p>Ask the caller to open their authenticator app and read the current ResetDesk code.</p>
      <label htmlFor={`${id}-totp`}>Code from the authenticator app</label>
      <input
        ref={codeRef}
        id={`${id}-totp`}
        type={inputType}
        inputMode="numeric"
        autoComplete="off"
        pattern="\d{6}"
        value={code}
        onChange={(e) => setCode(e.target.value.replace(/\s/g, ''))}
      />
      <button type="submit" disabled={code.length !== 6 || check.isPending}>
        Check authenticator code
      </button>
      <ErrorNotice error={check.error} />
    </form>
  )
}

/** B1: a supervisor rejected the reset: the flow has ended in the backend; say who and why. */
function Rejected({ by, reason, recordId }: { by: string; reason: string | null; recordId: string | undefined }) {
  const wipe = useWipeFlow()
  return (
    <StepFrame title="Reset rejected">
      <p className="closed" role="alert" data-testid="rejection">
        {by} rejected this reset{reason ? `: ${reason}` : '.'}
      </p>
      <p>The flow has ended and nothing was changed. The record has a work note with the reason.</p>
      <div className="actions">
        <button type="button" className="primary" data-autofocus onClick={() => wipe(recordId)}>
          Back to the record
        </button>
      </div>
    </StepFrame>
  )
}
