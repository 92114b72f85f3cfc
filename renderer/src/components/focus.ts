// B8 keyboard-first: after an action, focus goes to the next thing to do. When the control the
// agent used is removed (a form that closes, a notice that goes) or disabled (a button cleared
// with its field), Chromium leaves focus on <body>, and the next Tab starts again at the top of
// the page. These helpers find that case and put focus where the agent's work continues.

/** True when focus has nowhere useful: on <body>, or on an element since removed or disabled. */
export function focusIsLost(doc: Document = document): boolean {
  const active = doc.activeElement
  if (!active || active === doc.body || active === doc.documentElement) return true
  return !active.isConnected || (active as HTMLButtonElement).disabled === true
}

/**
 * Focuses `target` when focus is lost, so it never overrides where the agent has moved on to.
 * Returns whether it moved focus.
 */
export function rescueFocus(target: HTMLElement | null | undefined): boolean {
  if (!target || !target.isConnected || !focusIsLost(target.ownerDocument)) return false
  target.focus()
  return true
}
