// R6 Reset: the process's reset methods. The manual password lives only in this component's
// state (never in the store or the query cache); live policy feedback comes from policy:check.
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useState } from 'react'
import type { ResetMethod } from '../../../../shared/domain/types'
import { call } from '../../api/client'
import { flowQueries, userQueries } from '../../api/queries'
import { ErrorNotice } from '../../components/ErrorNotice'
import { StepFrame } from '../../components/StepFrame'
import { Sensitive } from '../../components/Sensitive'
import { useFlowStore } from '../../stores/flow-store'
import { usePresenterMode } from '../../stores/presenter-store'
import { spellPassword } from '../../../../shared/policy/phonetic'
import { rescueFocus } from '../../components/focus'

export const methodLabels: Record<ResetMethod, { title: string; hint: string }> = {
  email_link: {
    title: 'Send email with instructions',
    hint: 'The user gets a single-use link, valid 30 minutes, to choose a new password.',
  },
  generate: {
    title: 'Auto-generate a password',
    hint: 'A policy-compliant password without look-alike characters, or a passphrase of words, shown once for you to read out.',
  },
  manual: { title: 'Type a new password', hint: 'Type the password the caller will use; it must meet the policy.' },
}

type PolicyResult = { ok: boolean; failures: { rule: string; message: string }[] }

/** Debounced live policy feedback; results are kept in local state, not cached by password. */
function usePolicyCheck(flowId: string, password: string): PolicyResult | null {
  const [result, setResult] = useState<PolicyResult | null>(null)
  useEffect(() => {
    if (!password) {
      setResult(null)
      return
    }
    let live = true
    const t = setTimeout(() => {
      call('policy:check', { flowId, password })
        .then((r) => live && setResult(r))
        .catch(() => live && setResult(null))
    }, 250)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [flowId, password])
  return result
}

export function ResetStep({ flowId }: { flowId: string }) {
  const send = useFlowStore((s) => s.send)
  const queryClient = useQueryClient()
  const flow = useQuery(flowQueries.detail(flowId))
  const ids = useId()
  const [method, setMethod] = useState<ResetMethod | null>(null)
  const [password, setPassword] = useState('')
  const [confirm, setConfirm] = useState('')
  const [style, setStyle] = useState<'characters' | 'passphrase'>('characters')
  const presenting = usePresenterMode()
  const policy = usePolicyCheck(flowId, method === 'manual' ? password : '')
  const run = useMutation({
    mutationFn: async (m: ResetMethod) => {
      const r = await call(
        'reset:run',
        m === 'manual' ? { flowId, method: m, password, confirm } : m === 'generate' ? { flowId, method: m, style } : { flowId, method: m },
      )
      // The generated password goes to the Close screen only; it is not returned into the
      // mutation cache.
      send({ type: 'resetDone', method: m, generatedPassword: r.generatedPassword, sentTo: r.sentTo })
      return r.flow
    },
    onSuccess: (f) => {
      setPassword('')
      setConfirm('')
      queryClient.setQueryData(flowQueries.detail(flowId).queryKey, f)
      void queryClient.invalidateQueries({ queryKey: userQueries.processes(f.user.id).queryKey })
    },
  })
  if (flow.isPending) return <p>Loading flow…</p>
  if (flow.isError) return <ErrorNotice error={flow.error} />
  const f = flow.data
  const matches = password !== '' && password === confirm
  const manualReady = matches && policy?.ok === true
  return (
    <StepFrame title={`Reset the password of ${f.user.displayName}`}>
      <fieldset>
        <legend>Reset method</legend>
        {f.process.resetMethods.map((m) => (
          <div key={m} className="process-option">
            <label>
              <input
                type="radio"
                name={`${ids}-method`}
                value={m}
                checked={method === m}
                onChange={() => setMethod(m)}
                aria-describedby={`${ids}-${m}`}
              />
              {methodLabels[m].title}
            </label>
            <p className="hint" id={`${ids}-${m}`}>
              {methodLabels[m].hint}
            </p>
          </div>
        ))}
      </fieldset>
      {method === 'email_link' && (
        <p>
          The instructions go to <strong>{f.user.email ? <Sensitive kind="email" value={f.user.email} /> : 'no registered address'}</strong>
          .
        </p>
      )}
      {method === 'generate' && (
        <fieldset className="generate-style">
          <legend>Kind of password</legend>
          <label>
            <input type="radio" name={`${ids}-style`} checked={style === 'characters'} onChange={() => setStyle('characters')} />
            Characters without look-alikes
          </label>
          <label>
            <input type="radio" name={`${ids}-style`} checked={style === 'passphrase'} onChange={() => setStyle('passphrase')} />
            Passphrase of words (easier over the phone, as strong)
          </label>
        </fieldset>
      )}
      {method === 'manual' && (
        <div className="manual">
          <div className="field">
            <label htmlFor={`${ids}-pw`}>New password</label>
            <input
              id={`${ids}-pw`}
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-describedby={`${ids}-policy`}
            />
          </div>
          <div className="field">
            <label htmlFor={`${ids}-pw2`}>Re-enter the new password</label>
            <input
              id={`${ids}-pw2`}
              type="password"
              autoComplete="new-password"
              value={confirm}
              onChange={(e) => setConfirm(e.target.value)}
              aria-describedby={`${ids}-match`}
            />
          </div>
          <div id={`${ids}-policy`} className="policy" aria-live="polite" data-testid="policy-feedback">
            <p>
              Policy: at least {f.process.policy.minLength} characters, not a common or breached password, not containing the user name
              {f.process.policy.adComplexity ? ', three of upper case, lower case, digits and symbols' : ''}.
            </p>
            {policy && policy.ok && <p className="ok">The password meets the policy.</p>}
            {policy && !policy.ok && (
              <ul className="failures">
                {policy.failures.map((x) => (
                  <li key={x.rule}>{x.message}</li>
                ))}
              </ul>
            )}
          </div>
          {/* B3: the agent reads the typed password to the caller too; never on a shared screen (B4). */}
          {password !== '' && !presenting && (
            <details className="read-aloud">
              <summary>Read-aloud spelling</summary>
              <ol className="spelling" aria-label="Phonetic spelling">
                {spellPassword(password).map((group, i) => (
                  <li key={i}>{group.join(', ')}</li>
                ))}
              </ol>
            </details>
          )}
          <p id={`${ids}-match`} className={matches ? 'ok' : 'muted'} aria-live="polite">
            {confirm === '' ? 'Type the password again to confirm it.' : matches ? 'The passwords match.' : 'The passwords do not match.'}
          </p>
        </div>
      )}
      <ErrorNotice error={run.error} />
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={!method || run.isPending || (method === 'manual' && !manualReady)}
          onClick={(e) => {
            const button = e.currentTarget
            // Disabled while it runs: on a refusal (policy, limit) focus comes back to it.
            if (method) run.mutate(method, { onError: () => rescueFocus(button) })
          }}
        >
          {method === 'email_link' ? 'Send instructions' : 'Reset password'}
        </button>
      </div>
    </StepFrame>
  )
}
