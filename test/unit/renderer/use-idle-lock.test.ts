// B7 idle lock timing: the console locks once, idleMinutes after the last pointer or key
// activity, whatever the timers do; a hand-driven clock stands in for the browser's.
import { describe, expect, it } from 'vitest'
import { createIdleTimer, idleLockNotice, type IdleClock } from '../../../renderer/src/app/use-idle-lock'

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

describe('B7 idle lock timing', () => {
  it('locks once, exactly idleMinutes after the start when nothing happens', () => {
    const c = fakeClock()
    let locks = 0
    createIdleTimer(3 * minute, () => locks++, c.clock)
    c.advance(3 * minute - 1)
    expect(locks).toBe(0)
    c.advance(1)
    expect(locks).toBe(1)
    c.advance(60 * minute)
    expect(locks).toBe(1)
    expect(c.pending()).toBe(0)
  })

  it('every activity starts the idle period again; one timer, whatever the number of events', () => {
    const c = fakeClock()
    let locks = 0
    const timer = createIdleTimer(1 * minute, () => locks++, c.clock)
    for (let i = 0; i < 10; i++) {
      c.advance(50_000)
      timer.activity()
      timer.activity()
    }
    expect(locks).toBe(0)
    expect(c.pending()).toBe(1)
    c.advance(59_999)
    expect(locks).toBe(0)
    c.advance(1)
    expect(locks).toBe(1)
  })

  it('a late timer (a machine that slept, a throttled page) locks at once when it fires', () => {
    const c = fakeClock()
    let locks = 0
    createIdleTimer(3 * minute, () => locks++, c.clock)
    c.jump(45 * minute)
    c.fireAll()
    expect(locks).toBe(1)
  })

  it('a clock set backwards delays the lock by at most one idle period', () => {
    const c = fakeClock()
    let locks = 0
    createIdleTimer(3 * minute, () => locks++, c.clock)
    c.jump(-120 * minute)
    c.advance(3 * minute) // the first timer fires, finds the clock behind, re-arms for one period
    expect(locks).toBe(0)
    c.advance(3 * minute)
    expect(locks).toBe(1)
  })

  it('stop() cancels the lock, and activity after it changes nothing', () => {
    const c = fakeClock()
    let locks = 0
    const timer = createIdleTimer(1 * minute, () => locks++, c.clock)
    timer.stop()
    timer.activity()
    c.advance(10 * minute)
    expect(locks).toBe(0)
    expect(c.pending()).toBe(0)
  })

  it('says how long the console was idle and that the visitor was forgotten', () => {
    expect(idleLockNotice(1)).toBe('Locked after 1 minute without activity; everything about the last visitor was cleared.')
    expect(idleLockNotice(3)).toBe('Locked after 3 minutes without activity; everything about the last visitor was cleared.')
  })
})
