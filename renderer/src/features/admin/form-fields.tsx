// Small pieces the admin forms share: an error shown in place under its field, and the backend's
// INVALID_INPUT issues (facts only it knows: store names, a name already taken) put on the fields
// they name, so a refusal reads the same as a check the form made itself.
import type { FieldValues, Path, UseFormSetError } from 'react-hook-form'
import { ApiError } from '../../api/client'

export function FieldError({ id, message }: { id: string; message: string | undefined }) {
  if (!message) return null
  return (
    <p id={id} className="field-error">
      {message}
    </p>
  )
}

/** Props that tie a control to its error: aria-invalid and aria-describedby while there is one. */
export function describedBy(errorId: string, message: string | undefined, hintId?: string) {
  const ids = [hintId, message ? errorId : undefined].filter(Boolean).join(' ')
  return { 'aria-invalid': message ? true : undefined, 'aria-describedby': ids || undefined } as const
}

export function applyServerIssues<T extends FieldValues>(error: unknown, setError: UseFormSetError<T>): void {
  if (!(error instanceof ApiError) || error.code !== 'INVALID_INPUT') return
  const issues = error.data.details.issues
  if (!Array.isArray(issues)) return
  for (const issue of issues as { path?: unknown; message?: unknown }[]) {
    if (typeof issue.path === 'string' && issue.path && typeof issue.message === 'string') {
      setError(issue.path as Path<T>, { type: 'server', message: issue.message }, { shouldFocus: true })
    }
  }
}
