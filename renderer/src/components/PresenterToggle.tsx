// B4: the top bar's presenter mode switch (a toggle button, Ctrl+Shift+P anywhere) and the
// status that says what it does. The status region is always present so that turning the mode
// on is announced.
import { useEffect } from 'react'
import { usePresenterStore } from '../stores/presenter-store'

export const presenterNotice = 'Presenter mode: personal data and secrets are hidden'

/** Ctrl+Shift+P, whatever the keyboard layout's case. */
export function isPresenterShortcut(e: Pick<KeyboardEvent, 'ctrlKey' | 'shiftKey' | 'altKey' | 'metaKey' | 'key'>): boolean {
  return e.ctrlKey && e.shiftKey && !e.altKey && !e.metaKey && e.key.toLowerCase() === 'p'
}

export function PresenterToggle() {
  const on = usePresenterStore((s) => s.on)
  const toggle = usePresenterStore((s) => s.toggle)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isPresenterShortcut(e)) return
      e.preventDefault()
      usePresenterStore.getState().toggle()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  return (
    <>
      <span role="status" className="presenter-status" data-testid="presenter-status">
        {on && <span className="presenter-badge">{presenterNotice}</span>}
      </span>
      <button
        type="button"
        className="presenter-toggle"
        aria-pressed={on}
        aria-keyshortcuts="Control+Shift+P"
        title="Presenter mode (Ctrl+Shift+P)"
        onClick={toggle}
      >
        Presenter mode
      </button>
    </>
  )
}
