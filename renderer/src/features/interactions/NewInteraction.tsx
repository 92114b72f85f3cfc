// G5 "New interaction": a call or a walk-up starts here, keyboard first (B8). Alt+N (or the
// button) opens the modal; the interaction it creates is assigned to this agent and opens at
// once, ready for More actions → Reset password.
import { lazy, Suspense, useEffect, useState } from 'react'

const NewInteractionDialog = lazy(() => import('./NewInteractionDialog'))

/** The shortcut, as aria-keyshortcuts spells it; matched on the physical key so any layout works. */
export const newInteractionShortcut = 'Alt+N'
const isShortcut = (e: KeyboardEvent) => e.altKey && !e.ctrlKey && !e.metaKey && !e.shiftKey && e.code === 'KeyN'

export function NewInteraction({ onCreated }: { onCreated: (recordId: string) => void }) {
  const [open, setOpen] = useState(false)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcut(e)) return
      e.preventDefault()
      setOpen(true)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  return (
    <>
      <button type="button" aria-keyshortcuts={newInteractionShortcut} onClick={() => setOpen(true)}>
        New interaction <kbd aria-hidden="true">{newInteractionShortcut}</kbd>
      </button>
      {/* Mounted only while open: every interaction starts from an empty form. */}
      {open && (
        <Suspense fallback={null}>
          <NewInteractionDialog
            onClose={() => setOpen(false)}
            onCreated={(id) => {
              setOpen(false)
              onCreated(id)
            }}
          />
        </Suspense>
      )}
    </>
  )
}
