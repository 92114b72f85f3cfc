// G7: the desk's settings (not the machine's): trust the directory's mail and mobile, how many
// security questions a user enrols, and the code lifetime where a process sets none.
import { zodResolver } from '@hookform/resolvers/zod'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId } from 'react'
import { useForm } from 'react-hook-form'
import type { z } from 'zod'
import { deskSettingsSchema, type DeskSettings } from '../../../../shared/domain/desk-settings'
import { call } from '../../api/client'
import { ErrorNotice } from '../../components/ErrorNotice'
import { adminQueries } from './admin-queries'
import { applyServerIssues, describedBy, FieldError } from './form-fields'

export function DeskSettingsPane() {
  const settings = useQuery(adminQueries.settings())
  if (settings.error) return <ErrorNotice error={settings.error} />
  if (!settings.data) return <p>Loading settings…</p>
  return <DeskSettingsForm current={settings.data} />
}

function DeskSettingsForm({ current }: { current: DeskSettings }) {
  const ids = useId()
  const queryClient = useQueryClient()
  const form = useForm<z.input<typeof deskSettingsSchema>, unknown, DeskSettings>({
    resolver: zodResolver(deskSettingsSchema),
    defaultValues: current,
  })
  const { register, handleSubmit, formState, reset, setError } = form
  const errors = formState.errors
  const save = useMutation({
    mutationFn: (values: DeskSettings) => call('admin:settings:save', values),
    onSuccess: (saved) => {
      queryClient.setQueryData(adminQueries.settings().queryKey, saved)
      reset(saved)
    },
    onError: (e) => applyServerIssues(e, setError),
  })
  // A save elsewhere (another admin) arrives with a refetch: show it unless this form has edits.
  useEffect(() => {
    if (!formState.isDirty) reset(current)
  }, [current, formState.isDirty, reset])

  return (
    <form className="admin-form" aria-labelledby={`${ids}-title`} onSubmit={handleSubmit((v) => save.mutate(v))} noValidate>
      <h2 id={`${ids}-title`}>Desk settings</h2>
      <p className="muted">These hold for the whole desk, on every replica, from the next request on.</p>
      <div className="field">
        <label>
          <input type="checkbox" {...register('trustDirectoryContacts')} aria-describedby={`${ids}-trust-hint`} />
          Trust the directory's email and mobile attributes
        </label>
        <p id={`${ids}-trust-hint`} className="hint">
          When on, the mail and mobile the directory holds count as contact points for codes, besides those users enrol themselves.
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${ids}-questions`}>Security questions each user enrols</label>
        <input
          id={`${ids}-questions`}
          type="number"
          min={1}
          max={10}
          className="narrow"
          {...register('questionsRequired', { valueAsNumber: true })}
          {...describedBy(`${ids}-questions-error`, errors.questionsRequired?.message)}
        />
        <FieldError id={`${ids}-questions-error`} message={errors.questionsRequired?.message} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-ttl`}>Code lifetime (minutes)</label>
        <input
          id={`${ids}-ttl`}
          type="number"
          min={1}
          max={60}
          className="narrow"
          {...register('codeTtlMinutes', { valueAsNumber: true })}
          {...describedBy(`${ids}-ttl-error`, errors.codeTtlMinutes?.message, `${ids}-ttl-hint`)}
        />
        <p id={`${ids}-ttl-hint`} className="hint">
          How long an emailed or texted code is valid, for every process that does not set its own.
        </p>
        <FieldError id={`${ids}-ttl-error`} message={errors.codeTtlMinutes?.message} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-wasnt-me`}>"This wasn't me" link lifetime (days)</label>
        <input
          id={`${ids}-wasnt-me`}
          type="number"
          min={1}
          max={30}
          className="narrow"
          {...register('wasntMeLinkDays', { valueAsNumber: true })}
          {...describedBy(`${ids}-wasnt-me-error`, errors.wasntMeLinkDays?.message, `${ids}-wasnt-me-hint`)}
        />
        <p id={`${ids}-wasnt-me-hint`} className="hint">
          How long the link in the notice sent after every reset lets the user report it and lock the account.
        </p>
        <FieldError id={`${ids}-wasnt-me-error`} message={errors.wasntMeLinkDays?.message} />
      </div>
      <ErrorNotice error={save.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save settings
        </button>
        <span role="status" className="count">
          {save.isSuccess && !formState.isDirty ? 'Settings saved.' : ''}
        </span>
      </div>
    </form>
  )
}
