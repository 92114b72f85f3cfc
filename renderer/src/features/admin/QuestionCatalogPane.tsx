// G4 / G7: the desk's security-question catalogue for administrators — list, add, edit,
// deactivate, and how many questions a user must enrol. The form is validated by the same zod
// schema the backend parses the save with; errors show beside their field. A question users have
// answered cannot be removed, only deactivated (the backend enforces it too).
import { zodResolver } from '@hookform/resolvers/zod'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId } from 'react'
import { useFieldArray, useForm, type FieldError } from 'react-hook-form'
import { questionCatalogSaveSchema, type QuestionCatalogSave, type QuestionCatalogView } from '../../../../shared/domain/enrolment'
import { call } from '../../api/client'
import { ErrorNotice } from '../../components/ErrorNotice'

export const questionCatalogQueries = {
  all: () => ['admin', 'questions'] as const,
}

function toForm(view: QuestionCatalogView): QuestionCatalogSave {
  return { questions: view.questions.map(({ id, text, active }) => ({ id, text, active })), questionsRequired: view.questionsRequired }
}

function FieldMessage({ id, error }: { id: string; error: FieldError | undefined }) {
  return error?.message ? (
    <p id={id} className="error" role="alert">
      {error.message}
    </p>
  ) : null
}

export function QuestionCatalogPane() {
  const ids = useId()
  const queryClient = useQueryClient()
  const catalog = useQuery({ queryKey: questionCatalogQueries.all(), queryFn: () => call('admin:questions:list', {}) })
  const form = useForm<QuestionCatalogSave>({
    resolver: zodResolver(questionCatalogSaveSchema),
    defaultValues: { questions: [], questionsRequired: 3 },
  })
  const { fields, append, remove } = useFieldArray({ control: form.control, name: 'questions', keyName: 'key' })
  useEffect(() => {
    if (catalog.data) form.reset(toForm(catalog.data))
  }, [catalog.data, form])
  const save = useMutation({
    mutationFn: (values: QuestionCatalogSave) => call('admin:questions:save', values),
    onSuccess: (view) => queryClient.setQueryData(questionCatalogQueries.all(), view),
  })
  const usage = (id: string | undefined) => catalog.data?.questions.find((q) => q.id === id)?.enrolledUsers ?? 0
  const errors = form.formState.errors

  if (catalog.isPending) return <p>Loading the question catalogue…</p>
  if (catalog.isError) return <ErrorNotice error={catalog.error} />

  return (
    <section aria-labelledby={`${ids}-h`} className="question-catalog">
      <h2 id={`${ids}-h`}>Security questions</h2>
      <p className="muted">
        Users choose their questions from this list on the enrolment page. A question someone has answered can be deactivated, not removed.
      </p>
      <form onSubmit={form.handleSubmit((values) => save.mutate(values))} noValidate>
        <div className="field">
          <label htmlFor={`${ids}-required`}>Questions each user must answer</label>
          <input
            id={`${ids}-required`}
            type="number"
            min={1}
            max={10}
            aria-invalid={!!errors.questionsRequired}
            aria-describedby={errors.questionsRequired ? `${ids}-required-error` : undefined}
            {...form.register('questionsRequired', { valueAsNumber: true })}
          />
          <FieldMessage id={`${ids}-required-error`} error={errors.questionsRequired} />
        </div>
        <ol className="catalog-rows">
          {fields.map((field, index) => {
            const inUse = usage(field.id)
            const textError = errors.questions?.[index]?.text
            return (
              <li key={field.key} className="field">
                <label htmlFor={`${ids}-q${index}`}>Question {index + 1}</label>
                <input
                  id={`${ids}-q${index}`}
                  aria-invalid={!!textError}
                  aria-describedby={`${ids}-q${index}-usage${textError ? ` ${ids}-q${index}-error` : ''}`}
                  {...form.register(`questions.${index}.text`)}
                />
                <FieldMessage id={`${ids}-q${index}-error`} error={textError} />
                <p id={`${ids}-q${index}-usage`} className="muted">
                  {inUse > 0 ? `Answered by ${inUse} ${inUse === 1 ? 'user' : 'users'}.` : 'Not answered by anyone yet.'}
                </p>
                <div className="actions">
                  <label>
                    <input type="checkbox" {...form.register(`questions.${index}.active`)} /> Active (offered on the enrolment page)
                  </label>
                  {inUse === 0 && (
                    <button type="button" onClick={() => remove(index)} aria-label={`Remove question ${index + 1}`}>
                      Remove
                    </button>
                  )}
                </div>
              </li>
            )
          })}
        </ol>
        <FieldMessage id={`${ids}-questions-error`} error={errors.questions?.root ?? (errors.questions as FieldError | undefined)} />
        <div className="actions">
          <button type="button" onClick={() => append({ text: '', active: true }, { shouldFocus: true })}>
            Add a question
          </button>
          <button type="submit" className="primary" disabled={save.isPending}>
            Save questions
          </button>
          {save.isSuccess && !form.formState.isDirty && (
            <span role="status" className="ok">
              Saved.
            </span>
          )}
        </div>
        <ErrorNotice error={save.error} />
      </form>
    </section>
  )
}
