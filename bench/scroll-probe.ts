// Runs inside the measured page (bundled by scroll-bench.ts and evaluated there): scrolls the
// page's `.table-scroll` a fixed step per animation frame and times each frame's main-thread work.
//
// Per frame, two figures:
// - work: from the scroll event (a capturing listener, so before the list's own handler) to the
//   end of that frame's rendering: a message posted from the frame's requestAnimationFrame runs
//   once the frame's task (scroll event, React's render, rAF, style, layout, paint, commit) is done;
// - gap: between this frame's start and the one before (requestAnimationFrame timestamps);
//   60 Hz gives 16.7 ms, a longer gap is a frame the page did not make.

export interface ProbeResult {
  work: number[]
  /** The part of the work before the frame's requestAnimationFrame: the scroll event, React's render. */
  script: number[]
  gaps: number[]
  /** Rows rendered without their data ("Loading…") when the frame was done. */
  loadingFrames: number
}

/** Resolves once the next frame has been rendered: its start (rAF timestamp) and when it ended. */
function nextFrame(): Promise<{ start: number; raf: number; end: number }> {
  return new Promise((resolve) =>
    requestAnimationFrame((start) => {
      const raf = performance.now()
      const channel = new MessageChannel()
      channel.port1.onmessage = () => {
        channel.port1.close()
        resolve({ start, raf, end: performance.now() })
      }
      channel.port2.postMessage(null)
    }),
  )
}

async function run(frames: number, step: number): Promise<ProbeResult> {
  const el = document.querySelector<HTMLElement>('.table-scroll')
  if (!el) throw new Error('no .table-scroll in this page')
  const work: number[] = []
  const script: number[] = []
  const gaps: number[] = []
  let loadingFrames = 0
  let scrolledAt = 0
  const onScroll = () => {
    if (!scrolledAt) scrolledAt = performance.now()
  }
  document.addEventListener('scroll', onScroll, { capture: true })
  try {
    let last = (await nextFrame()).start
    for (let i = 0; i < frames; i++) {
      const max = el.scrollHeight - el.clientHeight
      // At the end, back to the top: that frame is a jump, not a scroll step, and is not counted.
      const wrapped = el.scrollTop + step > max
      el.scrollTop = wrapped ? 0 : el.scrollTop + step
      scrolledAt = 0
      const frame = await nextFrame()
      if (!wrapped && scrolledAt) {
        work.push(frame.end - scrolledAt)
        script.push(frame.raf - scrolledAt)
        gaps.push(frame.start - last)
        if (el.querySelector('tbody tr:not([data-record-id]):not(.spacer)')) loadingFrames++
      }
      last = frame.start
    }
  } finally {
    document.removeEventListener('scroll', onScroll, { capture: true })
  }
  return { work, script, gaps, loadingFrames }
}

;(globalThis as unknown as { scrollProbe: { run: typeof run } }).scrollProbe = { run }
