// G6: webhook delivery latency, from the commit of a work note to its arrival at a receiver on
// loopback, for 1,000 events — paced (one every 10 ms) and as a burst (10 concurrent writers) —
// on SQLite and PostgreSQL. Prints p50/p95/max; a figure to report, never a timed assertion.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createBackend } from '../electron/backend/index'
import { addWorkNote } from '../electron/backend/records/work-notes'
import { saveWebhook } from '../electron/backend/integrations/webhooks-admin'
import { webhookSaveSchema } from '../shared/domain/integrations'
import type { StoreConfig } from '../electron/backend/store/database'
import { withBenchDatabase } from './pg-database'

const EVENTS = 1_000

const arrived = new Map<string, number>()
const receiver = createServer((req, res) => {
  let body = ''
  req.on('data', (c) => (body += c))
  req.on('end', () => {
    arrived.set(String((JSON.parse(body) as { data: { text: string } }).data.text), performance.now())
    res.writeHead(200).end()
  })
})
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
const admin = {
  id: 'bench-admin',
  username: 'bench',
  displayName: 'Bench',
  roles: ['password_reset_admin' as const],
  groups: [],
  demo: false,
}

async function benchStore(name: string, store: StoreConfig) {
  // The production worker timings: wake-ups on commit, a 1 s poll as the fallback.
  const backend = await createBackend({ store, log: { info() {}, error() {} } })
  try {
    await backend.store.db
      .insertInto('records')
      .values({
        id: 'bench-record',
        kind: 'incident',
        number: 'INC9900001',
        short_description: 'Bench',
        description: '',
        caller_id: null,
        caller_name: null,
        state: 'New',
        active: 1,
        priority: 3,
        channel: null,
        assignment_group: null,
        assigned_to: null,
        assigned_to_name: null,
        opened_at: new Date().toISOString(),
        search_text: 'inc9900001 bench',
      })
      .execute()
    await saveWebhook(backend.ctx, admin, webhookSaveSchema.parse({ name: 'bench', url: receiverUrl, events: ['work_note.added'] }))

    const run = async (label: string, writers: number, paceMs: number) => {
      arrived.clear()
      const committed = new Map<string, number>()
      let next = 0
      const writer = async () => {
        while (next < EVENTS) {
          const text = `${label}-${next++}`
          await backend.store.db.transaction().execute((trx) => addWorkNote(backend.ctx, trx, 'bench-record', 'Bench', text))
          committed.set(text, performance.now())
          if (paceMs) await new Promise((r) => setTimeout(r, paceMs))
        }
      }
      const started = performance.now()
      await Promise.all(Array.from({ length: writers }, writer))
      while (arrived.size < EVENTS) await new Promise((r) => setTimeout(r, 20))
      const seconds = (performance.now() - started) / 1000
      const latencies = [...committed].map(([text, at]) => arrived.get(text)! - at).sort((a, b) => a - b)
      console.log(
        `${name.padEnd(10)} ${label.padEnd(28)} p50 ${pct(latencies, 50).toFixed(1).padStart(7)} ms   p95 ${pct(latencies, 95).toFixed(1).padStart(7)} ms   max ${latencies.at(-1)!.toFixed(1).padStart(7)} ms   ${(EVENTS / seconds).toFixed(0)} events/s`,
      )
    }
    await run('paced (1 every 10 ms)', 1, 10)
    await run('burst (10 writers)', 10, 0)
  } finally {
    await backend.close()
  }
}

console.log(`Webhook delivery latency, commit → receiver, ${EVENTS} events per run`)
const dir = mkdtempSync(join(tmpdir(), 'resetdesk-webhook-bench-'))
try {
  await benchStore('SQLite', { kind: 'sqlite', file: join(dir, 'bench.sqlite') })
} finally {
  rmSync(dir, { recursive: true, force: true })
}

await withBenchDatabase('resetdesk_webhook_bench', (connectionString) => benchStore('PostgreSQL', { kind: 'postgres', connectionString }))
receiver.close()
