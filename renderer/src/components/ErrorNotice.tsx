// R8: failures are shown as catalogue text (sentence + what to do next) and the facts the
// backend attached (attempts left, when a limit frees up, the correlation id) — never raw text.
import { errorData } from '../api/client'

// One formatter for the whole console: toLocaleString(…, options) builds a new one per call,
// which costs more than rendering the row it is in.
const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' })

export function formatTime(iso: unknown): string {
  if (typeof iso !== 'string') return ''
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? '' : timeFormat.format(d)
}

function detailLines(details: Record<string, unknown>): string[] {
  const lines: string[] = []
  if (typeof details.attemptsLeft === 'number') lines.push(`Attempts left: ${details.attemptsLeft}`)
  if (details.freesAt) lines.push(`Frees up at: ${formatTime(details.freesAt)}`)
  if (details.closedUntil) lines.push(`Closed until: ${formatTime(details.closedUntil)}`)
  if (Array.isArray(details.failures)) {
    for (const f of details.failures as { message?: unknown }[]) if (typeof f?.message === 'string') lines.push(f.message)
  }
  if (Array.isArray(details.issues)) {
    for (const i of details.issues as { path?: unknown; message?: unknown }[])
      lines.push(`${String(i.path || 'input')}: ${String(i.message)}`)
  }
  // G3 sign-in refusals name what is missing: the agent groups, or the groups of each role.
  if (Array.isArray(details.groups)) lines.push(`Agent groups: ${details.groups.map(String).join('; ')}`)
  if (details.roleGroups && typeof details.roleGroups === 'object') {
    for (const [role, groups] of Object.entries(details.roleGroups as Record<string, unknown>)) {
      if (Array.isArray(groups) && groups.length > 0) lines.push(`${role}: ${groups.map(String).join('; ')}`)
    }
  }
  if (typeof details.correlationId === 'string') lines.push(`Reference: ${details.correlationId}`)
  return lines
}

export function ErrorNotice({ error, id }: { error: unknown; id?: string }) {
  if (!error) return null
  const data = errorData(error)
  const lines = detailLines(data.details)
  return (
    <div className="error" role="alert" id={id} data-code={data.code}>
      <p className="error-message">{data.message}</p>
      <p className="error-next">{data.next}</p>
      {lines.length > 0 && (
        <ul className="error-details">
          {lines.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  )
}
