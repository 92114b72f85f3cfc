// PRODUCT.md §5 / issue 14: the 10k-row scroll. The console's incident list (the built renderer,
// served by the E2E browser host, 10k more incidents assigned to the agent) beside a bare TanStack
// Virtual list of the same rows and row markup with the console's stylesheet
// (test/e2e/bare-list/bare-list.tsx), in one headless Chromium, scrolled in turns (ABBA rounds) so
// both see the same machine load. Per frame: the work (scroll event to the frame rendered, see
// scroll-probe.ts), the main thread's CPU time in that frame (a Chromium trace, frame-trace.ts) and
// the gap between frames. Prints one table; asserts nothing. bench/README.md says more.
// Needs the built renderer (`npx electron-vite build`) and Chromium (CHROMIUM_PATH, default /usr/bin/chromium).
// BENCH_ROUNDS (default 8) × BENCH_FRAMES (default 60) measured frames per list, after one warm-up
// round; BENCH_STEP px per frame (default 400); BENCH_VIEWPORT (default 1440x900).
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { build } from 'esbuild'
import { chromium, type Page } from 'playwright-core'
import { bridgeInitScript, startHost } from '../test/e2e/host/server'
import { frameTasks, type TraceEvent } from './frame-trace'
import type { ProbeResult } from './scroll-probe'

const root = resolve(import.meta.dirname, '..')
import { chromiumLaunchOptions, chromiumPath } from '../test/helpers/chromium'
import { seedBulkIncidents } from '../test/e2e/host/bulk-records'
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 8)
const FRAMES = Number(process.env.BENCH_FRAMES ?? 60)
const STEP = Number(process.env.BENCH_STEP ?? 400)
const [WIDTH, HEIGHT] = (process.env.BENCH_VIEWPORT ?? '1440x900').split('x').map(Number) as [number, number]
const ROWS = 10_000
const PAGE = 100 // the console's server page (renderer/src/api/queries.ts pageSize)

async function bundle(entry: string, format: 'iife' | 'esm' = 'iife') {
  const out = await build({
    entryPoints: [resolve(root, entry)],
    bundle: true,
    write: false,
    format,
    minify: true,
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
  })
  return out.outputFiles[0]!.text
}

function stats(list: number[]) {
  const sorted = [...list].sort((a, b) => a - b)
  const p = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN
  return { n: list.length, p50: p(0.5), p95: p(0.95), p99: p(0.99), max: p(1), over16: list.filter((f) => f > 16).length }
}

