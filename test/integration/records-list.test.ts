// R2 lists at scale (issue 14): every sort of every list is an index walk, a jump pages by the
// index, each page is one statement in the common case, and what a list remembers between calls
// (the agent's groups, whether a typed number names a record) never changes its answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely'
import Database from 'better-sqlite3'
import pg from 'pg'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import type { Session } from '../../electron/backend/operations'
import { generateRecords, insertBatches } from '../../electron/backend/demo/seed'
import { migrations } from '../../electron/backend/store/migrations'
import { createBackend } from '../../electron/backend/index'
import { recordFilters, recordSortFields, type InputOf } from '../../shared/ipc/contract'
import type { RecordSummary } from '../../shared/domain/types'

type ListInput = InputOf<'records:list'>
const sortValue: Record<(typeof recordSortFields)[number], (r: RecordSummary) => string | number | null> = {
  number: (r) => r.number,
  openedAt: (r) => r.openedAt,
  priority: (r) => r.priority,
  state: (r) => r.state,
  callerName: (r) => r.callerName,
}
const compare = (a: string | number | null, b: string | number | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1)

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`R2 lists at scale on ${variant.name}`, () => {
    let h: Harness
    let desk: Session
    beforeAll(async () => {
      h = await startHarness(variant)
      desk = await h.signIn('desk')
    })
    afterAll(async () => h?.dispose())
    const list = (input: Partial<ListInput>) =>
      h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', ...input }).then((r) => r.rows)
    const ids = (rows: RecordSummary[]) => rows.map((r) => r.id)

    it('sorts every list by every column in order, and a page by offset holds the rows of one long page', async () => {
      // Searches too: on SQLite "vpn" is rare enough here to be driven from its matches, "password" common enough to walk.
      for (const q of ['', 'vpn', 'password']) {
        for (const filter of recordFilters) {
          for (const sort of recordSortFields) {
            for (const dir of ['asc', 'desc'] as const) {
              const all = await list({ filter, q, sort, dir, limit: 200 })
              const what = `${filter} by ${sort} ${dir}${q ? `, "${q}"` : ''}`
              expect(all.length, what).toBeGreaterThan(q ? 3 : 20)
              // In order of (value, id); NULLs first ascending on SQLite, last on PostgreSQL (no demo incident has one).
              const sign = dir === 'asc' ? 1 : -1
              for (let i = 1; i < all.length; i++) {
                const [a, b] = [all[i - 1]!, all[i]!]
                expect(sign * (compare(sortValue[sort](a), sortValue[sort](b)) || compare(a.id, b.id)), `${what} at ${i}`).toBeLessThan(0)
              }
              for (const offset of [3, Math.floor(all.length / 2)]) {
                expect(ids(await list({ filter, q, sort, dir, offset, limit: 7 })), `${what} from ${offset}`).toEqual(
                  ids(all.slice(offset, offset + 7)),
                )
              }
            }
          }
        }
      }
    })

    it('looks a whole record number up by number; a number no record has is searched as text', async () => {
      const [known] = await list({ limit: 1 })
      await h.backend.store.db.transaction().execute((trx) =>
        insertBatches(trx, 'records', [
          {
            id: 'mentions-known',
            kind: 'incident',
            number: 'INC8000001',
            short_description: 'Follow-up',
            description: `See ${known!.number}.`,
            caller_id: null,
            caller_name: null,
            state: 'New',
            active: 1,
            priority: 3,
            channel: null,
            assignment_group: 'Service Desk',
            assigned_to: null,
            assigned_to_name: null,
            opened_at: '2026-11-01T00:00:00.000Z',
            search_text: `inc8000001 follow-up see ${known!.number.toLowerCase()}.`,
          },
          {
            id: 'mentions-unknown',
            kind: 'incident',
            number: 'INC8000002',
            short_description: 'Duplicate',
            description: 'Duplicate of INC0999999 in the old tool.',
            caller_id: null,
            caller_name: null,
            state: 'New',
            active: 1,
            priority: 3,
            channel: null,
            assignment_group: 'Service Desk',
            assigned_to: null,
            assigned_to_name: null,
            opened_at: '2026-11-01T00:00:00.000Z',
            search_text: 'inc8000002 duplicate duplicate of inc0999999 in the old tool.',
          },
        ]),
      )
      // A record has the number: that record alone, not the ones that mention it.
      expect(ids(await list({ q: known!.number.toLowerCase() }))).toEqual([known!.id])
      expect(await h.call(desk, 'records:count', { kind: 'incident', filter: 'all_open', q: known!.number })).toEqual({
        total: 1,
        totalCapped: false,
      })
      // The number is a record's, but not in this list: nothing (as before).
      expect(await list({ filter: 'assigned_to_me', q: 'INC8000001' })).toEqual([])
      // No record has it: the records that mention it.
      expect(ids(await list({ q: 'INC0999999' }))).toEqual(['mentions-unknown'])
      expect(await h.call(desk, 'records:count', { kind: 'incident', filter: 'all_open', q: 'inc0999999' })).toEqual({
        total: 1,
        totalCapped: false,
      })
    })

    it('"my groups" follows a change of the agent\'s groups at once (list and count)', async () => {
      const byGroup = async (group: string) => {
        const rows = await list({ limit: 200 })
        return rows.filter((r) => r.assignmentGroup === group)
      }
      const setGroups = (groups: string[]) =>
        h.backend.store.db
          .updateTable('agents')
          .set({ groups: JSON.stringify(groups) })
          .where('id', '=', desk.agentId!)
          .execute()
      const mine = () => list({ filter: 'my_groups', limit: 200 })
      const counted = () => h.call(desk, 'records:count', { kind: 'incident', filter: 'my_groups' }).then((c) => c.total)
      try {
        expect(ids(await mine())).toEqual(ids(await byGroup('Service Desk')))
        await setGroups(['Network'])
        const network = await byGroup('Network')
        expect(network.length).toBeGreaterThan(0)
        expect(ids(await mine())).toEqual(ids(network))
        expect(await counted()).toBe(network.length)
        await setGroups([])
        expect(await mine()).toEqual([])
        expect(await counted()).toBe(0)
        await setGroups(['Network', 'Desktop Support'])
        const both = (await list({ limit: 200 })).filter((r) => r.assignmentGroup === 'Network' || r.assignmentGroup === 'Desktop Support')
        expect(ids(await mine())).toEqual(ids(both))
        expect(await counted()).toBe(both.length)
      } finally {
        await setGroups(['Service Desk'])
      }
      expect(ids(await mine())).toEqual(ids(await byGroup('Service Desk')))
    })

    it('keeps answering when a column is added to records (statements kept prepared)', async () => {
      const before = await list({ sort: 'priority', dir: 'desc', limit: 20 })
      const beforeDeep = await list({ offset: 10, limit: 5 })
      await sql`alter table records add column later_note text`.execute(h.backend.store.db)
      // Every pooled PostgreSQL connection, not only the next one, runs the kept statements again.
      const again = await Promise.all(Array.from({ length: 8 }, () => list({ sort: 'priority', dir: 'desc', limit: 20 })))
      for (const rows of again) expect(ids(rows)).toEqual(ids(before))
      expect(ids(await list({ offset: 10, limit: 5 }))).toEqual(ids(beforeDeep))
    })
  })

  describe.skipIf(variant.skip !== null)(`R2 list indexes on an existing ${variant.name} store`, () => {
    it('an existing store gets one index per list and sort, and keeps its records', async () => {
      const { config, dispose } = await variant.create()
      try {
        // The store as the release before made it: every migration before the list indexes, with records.
        const names = Object.keys(migrations(config.kind)).sort()
        const before = names[names.findIndex((n) => n.endsWith('_list_indexes')) - 1]!
        const db =
          config.kind === 'sqlite'
            ? new Kysely<any>({ dialect: new SqliteDialect({ database: new Database(config.file) }) })
            : new Kysely<any>({
                dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: config.connectionString, max: 1 }) }),
              })
        const { error } = await new Migrator({ db, provider: { getMigrations: async () => migrations(config.kind) } }).migrateTo(before)
        expect(error).toBeUndefined()
        const users = [
          { id: 'u1', displayName: 'Una One' },
          { id: 'u2', displayName: 'Tom Two' },
        ]
        await insertBatches(
          db,
          'records',
          generateRecords({ incidents: 300, interactions: 20, now: new Date('2026-11-27T09:00:00Z'), users, firstNumber: 500_000 }),
          100,
        )
        await db.destroy()

        const backend = await createBackend({ store: config, demo: true, hashCost: { N: 1024 }, log: { info() {}, error() {} } })
        try {
          const names =
            config.kind === 'sqlite'
              ? await sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'records'`.execute(
                  backend.store.db,
                )
              : await sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'records'`.execute(backend.store.db)
          const indexes = names.rows.map((r) => r.name)
          for (const list of ['all', 'assignee', 'group']) {
            for (const sort of ['opened', 'number', 'priority', 'state', 'caller'])
              expect(indexes).toContain(`records_open_${list}_${sort}`)
          }
          expect(indexes).not.toContain('records_kind_active')
          // PostgreSQL's trigram index holds the open records only (a search finds no other).
          if (config.kind === 'postgres') expect(indexes.filter((i) => i.startsWith('records_search'))).toEqual(['records_search_open'])
          const session: Session = { agentId: null }
          await backend.ops['session:signIn'](session, { username: 'desk', password: 'desk-demo-2026' })
          const open = await backend.store.db
            .selectFrom('records')
            .select('id')
            .where('kind', '=', 'incident')
            .where('active', '=', 1)
            .execute()
          const counted = await backend.ops['records:count'](session, { kind: 'incident', filter: 'all_open', q: '' })
          expect(counted).toEqual({ total: open.length, totalCapped: false })
          const rows = await backend.ops['records:list'](session, {
            kind: 'incident',
            filter: 'all_open',
            q: '',
            sort: 'state',
            dir: 'asc',
            offset: 0,
            limit: 200,
          })
          expect(rows.rows.length).toBe(Math.min(200, open.length))
          expect(rows.rows.map((r) => r.state)).toEqual(rows.rows.map((r) => r.state).sort())
        } finally {
          await backend.close()
        }
      } finally {
        await dispose()
      }
    })
  })
}
