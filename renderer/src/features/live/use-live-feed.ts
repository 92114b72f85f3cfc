// B5: keeps a supervisor's live snapshot current with the long poll `live:next`. Each answer
// carries the audit sequence it reflects; the next call waits for anything after it, so a step
// reaches the screen as soon as the backend has committed it, with no polling interval.
import { useEffect, useState } from 'react'
import type { LiveSnapshot } from '../../../../shared/domain/live'
import { call } from '../../api/client'

export function useLiveFeed(follow: string | null) {
  const [snapshot, setSnapshot] = useState<LiveSnapshot | null>(null)
  const [error, setError] = useState<unknown>(null)
  /** Server time minus this computer's, so "time in step" does not depend on the local clock. */
  const [skewMs, setSkewMs] = useState(0)
  useEffect(() => {
    let stopped = false
    // Following another flow asks for a fresh answer at once (afterSeq 0), then waits again.
    let afterSeq = 0
    void (async () => {
      while (!stopped) {
        try {
          const next = await call('live:next', { afterSeq, ...(follow ? { follow } : {}) })
          if (stopped) return
          afterSeq = next.seq
          setSnapshot(next)
          setSkewMs(Date.parse(next.at) - Date.now())
          setError(null)
        } catch (e) {
          if (stopped) return
          setError(e)
          // A refusal (no role, flow gone) will not change by asking again at once.
          await new Promise((r) => setTimeout(r, 3_000))
        }
      }
    })()
    return () => {
      stopped = true
    }
  }, [follow])
  return { snapshot, error, skewMs }
}

/** A clock that ticks every second, for "time in step". */
export function useNow(skewMs: number): number {
  const [now, setNow] = useState(() => Date.now() + skewMs)
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() + skewMs), 1_000)
    return () => clearInterval(timer)
  }, [skewMs])
  return now
}
