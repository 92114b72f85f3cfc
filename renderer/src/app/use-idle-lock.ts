// B7 kiosk: the console locks after some minutes without pointer or key activity, and warns
// first: 30 seconds before the lock a modal counts down, and any key, a click or "Stay signed in"
// keeps the visit going (issue 12: a call in progress was wiped without a word). The timing is a
// plain object over an injected clock and timers, so it is unit-tested without React or a browser;
// the hook only wires it to the window's activity events.
import { useEffect, useRef, useState } from 'react'

export interface IdleClock {
  now(): number
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface IdleTimer {
  /** Activity: the idle period starts again, and a warning on screen is withdrawn. */
  activity(): void
  /** Whether the warning is up (the hook lets only deliberate acts, not a drifting pointer, end it). */
  warning(): boolean
  stop(): void
}

export interface IdleHandlers {
  /** `warnMs` before the lock: show the warning; the lock falls at `lockAt` (clock time). */
  onWarning(lockAt: number): void
  /** Activity withdrew the warning. */
  onActive(): void
  /** The idle period ran out: lock. Called once; the timer is then stopped. */
  onIdle(): void
}

/** How long before the lock the warning shows. */
export const idleWarningMs = 30_000

const browserClock: IdleClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/**
 * Warns `warnMs` before, and locks `idleMs` after, the last activity. Activity only notes the time
 * (it comes with every pointermove); the one pending timer re-arms for whatever is left when it
 * fires. Wall-clock time, so a machine that slept or a throttled page locks as soon as it wakes
 * (no warning: the time to answer one has passed); a clock set backwards counts as activity, so
 * the lock is late by at most one period, never forever.
 */
export function createIdleTimer(
  { idleMs, warnMs = idleWarningMs }: { idleMs: number; warnMs?: number },
  handlers: IdleHandlers,
  clock: IdleClock = browserClock,
): IdleTimer {
  const lead = Math.max(0, Math.min(warnMs, idleMs))
  let last = clock.now()
  let handle: unknown = null
  let stopped = false
  let warned = false
  const arm = (ms: number) => {
    if (handle !== null) clock.clearTimeout(handle)
    handle = clock.setTimeout(check, Math.max(0, ms))
  }
  function check() {
    handle = null
    if (stopped) return
    const now = clock.now()
    if (now < last) last = now
    const lockAt = last + idleMs
    if (now >= lockAt) {
      stopped = true
      onIdle()
      return
    }
    if (!warned && now >= lockAt - lead) {
      warned = true
      handlers.onWarning(lockAt)
      return arm(lockAt - now)
    }
    arm(Math.min((warned ? lockAt : lockAt - lead) - now, idleMs))
  }
  const onIdle = () => handlers.onIdle()
  arm(idleMs - lead)
  return {
    activity() {
      if (stopped) return
      last = clock.now()
      if (!warned) return
      // The warning's lock timer would fire early: start the period again from here.
      warned = false
      handlers.onActive()
      arm(idleMs - lead)
    },
    warning: () => warned,
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

/**
 * The count a screen reader hears in the warning: every ten seconds, then each of the last five
 * (a live region read every second would talk over the agent and the visitor).
 */
export function spokenCountdown(seconds: number): number {
  return seconds <= 5 ? seconds : Math.ceil(seconds / 10) * 10
}

const activityEvents = ['pointerdown', 'pointermove', 'keydown', 'wheel', 'touchstart'] as const

export interface IdleLock {
  /** While the warning is up: when the lock falls (Date.now() time); else null. */
  lockAt: number | null
  /** "Stay signed in": withdraws the warning and starts the idle period again. */
  stay(): void
}

/**
 * While enabled, warns before and calls onIdle after idleMinutes without pointer or key activity
 * (then stops). Once the warning is up a pointer that only drifts does not withdraw it (a visitor
 * who walked away is not kept signed in by a nudged mouse): a key or the wheel does here, and a
 * click does through the warning itself (`stay`).
 */
export function useIdleLock({ enabled, idleMinutes, onIdle }: { enabled: boolean; idleMinutes: number; onIdle: () => void }): IdleLock {
  const onIdleRef = useRef(onIdle)
  useEffect(() => {
    onIdleRef.current = onIdle
  })
  const [lockAt, setLockAt] = useState<number | null>(null)
  const timerRef = useRef<IdleTimer | null>(null)
  useEffect(() => {
    if (!enabled) return
    const timer = createIdleTimer(
      { idleMs: idleMinutes * 60_000 },
      {
        onWarning: (at) => setLockAt(at),
        onActive: () => setLockAt(null),
        onIdle: () => {
          setLockAt(null)
          onIdleRef.current()
        },
      },
    )
    timerRef.current = timer
    const onActivity = (e: Event) => {
      // While the warning is up, pointer presses go through it (its button, a click on or around
      // it): withdrawn on pointerdown, it would let the click land on the console behind.
      if (timer.warning() && e.type !== 'keydown' && e.type !== 'wheel') return
      timer.activity()
    }
    for (const type of activityEvents) window.addEventListener(type, onActivity, { capture: true, passive: true })
    return () => {
      timer.stop()
      timerRef.current = null
      setLockAt(null)
      for (const type of activityEvents) window.removeEventListener(type, onActivity, { capture: true })
    }
  }, [enabled, idleMinutes])
  return { lockAt, stay: () => timerRef.current?.activity() }
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
