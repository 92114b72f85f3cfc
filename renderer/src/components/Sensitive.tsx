// B4: a secret or a piece of personal data. In presenter mode the DOM holds only the masked
// rendition (a blur would still leak through a screenshot or a low-quality screen share); the
// real value is back as soon as presenter mode is off. `data-sensitive` marks every one for tests.
import { maskValue, type SensitiveKind } from './masking'
import { usePresenterMode } from '../stores/presenter-store'

export function Sensitive({ kind, value, className }: { kind: SensitiveKind; value: string; className?: string }) {
  const masked = usePresenterMode()
  return (
    <span className={className} data-sensitive={kind} data-masked={masked ? 'true' : undefined}>
      {masked ? maskValue(kind, value) : value}
    </span>
  )
}

/** The input type for what the agent types from the caller (a code, an answer, an address). */
export function useSensitiveInputType(normal: 'text' | 'email' = 'text'): 'password' | 'text' | 'email' {
  return usePresenterMode() ? 'password' : normal
}
