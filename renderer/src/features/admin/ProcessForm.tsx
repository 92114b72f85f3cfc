// G7: create or edit a password reset process. Validated by the backend's own schema
// (processDraftSchema) through react-hook-form's zod resolver; every error shows under its field,
// including those only the backend can know (a store it lacks, a name already taken).
import { zodResolver } from '@hookform/resolvers/zod'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { Controller, useForm, type Resolver, type UseFormRegisterReturn } from 'react-hook-form'
import {
  processDraftSchema,
  newProcessDraft,
  type AdminProcess,
  type ProcessDraft,
  type ProcessDraftInput,
} from '../../../../shared/domain/process-admin'
import { resetMethods, verifyMethods, type Process } from '../../../../shared/domain/types'
import { call } from '../../api/client'
import { ErrorNotice } from '../../components/ErrorNotice'
import { methodLabels } from '../wizard/ResetStep'
import { methodTitles } from '../wizard/VerifyStep'
import { adminQueries, invalidateProcesses } from './admin-queries'
import { applyServerIssues, describedBy, FieldError } from './form-fields'

const schemaResolver = zodResolver(processDraftSchema)
/** Groups are typed one per line: blank lines and stray spaces are not groups. */
const resolver: Resolver<ProcessDraftInput, unknown, ProcessDraft> = (values, context, options) =>
  schemaResolver({ ...values, appliesToGroups: values.appliesToGroups.map((g) => g.trim()).filter(Boolean) }, context, options)

/** An empty number field means "not set" (the code lifetime then comes from the desk). */
const optionalNumber = (v: unknown) => (v === '' || v === null || v === undefined ? undefined : Number(v))

function toDraft(process: Process): ProcessDraft {
  const {
    id,
    name,
    description,
    appliesToGroups,
    protectedAccounts,
    credentialStore,
    methods,
    requiredPasses,
    resetMethods,
    policy,
    unlock,
    requireChange,
    requiresApproval,
    settings,
  } = process
  return {
    id,
    name,
    description,
    appliesToGroups,
    protectedAccounts,
    credentialStore,
    methods,
    requiredPasses,
    resetMethods,
    policy,
    unlock,
    requireChange,
    requiresApproval,
    settings,
  }
}

/** A fieldset of checkboxes that fill one array field, the array's error in place, then `children`. */
function CheckList<T extends string>({
  legend,
  options,
  labelOf,
  registration,
  errorId,
  message,
  children,
}: {
  legend: string
  options: readonly T[]
  labelOf: (option: T) => string
  /** One `register(field)` for every box: react-hook-form gathers the checked values into the array. */
  registration: UseFormRegisterReturn
  errorId: string
  message: string | undefined
  children?: ReactNode
}) {
  return (
    <fieldset aria-describedby={message ? errorId : undefined}>
      <legend>{legend}</legend>
      <div className="checks">
        {options.map((option) => (
          <label key={option}>
            <input type="checkbox" value={option} {...registration} />
            {labelOf(option)}
          </label>
        ))}
      </div>
      <FieldError id={errorId} message={message} />
      {children}
    </fieldset>
  )
}

