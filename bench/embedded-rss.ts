// Opens an already seeded SQLite store as the embedded backend does, serves list and search
// queries, and prints the process's resident memory (PRODUCT.md §5: under 150 MB).
import { createBackend } from '../electron/backend/index'
import type { Session } from '../electron/backend/operations'

const file = process.argv[2]!
const backend = await createBackend({ store: { kind: 'sqlite', file }, demo: true, log: { info() {}, error() {} } })
const session: Session = { agentId: null }
await backend.ops['session:signIn'](session, { username: 'desk', password: 'desk-demo-2026' })
// Every sort, the pages a jump reaches (lists) and a search's pages by keyset, so the page cache
// (32 MiB) fills as a day's use would fill it.
for (const q of ['', 'vpn', 'larsen', 'jamie garcia', 'inc0150000', 'inc0115']) {
  for (const filter of ['assigned_to_me', 'my_groups', 'all_open'] as const) {
    for (const sort of ['openedAt', 'number', 'priority', 'state', 'callerName'] as const) {
      let after: { value: string | number | null; id: string } | undefined
      for (let page = 0; page < 10; page++) {
        const input = { kind: 'incident', filter, q, sort, dir: 'desc', offset: q ? 0 : page * 1000, limit: 100 } as const
        const { rows } = await backend.ops['records:list'](session, { ...input, ...(q && after ? { after } : {}) })
        const last = rows.at(-1)
        if (!last) break
        after = { value: last[sort], id: last.id }
      }
      await backend.ops['records:count'](session, { kind: 'incident', filter, q })
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