async function main() {
  if (!existsSync(chromiumPath)) throw new Error(`Chromium not found at ${chromiumPath}`)
  if (!existsSync(resolve(root, 'out/renderer/index.html')))
    throw new Error('the renderer is not built: run `npx electron-vite build` first')
  const [probe, bare, css] = await Promise.all([
    bundle('bench/scroll-probe.ts'),
    bundle('test/e2e/bare-list/bare-list.tsx'),
    readFile(resolve(root, 'renderer/src/styles.css'), 'utf8'),
  ])
  const host = await startHost()
  const browser = await chromium.launch(chromiumLaunchOptions)
  try {
    await seedBulkIncidents(host, ROWS, 'Generated for the 10k-row scroll bench.')
    const context = await browser.newContext({ viewport: { width: WIDTH, height: HEIGHT } })
    await context.addInitScript({ content: bridgeInitScript(host.newSessionToken()) })
    const app = await context.newPage()
    const errors: string[] = []
    app.on('pageerror', (e) => errors.push(e.message))
    await app.goto(host.url)
    await app.getByLabel('User name').fill('desk')
    await app.getByLabel('Password').fill('desk-demo-2026')
    await app.getByRole('button', { name: 'Sign in' }).click()
    await app.locator('tbody tr[data-record-id]').first().waitFor()
    await app.getByText(/^More than 10,000 records/).waitFor()

    // The rows the console lists ("Assigned to me", newest first), fetched through its own bridge.
    const rows = await app.evaluate(
      async ({ rows, page }) => {
        const bridge = (
          window as unknown as { resetDesk: { invoke: (c: string, i: unknown) => Promise<{ ok: boolean; data: { rows: unknown[] } }> } }
        ).resetDesk
        const all: unknown[] = []
        for (let offset = 0; offset < rows; offset += page) {
          const r = await bridge.invoke('records:list', {
            kind: 'incident',
            filter: 'assigned_to_me',
            q: '',
            sort: 'openedAt',
            dir: 'desc',
            offset,
            limit: page,
          })
          if (!r.ok) throw new Error('records:list failed')
          all.push(...r.data.rows)
        }
        return all
      },
      { rows: ROWS, page: PAGE },
    )

    // The console's pages, fetched once as an agent scrolling down would, so that the measured
    // frames render rows (as the bare list does) rather than "Loading…" placeholders.
    for (let top = 0; ; top += PAGE * 36) {
      const done = await app.locator('.table-scroll').evaluate((el, t) => {
        el.scrollTop = t
        return el.scrollTop + el.clientHeight >= el.scrollHeight
      }, top)
      await app.waitForFunction(() => {
        const trs = [...document.querySelectorAll('tbody tr[aria-rowindex]')]
        return trs.length > 0 && trs.every((tr) => tr.hasAttribute('data-record-id'))
      })
      if (done) break
    }
    const size = await app.locator('.table-scroll').evaluate((el) => ({ width: el.clientWidth, height: el.clientHeight }))

    const barePage = await context.newPage()
    barePage.on('pageerror', (e) => errors.push(e.message))
    await barePage.setContent(`<!doctype html><html><head><style>${css}</style></head><body><div id="root"></div></body></html>`)
    await barePage.evaluate(({ s, r }) => Object.assign(window, { bareListSize: s, bareListRows: r }), { s: size, r: rows })
    await barePage.addScriptTag({ content: bare })
    await barePage.locator('tbody tr[data-record-id]').first().waitFor()

    // The probe is evaluated through the DevTools protocol, so the console's CSP does not apply.
    for (const p of [app, barePage]) {
      await p.evaluate(probe)
      await p.locator('.table-scroll').evaluate((el) => (el.scrollTop = 0))
    }
    // One round: the page in front (a page in the background gets no animation frames), traced.
    const measure = async (p: Page) => {
      await p.bringToFront()
      await browser.startTracing(p, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline'] })
      const probed = await p.evaluate(
        ({ frames, step }) =>
          (globalThis as unknown as { scrollProbe: { run: (f: number, s: number) => Promise<ProbeResult> } }).scrollProbe.run(frames, step),
        { frames: FRAMES, step: STEP },
      )
      const trace = JSON.parse((await browser.stopTracing()).toString()) as { traceEvents: TraceEvent[] }
      return { ...probed, ...frameTasks(trace.traceEvents) }
    }
    const lists = { console: app, bare: barePage }
    const empty = () => ({
      work: [] as number[],
      script: [] as number[],
      gaps: [] as number[],
      cpu: [] as number[],
      loadingFrames: 0,
      self: new Map<string, number>(),
    })
    const results = { console: empty(), bare: empty() }
    await measure(app) // warm-up: JIT, fonts, the style and layout caches
    await measure(barePage)
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? (['console', 'bare'] as const) : (['bare', 'console'] as const)
      for (const name of order) {
        const r = await measure(lists[name])
        const into = results[name]
        into.work.push(...r.work)
        into.script.push(...r.script)
        into.gaps.push(...r.gaps)
        into.cpu.push(...r.cpu)
        into.loadingFrames += r.loadingFrames
        for (const [k, v] of r.self) into.self.set(k, (into.self.get(k) ?? 0) + v)
      }
    }
    const domRows = await app.locator('tbody tr').count()

    const f = (n: number, w = 5) => n.toFixed(1).padStart(w)
    const line = (name: string, r: ReturnType<typeof empty>) => {
      const w = stats(r.work)
      const c = stats(r.cpu)
      const s = stats(r.script)
      const g = stats(r.gaps)
      return (
        `  ${name.padEnd(8)} ${String(w.n).padStart(6)} | ${f(w.p50)} ${f(w.p95)} ${f(w.p99)} ${f(w.max, 6)} ${String(w.over16).padStart(4)} | ${f(c.p50)} ${f(c.p95)} ${f(c.p99)} ${f(c.max, 6)} ${String(c.over16).padStart(4)} |` +
        ` ${f(s.p50)} ${f(s.p99)} | ${f(g.p50)} ${f(g.p99)} | ${r.loadingFrames}`
      )
    }
    const ratio = (q: 'p50' | 'p95' | 'p99', key: 'work' | 'cpu') =>
      (stats(results.console[key])[q] / Math.max(0.1, stats(results.bare[key])[q])).toFixed(2)
    const where = (r: ReturnType<typeof empty>) =>
      [...r.self]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 9)
        .map(([k, v]) => `${k} ${(v / r.work.length).toFixed(2)}`)
        .join(', ')
    console.log(
      `10k-row scroll: ${ROWS.toLocaleString('en-US')} rows, list ${size.width}×${size.height} px in a ${WIDTH}×${HEIGHT} window, ${STEP} px a frame, ${ROUNDS} rounds × ${FRAMES} frames per list, in turns (ABBA)`,
    )
    console.log("  work: scroll event to the frame rendered (wall, ms); cpu: the main thread's CPU time in that frame's task (trace);")
    console.log(
      "  script: the part of the work before the frame's requestAnimationFrame (the scroll event, React); gap: between frame starts",
    )
    console.log(
      '  list     frames |  work p50   p95   p99    max  >16 |   cpu p50   p95   p99    max  >16 | script p50 p99 |  gap p50  p99 | "Loading…" frames',
    )
    console.log(line('console', results.console))
    console.log(line('bare', results.bare))
    console.log(
      `  ratio console/bare: work p50 ${ratio('p50', 'work')} p95 ${ratio('p95', 'work')} p99 ${ratio('p99', 'work')}; cpu p50 ${ratio('p50', 'cpu')} p95 ${ratio('p95', 'cpu')} p99 ${ratio('p99', 'cpu')}` +
        `  (target: p99 ≤ 16 ms, ratio ≤ 1.3)`,
    )
    console.log(
      `  main thread per frame, by trace event (self, ms):\n    console: ${where(results.console)}\n    bare:    ${where(results.bare)}`,
    )
    console.log(`  console rows in the DOM after: ${domRows}`)
    if (errors.length) console.log(`  page errors: ${errors.join('; ')}`)
    await context.close()
  } finally {
    await browser.close()
    await host.close()
  }
}

await main()
