// B7 idle lock timing: the console warns 30 s before and locks once, idleMinutes after the last
// pointer or key activity, whatever the timers do; activity during the warning withdraws it and
// starts the period again. A hand-driven clock stands in for the browser's.
import { describe, expect, it } from 'vitest'
import { createIdleTimer, idleLockNotice, spokenCountdown, type IdleClock } from '../../../renderer/src/app/use-idle-lock'

/**
 * A clock the test moves. As in a browser, timers run on their own (monotonic) time, while now()
 * is the wall clock, which can also jump without any timer firing.
 */
function fakeClock(start = 1_000_000) {
  let wall = start
  let mono = 0
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  const clock: IdleClock = {
    now: () => wall,
    setTimeout: (fn, ms) => {
      timers.set(++seq, { at: mono + ms, fn })
      return seq
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
  }
  /** Moves time forward, firing due timers in order. */
  const advance = (ms: number) => {
    const end = mono + ms
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) break
      timers.delete(due[0])
      wall += due[1].at - mono
      mono = due[1].at
      due[1].fn()
    }
    wall += end - mono
    mono = end
  }
  /** Moves the wall clock only (a machine that slept, a clock reset). */
  const jump = (ms: number) => {
    wall += ms
  }
  /** Fires every pending timer now (late, as after a sleep). */
  const fireAll = () => {
    for (const [id, t] of [...timers.entries()]) {
      timers.delete(id)
      t.fn()
    }
  }
  return { clock, advance, jump, fireAll, pending: () => timers.size }
}

const minute = 60_000

/** A timer with the default 30 s warning, recording what it told the console and when. */
function watched(c: ReturnType<typeof fakeClock>, idleMs: number) {
  const events: string[] = []
  const timer = createIdleTimer(
    { idleMs },
    {
      onWarning: (lockAt) => events.push(`warn@${c.clock.now()} lockAt=${lockAt}`),
      onActive: () => events.push(`active@${c.clock.now()}`),
      onIdle: () => events.push(`lock@${c.clock.now()}`),
    },
    c.clock,
  )
  const locks = () => events.filter((e) => e.startsWith('lock')).length
  return { timer, events, locks }
}

describe('B7 idle lock timing', () => {
  it('warns 30 s before and locks once, exactly idleMinutes after the start when nothing happens', () => {
    const c = fakeClock()
    const start = c.clock.now()
    const w = watched(c, 3 * minute)
    c.advance(3 * minute - 30_000 - 1)
    expect(w.events).toEqual([])
    c.advance(1)
    expect(w.events).toEqual([`warn@${start + 3 * minute - 30_000} lockAt=${start + 3 * minute}`])
    c.advance(30_000 - 1)
    expect(w.locks()).toBe(0)
    c.advance(1)
    expect(w.events.at(-1)).toBe(`lock@${start + 3 * minute}`)
    c.advance(60 * minute)
    expect(w.locks()).toBe(1)
    expect(c.pending()).toBe(0)
  })

  it('every activity before the warning starts the idle period again; one timer, whatever the number of events', () => {
    const c = fakeClock()
    const w = watched(c, 1 * minute)
    for (let i = 0; i < 10; i++) {
      c.advance(25_000)
      w.timer.activity()
      w.timer.activity()
    }
    expect(w.events).toEqual([])
    expect(c.pending()).toBe(1)
    c.advance(59_999)
    expect(w.locks()).toBe(0)
    c.advance(1)
    expect(w.locks()).toBe(1)
  })

  it('activity during the warning withdraws it; the next warning and the lock count from that activity', () => {
    const c = fakeClock()
    const start = c.clock.now()
    const w = watched(c, 1 * minute)
    c.advance(40_000) // warned at 30 s, 20 s left
    expect(w.timer.warning()).toBe(true)
    w.timer.activity()
    expect(w.timer.warning()).toBe(false)
    expect(w.events).toEqual([`warn@${start + 30_000} lockAt=${start + 60_000}`, `active@${start + 40_000}`])
    // The lock the warning announced does not fall: nothing at 60 s, a new warning at 40 + 30 s.
    c.advance(29_999)
    expect(w.events).toHaveLength(2)
    c.advance(1)
    expect(w.events.at(-1)).toBe(`warn@${start + 70_000} lockAt=${start + 100_000}`)
    c.advance(30_000)
    expect(w.events.at(-1)).toBe(`lock@${start + 100_000}`)
    expect(w.locks()).toBe(1)
  })

  it('a late timer (a machine that slept, a throttled page) locks at once when it fires, with no warning to answer', () => {
    const c = fakeClock()
    const w = watched(c, 3 * minute)
    c.jump(45 * minute)
    c.fireAll()
    expect(w.events.map((e) => e.split('@')[0])).toEqual(['lock'])
  })

  it('a timer that wakes inside the warning period warns for the time that is left', () => {
    const c = fakeClock()
    const start = c.clock.now()
    const w = watched(c, 3 * minute)
    c.jump(3 * minute - 10_000) // the wall clock moved on; the timer fires late, 10 s before the lock
    c.fireAll()
    expect(w.events).toEqual([`warn@${start + 3 * minute - 10_000} lockAt=${start + 3 * minute}`])
    c.advance(10_000)
    expect(w.locks()).toBe(1)
  })

  it('a clock set backwards delays the lock by at most one idle period', () => {
    const c = fakeClock()
    const w = watched(c, 3 * minute)
    c.jump(-120 * minute)
    c.advance(3 * minute) // the first timer fires, finds the clock behind, re-arms
    expect(w.locks()).toBe(0)
    c.advance(3 * minute)
    expect(w.locks()).toBe(1)
  })

  it('stop() cancels the warning and the lock, and activity after it changes nothing', () => {
    const c = fakeClock()
    const w = watched(c, 1 * minute)
    c.advance(45_000)
    w.timer.stop()
    w.timer.activity()
    c.advance(10 * minute)
    expect(w.events.map((e) => e.split('@')[0])).toEqual(['warn'])
    expect(c.pending()).toBe(0)
  })

  it('says how long the console was idle and that the visitor was forgotten', () => {
    expect(idleLockNotice(1)).toBe('Locked after 1 minute without activity; everything about the last visitor was cleared.')
    expect(idleLockNotice(3)).toBe('Locked after 3 minutes without activity; everything about the last visitor was cleared.')
  })

  it('the warning is spoken every ten seconds, then each of the last five', () => {
    const spoken = [30, 29, 21, 20, 19, 11, 10, 9, 6, 5, 4, 3, 2, 1, 0].map(spokenCountdown)
    expect(spoken).toEqual([30, 30, 30, 20, 20, 20, 10, 10, 10, 5, 4, 3, 2, 1, 0])
  })
})
