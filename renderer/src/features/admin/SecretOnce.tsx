// A secret the backend hands out once (an API key, a webhook signing secret): shown until the
// admin confirms they stored it, then gone from the console's memory. Masked in presenter mode (B4).
import { useEffect, useRef } from 'react'
import { Sensitive } from '../../components/Sensitive'

export function SecretOnce({ label, value, onDone }: { label: string; value: string; onDone: () => void }) {
  const done = useRef<HTMLButtonElement>(null)
  // Focus moves here so a keyboard user lands on the one thing to do next.
  useEffect(() => done.current?.focus(), [])
  return (
    <div className="secret-once" role="region" aria-label={label}>
      <p>
        <strong>{label}</strong> — shown this once; ResetDesk keeps no readable copy.
      </p>
      <p>
        <code>
          <Sensitive kind="secret" value={value} />
        </code>
      </p>
      <button type="button" ref={done} onClick={onDone}>
        I have stored it
      </button>
    </div>
  )
}
