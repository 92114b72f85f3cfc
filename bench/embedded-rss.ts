// Opens an already seeded SQLite store as the embedded backend does, serves list and search
// queries, and prints the process's resident memory (PRODUCT.md §5: under 150 MB).
import { createBackend } from '../electron/backend/index'
import type { Session } from '../electron/backend/operations'

const file = process.argv[2]!
const backend = await createBackend({ store: { kind: 'sqlite', file }, demo: true, log: { info() {}, error() {} } })
const session: Session = { agentId: null }
await backend.ops['session:signIn'](session, { username: 'desk', password: 'desk-demo-2026' })
for (const q of ['', 'vpn', 'larsen', 'inc0150000']) {
  for (const filter of ['assigned_to_me', 'my_groups', 'all_open'] as const) {
    for (let offset = 0; offset < 5000; offset += 500) {
      await backend.ops['records:list'](session, { kind: 'incident', filter, q, sort: 'openedAt', dir: 'desc', offset, limit: 200 })
    }
  }
}
const rss = process.memoryUsage().rss / 1024 / 1024
const { n } = await backend.store.db
  .selectFrom('records')
  .select((eb) => eb.fn.countAll<number>().as('n'))
  .executeTakeFirstOrThrow()
console.log(`embedded backend resident memory with ${Number(n).toLocaleString()} records, after serving lists: ${rss.toFixed(0)} MB`)
await backend.close()
