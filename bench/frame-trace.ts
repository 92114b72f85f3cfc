// Reads a Chromium trace (devtools.timeline categories) of a scroll run: for each frame that
// handled a scroll event, the renderer main thread's task for that frame, as wall time and as
// the thread's own CPU time (which a loaded machine's preemption does not inflate); and where the
// main thread's time went, by trace event (self time).

export interface TraceEvent {
  name: string
  ph: string
  ts: number
  dur?: number
  tdur?: number
  pid: number
  tid: number
  args?: { name?: string; data?: { type?: string } }
}

export interface FrameTasks {
  /** Wall time of each scroll frame's task (ms). */
  wall: number[]
  /** CPU time of the main thread in each scroll frame's task (ms). */
  cpu: number[]
  /** Self time by event name over the whole run (ms), e.g. FunctionCall, Layout, Paint, Commit. */
  self: Map<string, number>
}

const isScroll = (e: TraceEvent) => e.name === 'EventDispatch' && e.args?.data?.type === 'scroll'

export function frameTasks(events: TraceEvent[]): FrameTasks {
  // The page's main thread: the one that dispatched the scroll events.
  const first = events.find(isScroll)
  if (!first) throw new Error('no scroll event in the trace')
  const xs = events
    .filter((e) => e.pid === first.pid && e.tid === first.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!)
  const wall: number[] = []
  const cpu: number[] = []
  const self = new Map<string, number>()
  const stack: { end: number; key: string }[] = []
  let task: TraceEvent | null = null
  let taskCounted = false
  for (const e of xs) {
    while (stack.length && stack.at(-1)!.end <= e.ts) stack.pop()
    if (!stack.length && e.name === 'RunTask') {
      task = e
      taskCounted = false
    }
    if (isScroll(e) && task && !taskCounted && e.ts < task.ts + task.dur!) {
      wall.push(task.dur! / 1000)
      cpu.push((task.tdur ?? task.dur!) / 1000)
      taskCounted = true
    }
    const key = e.name === 'EventDispatch' ? `EventDispatch(${e.args?.data?.type})` : e.name
    const parent = stack.at(-1)
    if (parent) self.set(parent.key, (self.get(parent.key) ?? 0) - e.dur! / 1000)
    self.set(key, (self.get(key) ?? 0) + e.dur! / 1000)
    stack.push({ end: e.ts + e.dur!, key })
  }
  self.delete('RunTask')
  return { wall, cpu, self }
}