export function ProcessForm({ editing, onDone }: { editing: AdminProcess | null; onDone: (saved: AdminProcess | null) => void }) {
  const ids = useId()
  const queryClient = useQueryClient()
  const stores = useQuery(adminQueries.credentialStores())
  const heading = useRef<HTMLHeadingElement>(null)
  useEffect(() => heading.current?.focus(), [])

  const { register, control, handleSubmit, formState, setError, getValues, setValue } = useForm<ProcessDraftInput, unknown, ProcessDraft>({
    resolver,
    defaultValues: editing ? toDraft(editing.process) : newProcessDraft,
  })
  const errors = formState.errors
  // A new process names the backend's first store until the admin picks one.
  useEffect(() => {
    if (!editing && !getValues('credentialStore') && stores.data?.[0]) setValue('credentialStore', stores.data[0].name)
  }, [editing, stores.data, getValues, setValue])

  const save = useMutation({
    mutationFn: (draft: ProcessDraft) => call('admin:processes:save', draft),
    onSuccess: async (saved) => {
      await invalidateProcesses(queryClient)
      onDone(saved)
    },
    onError: (e) => applyServerIssues(e, setError),
  })

  /** A text or number field with its label, optional hint and in-place error. */
  const numberField = (
    name: Parameters<typeof register>[0],
    label: string,
    opts: { min?: number; max?: number; step?: number; hint?: string; optional?: boolean },
    message: string | undefined,
  ) => {
    const id = `${ids}-${name.replaceAll('.', '-')}`
    return (
      <div className="field">
        <label htmlFor={id}>{label}</label>
        <input
          id={id}
          type="number"
          className="narrow"
          min={opts.min}
          max={opts.max}
          step={opts.step ?? 1}
          {...register(name, opts.optional ? { setValueAs: optionalNumber } : { valueAsNumber: true })}
          {...describedBy(`${id}-error`, message, opts.hint ? `${id}-hint` : undefined)}
        />
        {opts.hint && (
          <p id={`${id}-hint`} className="hint">
            {opts.hint}
          </p>
        )}
        <FieldError id={`${id}-error`} message={message} />
      </div>
    )
  }
  const checkbox = (
    name: 'protectedAccounts' | 'unlock' | 'requireChange' | 'requiresApproval' | 'policy.adComplexity',
    label: string,
    message?: string,
  ) => (
    <div className="field">
      <label>
        <input type="checkbox" {...register(name)} {...describedBy(`${ids}-${name}-error`, message)} />
        {label}
      </label>
      <FieldError id={`${ids}-${name}-error`} message={message} />
    </div>
  )
  const groupsError = errors.appliesToGroups?.message ?? errors.appliesToGroups?.find?.((e) => e?.message)?.message

  return (
    <form className="admin-form" aria-labelledby={`${ids}-title`} onSubmit={handleSubmit((draft) => save.mutate(draft))} noValidate>
      <h2 id={`${ids}-title`} ref={heading} tabIndex={-1}>
        {editing ? `Edit “${editing.process.name}”` : 'New process'}
      </h2>

      <div className="field">
        <label htmlFor={`${ids}-name`}>Name</label>
        <input id={`${ids}-name`} autoComplete="off" {...register('name')} {...describedBy(`${ids}-name-error`, errors.name?.message)} />
        <FieldError id={`${ids}-name-error`} message={errors.name?.message} />
      </div>
      <div className="field">
        <label htmlFor={`${ids}-description`}>Description</label>
        <textarea
          id={`${ids}-description`}
          rows={2}
          {...register('description')}
          {...describedBy(`${ids}-description-error`, errors.description?.message)}
        />
        <FieldError id={`${ids}-description-error`} message={errors.description?.message} />
      </div>

      <fieldset>
        <legend>Who it applies to</legend>
        <div className="field">
          <label htmlFor={`${ids}-groups`}>Eligible groups, one per line</label>
          <Controller
            control={control}
            name="appliesToGroups"
            render={({ field }) => (
              <textarea
                id={`${ids}-groups`}
                rows={3}
                value={field.value.join('\n')}
                onChange={(e) => field.onChange(e.target.value.split('\n'))}
                onBlur={field.onBlur}
                ref={field.ref}
                {...describedBy(`${ids}-groups-error`, groupsError, `${ids}-groups-hint`)}
              />
            )}
          />
          <p id={`${ids}-groups-hint`} className="hint">
            Group names or DNs as the directory has them. None: every user who is not a protected account.
          </p>
          <FieldError id={`${ids}-groups-error`} message={groupsError} />
        </div>
        {checkbox(
          'protectedAccounts',
          'For protected accounts only (two methods, one a code, and a supervisor’s approval)',
          errors.protectedAccounts?.message,
        )}
        <div className="field">
          <label htmlFor={`${ids}-store`}>Credential store</label>
          <select
            id={`${ids}-store`}
            {...register('credentialStore')}
            {...describedBy(`${ids}-store-error`, errors.credentialStore?.message)}
          >
            {stores.data?.map((s) => (
              <option key={s.name} value={s.name}>
                {s.name}
              </option>
            ))}
          </select>
          <ErrorNotice error={stores.error} />
          <FieldError id={`${ids}-store-error`} message={errors.credentialStore?.message} />
        </div>
      </fieldset>

      <CheckList
        legend="Verification methods"
        options={verifyMethods}
        labelOf={(m) => methodTitles[m]}
        registration={register('methods')}
        errorId={`${ids}-methods-error`}
        message={errors.methods?.message}
      >
        {numberField('requiredPasses', 'Methods that must pass', { min: 1, max: 5 }, errors.requiredPasses?.message)}
      </CheckList>

      <CheckList
        legend="Reset"
        options={resetMethods}
        labelOf={(m) => methodLabels[m].title}
        registration={register('resetMethods')}
        errorId={`${ids}-reset-error`}
        message={errors.resetMethods?.message}
      >
        {checkbox('unlock', 'Unlock a locked account')}
        {checkbox('requireChange', 'Require a change at next sign-in')}
        {checkbox('requiresApproval', 'Require a supervisor’s approval', errors.requiresApproval?.message)}
      </CheckList>

      <fieldset>
        <legend>Password policy</legend>
        {numberField(
          'policy.minLength',
          'Minimum length',
          { min: 8, max: 64, hint: 'NIST SP 800-63B-4: 15 or more.' },
          errors.policy?.minLength?.message,
        )}
        {numberField('policy.maxLength', 'Maximum length', { min: 64, max: 256 }, errors.policy?.maxLength?.message)}
        {checkbox('policy.adComplexity', 'Active Directory complexity rules (only where the store enforces them)')}
      </fieldset>

      <fieldset>
        <legend>Limits</legend>
        <div className="grid-fields">
          {numberField('settings.resetsPerDay', 'Resets per user in 24 hours', { min: 1, max: 20 }, errors.settings?.resetsPerDay?.message)}
          {numberField(
            'settings.attemptsPerMethod',
            'Attempts per method',
            { min: 1, max: 10 },
            errors.settings?.attemptsPerMethod?.message,
          )}
          {numberField(
            'settings.attemptWindowHours',
            'Attempt window (hours)',
            { min: 0.1, max: 168, step: 0.1 },
            errors.settings?.attemptWindowHours?.message,
          )}
          {numberField('settings.codeLength', 'Code length (digits)', { min: 6, max: 12 }, errors.settings?.codeLength?.message)}
          {numberField(
            'settings.codeTtlMinutes',
            'Code lifetime (minutes)',
            { min: 1, max: 60, optional: true, hint: 'Empty: the desk’s setting.' },
            errors.settings?.codeTtlMinutes?.message,
          )}
          {numberField('settings.maxSends', 'Codes sent per flow', { min: 1, max: 10 }, errors.settings?.maxSends?.message)}
          {numberField(
            'settings.resendPauseSeconds',
            'Pause between sends (seconds)',
            { min: 0, max: 3600 },
            errors.settings?.resendPauseSeconds?.message,
          )}
          {numberField(
            'settings.verificationValidMinutes',
            'Verification valid for (minutes)',
            { min: 1, max: 1440, hint: 'After this, the caller verifies again before a reset.' },
            errors.settings?.verificationValidMinutes?.message,
          )}
        </div>
      </fieldset>

      <ErrorNotice error={save.error} />
      <div className="actions">
        <button type="submit" className="primary" disabled={save.isPending}>
          {editing ? 'Save changes' : 'Create process'}
        </button>
        <button type="button" onClick={() => onDone(null)}>
          Cancel
        </button>
      </div>
    </form>
  )
}
