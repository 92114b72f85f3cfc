// B7 kiosk: the console locks after some minutes without pointer or key activity. The timing is
// a plain object over an injected clock and timers, so it is unit-tested without React or a
// browser; the hook only wires it to the window's activity events.
import { useEffect, useRef } from 'react'

export interface IdleClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface IdleTimer {
  /** Pointer or key activity: the idle period starts again. */
  activity(): void
  stop(): void
}

const browserClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/**
 * Calls onIdle once, `idleMs` after the last activity. Activity only notes the time (it comes
 * with every pointermove); the one pending timer re-arms for whatever is left when it fires.
 * Wall-clock time, so a machine that slept or a throttled page locks as soon as it wakes; a clock
 * set backwards counts as activity, so the lock is late by at most one period, never forever.
 */
export function createIdleTimer(idleMs: number, onIdle: () => void, clock: IdleClock = browserClock): IdleTimer {
  let last = clock.now()
  let handle: unknown = null
  let stopped = false
  const arm = (ms: number) => {
    handle = clock.setTimeout(check, ms)
  }
  function check() {
    handle = null
    if (stopped) return
    const now = clock.now()
    if (now < last) last = now
    const left = last + idleMs - now
    if (left > 0) return arm(Math.min(left, idleMs))
    stopped = true
    onIdle()
  }
  arm(idleMs)
  return {
    activity() {
      if (!stopped) last = clock.now()
    },
    stop() {
      stopped = true
      if (handle !== null) clock.clearTimeout(handle)
      handle = null
    },
  }
}

/** The sentence the sign-in screen shows after an idle lock. */
export function idleLockNotice(idleMinutes: number): string {
  return `Locked after ${idleMinutes} ${idleMinutes === 1 ? 'minute' : 'minutes'} without activity; everything about the last visitor was cleared.`
}

const activityEvents = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const

/** While enabled, calls onIdle after idleMinutes without pointer or key activity (then stops). */
export function useIdleLock({ enabled, idleMinutes, onIdle }: { enabled: boolean; idleMinutes: number; onIdle: () => void }): void {
  const onIdleRef = useRef(onIdle)
  useEffect(() => {
    onIdleRef.current = onIdle
  })
  useEffect(() => {
    if (!enabled) return
    const timer = createIdleTimer(idleMinutes * 60_000, () => onIdleRef.current())
    const onActivity = () => timer.activity()
    for (const type of activityEvents) window.addEventListener(type, onActivity, { capture: true, passive: true })
    return () => {
      timer.stop()
      for (const type of activityEvents) window.removeEventListener(type, onActivity, { capture: true })
    }
  }, [enabled, idleMinutes])
}

const blockedEvents = ['copy', 'cut', 'contextmenu', 'dragstart'] as const

/**
 * B3/B7: on a kiosk nothing leaves the screen through the clipboard (a generated password, a
 * caller's details): copy, cut, the context menu and dragging text out are refused.
 */
export function useKioskCopyGuard(enabled: boolean): void {
  useEffect(() => {
    if (!enabled) return
    const refuse = (e: Event) => e.preventDefault()
    for (const type of blockedEvents) document.addEventListener(type, refuse, { capture: true })
    return () => {
      for (const type of blockedEvents) document.removeEventListener(type, refuse, { capture: true })
    }
  }, [enabled])
}
