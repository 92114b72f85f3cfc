// B7 kiosk: the idle lock's warning. A real modal (Headless UI Dialog) so the countdown cannot
// be missed; any key (see useIdleLock), a click anywhere or "Stay signed in" keeps the visit, and
// focus goes back where the agent was. Left alone, the console locks when the count reaches 0.
import { Description, Dialog, DialogPanel, DialogTitle } from '@headlessui/react'
import { useEffect, useState } from 'react'
import { spokenCountdown } from './use-idle-lock'

/** Whole seconds until `at` (Date.now() time), re-rendering as the number changes; 0 once passed. */
export function useSecondsLeft(at: number | null): number {
  const [, setTick] = useState(0)
  useEffect(() => {
    if (at === null) return
    let handle: ReturnType<typeof setTimeout> | undefined
    const schedule = () => {
      const left = at - Date.now()
      // Next when the shown number changes (it is rounded up).
      if (left > 0)
        handle = setTimeout(
          () => {
            setTick((n) => n + 1)
            schedule()
          },
          left % 1000 || 1000,
        )
    }
    schedule()
    return () => clearTimeout(handle)
  }, [at])
  // Read at render, so the first frame of a new warning already shows the right count.
  return at === null ? 0 : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

const plural = (n: number) => `${n} ${n === 1 ? 'second' : 'seconds'}`

export function IdleWarning({ lockAt, onStay }: { lockAt: number | null; onStay: () => void }) {
  const seconds = useSecondsLeft(lockAt)
  return (
    <Dialog open={lockAt !== null} onClose={onStay} className="dialog-root">
      <div className="dialog-overlay" aria-hidden="true" />
      {/* A click anywhere on the warning counts as "still here", as one around it does (onClose). */}
      <DialogPanel className="dialog idle-warning" onClick={onStay} data-testid="idle-warning">
        <DialogTitle as="h2">Are you still there?</DialogTitle>
        <p className="countdown" role="timer" aria-atomic="true">
          Locking in <strong>{plural(seconds)}</strong>
        </p>
        <Description>
          The console then signs out and clears everything about the current visitor. Press any key or click to stay signed in.
        </Description>
        <p className="visually-hidden" aria-live="assertive" aria-atomic="true">
          {lockAt !== null && `Locking in ${plural(spokenCountdown(seconds))}.`}
        </p>
        <div className="actions">
          <button type="button" className="primary" data-autofocus onClick={onStay}>
            Stay signed in
          </button>
        </div>
      </DialogPanel>
    </Dialog>
  )
}
