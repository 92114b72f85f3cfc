// R2: record lists with filters, search, sort and server-side paging; the record view.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql, type Insertable } from 'kysely'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import type { Session } from '../../electron/backend/operations'
import { insertBatches } from '../../electron/backend/demo/seed'
import type { RecordsTable } from '../../electron/backend/store/schema'
import { contract, recordCountCap, recordSearchCountCap } from '../../shared/ipc/contract'

/** An incident as these tests store it: no caller record, channel or assignee; the rest is the test's. */
const incident = <R extends Omit<Insertable<RecordsTable>, 'kind' | 'caller_id' | 'channel' | 'assigned_to' | 'assigned_to_name'>>(
  row: R,
) => ({
  kind: 'incident',
  caller_id: null,
  channel: null,
  assigned_to: null,
  assigned_to_name: null,
  ...row,
})

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`R2 records on ${variant.name}`, () => {
    let h: Harness
    let desk: Session
    beforeAll(async () => {
      h = await startHarness(variant)
      desk = await h.signIn('desk')
    })
    afterAll(async () => h?.dispose())
    const count = (input: { kind: 'incident' | 'interaction'; filter: 'assigned_to_me' | 'my_groups' | 'all_open'; q?: string }) =>
      h.call(desk, 'records:count', input).then((c) => c.total)

    it('filters: assigned to me, my groups, all open — open records only', async () => {
      const mine = await h.call(desk, 'records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 200 })
      expect(await count({ kind: 'incident', filter: 'assigned_to_me' })).toBe(mine.rows.length)
      expect(mine.rows.length).toBeGreaterThan(20)
      expect(mine.rows.every((r) => r.assignedToId === 'agent-desk' && !['Resolved', 'Closed'].includes(r.state))).toBe(true)
      const groups = await h.call(desk, 'records:list', { kind: 'incident', filter: 'my_groups', limit: 200 })
      expect(groups.rows.every((r) => r.assignmentGroup === 'Service Desk')).toBe(true)
      const all = await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', limit: 200 })
      expect(await count({ kind: 'incident', filter: 'all_open' })).toBe(all.rows.length)
      expect(await count({ kind: 'incident', filter: 'my_groups' })).toBe(groups.rows.length)
      expect(all.rows.length).toBeGreaterThan(groups.rows.length)
      expect(groups.rows.length).toBeGreaterThanOrEqual(mine.rows.length)
      const interactions = await h.call(desk, 'records:list', { kind: 'interaction', filter: 'all_open', limit: 200 })
      expect(interactions.rows.every((r) => r.number.startsWith('IMS') && r.channel)).toBe(true)
    })

    it('pages and sorts on the server, with a stable order', async () => {
      const page1 = await h.call(desk, 'records:list', {
        kind: 'incident',
        filter: 'all_open',
        sort: 'number',
        dir: 'asc',
        offset: 0,
        limit: 10,
      })
      const page2 = await h.call(desk, 'records:list', {
        kind: 'incident',
        filter: 'all_open',
        sort: 'number',
        dir: 'asc',
        offset: 10,
        limit: 10,
      })
      const numbers = [...page1.rows, ...page2.rows].map((r) => r.number)
      expect(numbers).toEqual([...numbers].sort())
      expect(new Set(numbers).size).toBe(20)
      // Keyset paging: the page after page1's last row is the same page as offset 10.
      const last = page1.rows.at(-1)!
      const seek = await h.call(desk, 'records:list', {
        kind: 'incident',
        filter: 'all_open',
        sort: 'number',
        dir: 'asc',
        offset: 999,
        after: { value: last.number, id: last.id },
        limit: 10,
      })
      expect(seek.rows.map((r) => r.id)).toEqual(page2.rows.map((r) => r.id))
      const newest = await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', limit: 15 })
      const pivot = newest.rows[9]!
      const olderThanPivot = await h.call(desk, 'records:list', {
        kind: 'incident',
        filter: 'all_open',
        after: { value: pivot.openedAt, id: pivot.id },
        limit: 5,
      })
      expect(olderThanPivot.rows.map((r) => r.id)).toEqual(newest.rows.slice(10).map((r) => r.id))
      const byPriority = await h.call(desk, 'records:list', {
        kind: 'incident',
        filter: 'all_open',
        sort: 'priority',
        dir: 'asc',
        limit: 200,
      })
      const priorities = byPriority.rows.map((r) => r.priority!)
      expect(priorities).toEqual([...priorities].sort((a, b) => a - b))
    })

    it('searches by number, caller name and text, case-insensitively; wildcards are literal', async () => {
      const byNumber = await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', q: 'inc0010007' })
      const one = await h.backend.store.db
        .selectFrom('records')
        .select(['number', 'active'])
        .where('number', '=', 'INC0010007')
        .executeTakeFirstOrThrow()
      expect(byNumber.rows.map((r) => r.number)).toEqual(one.active ? ['INC0010007'] : [])
      const caller = await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', q: 'ALEX MORGAN', limit: 200 })
      expect(caller.rows.every((r) => r.callerName === 'Alex Morgan')).toBe(true)
      const text = await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', q: 'vpn', limit: 200 })
      expect(text.rows.length).toBeGreaterThan(0)
      expect(await count({ kind: 'incident', filter: 'all_open', q: 'vpn' })).toBe(text.rows.length)
      expect(text.rows.every((r) => r.shortDescription.toLowerCase().includes('vpn'))).toBe(true)
      const short = await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', q: 'vp', limit: 200 })
      expect(short.rows.length).toBeGreaterThanOrEqual(text.rows.length)
      for (const literal of ['%', '_', '"', "'", '\\']) {
        const r = await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', q: literal })
        expect(r.rows, `"${literal}" matched as a wildcard`).toEqual([])
        expect(await count({ kind: 'incident', filter: 'all_open', q: literal })).toBe(0)
      }
      expect((await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', q: 'zzzz-nothing' })).rows).toEqual([])
    })

    it('finds the same records for a common term as a plain scan would (the SQLite common-term plan)', async () => {
      // More matches than the common-term threshold, so SQLite walks the list index instead.
      const rows = Array.from({ length: 5_200 }, (_, n) =>
        incident({
          id: `common-${n}`,
          number: `INC7${String(n).padStart(6, '0')}`,
          short_description: 'Printer jam on floor 3',
          description: 'Bulk',
          caller_name: `Caller ${n}`,
          state: 'New',
          active: n % 4 === 0 ? 0 : 1,
          priority: 3,
          assignment_group: n % 2 ? 'Service Desk' : 'Network',
          opened_at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
          search_text: `inc7${String(n).padStart(6, '0')} caller ${n} printer jam on floor 3`,
        }),
      )
      await h.backend.store.db.transaction().execute((trx) => insertBatches(trx, 'records', rows, 500))
      const found = await h.call(desk, 'records:list', {
        kind: 'incident',
        filter: 'my_groups',
        q: 'printer jam',
        sort: 'number',
        dir: 'asc',
        limit: 200,
      })
      const expected = rows
        .filter((r) => r.active === 1 && r.assignment_group === 'Service Desk')
        .map((r) => r.number)
        .sort()
      // More matches than a search counts: the count says so (the list asks to refine).
      expect(expected.length).toBeGreaterThan(recordSearchCountCap)
      expect(await h.call(desk, 'records:count', { kind: 'incident', filter: 'my_groups', q: 'printer jam' })).toEqual({
        total: recordSearchCountCap,
        totalCapped: true,
      })
      expect(found.rows.map((r) => r.number)).toEqual(expected.slice(0, 200))
      // Paged through by keyset, the common-term plan gives the same rows as a plain scan.
      const last = found.rows.at(-1)!
      const next = await h.call(desk, 'records:list', {
        kind: 'incident',
        filter: 'my_groups',
        q: 'printer jam',
        sort: 'number',
        dir: 'asc',
        after: { value: last.number, id: last.id },
        limit: 200,
      })
      expect(next.rows.map((r) => r.number)).toEqual(expected.slice(200, 400))
    })

    it('pages by keyset in every sort and direction, across rows without a priority or caller, as one long page does', async () => {
      // 90 rows of a rare term (driven from the matches on SQLite) and 400 of a common one (a walk
      // of the list's index): a third without a priority, a quarter without a caller, values repeated.
      const rowsOf = (word: string, n: number) =>
        Array.from({ length: n }, (_, i) =>
          incident({
            id: `${word}-${String(i).padStart(3, '0')}`,
            number: `INC8${word.length}${String(i).padStart(5, '0')}`,
            short_description: `${word} keyset row`,
            description: 'Keyset',
            caller_name: i % 4 === 0 ? null : `Caller ${i % 7}`,
            state: ['New', 'In Progress', 'On Hold'][i % 3]!,
            active: 1,
            priority: i % 3 === 0 ? null : 1 + (i % 5),
            assignment_group: 'Service Desk',
            opened_at: new Date(Date.UTC(2026, 1, 1) + (i % 50) * 60_000).toISOString(),
            search_text: `inc8 ${word} keyset row caller ${i % 7}`,
          }),
        )
      const terms = { ksrare: 90, kscommonword: 400 }
      for (const [word, n] of Object.entries(terms))
        await h.backend.store.db.transaction().execute((trx) => insertBatches(trx, 'records', rowsOf(word, n), 500))
      for (const [q, n] of Object.entries(terms)) {
        for (const sort of ['priority', 'callerName', 'state', 'number', 'openedAt'] as const) {
          for (const dir of ['asc', 'desc'] as const) {
            const scope = { kind: 'incident', filter: 'all_open', q, sort, dir } as const
            const whole = (await h.call(desk, 'records:list', { ...scope, limit: 200 })).rows
            const ids: string[] = []
            let after: { value: string | number | null; id: string } | undefined
            for (let page = 0; page < 100; page++) {
              const rows = (await h.call(desk, 'records:list', { ...scope, limit: 7, ...(after ? { after } : {}) })).rows
              ids.push(...rows.map((r) => r.id))
              if (rows.length < 7) break
              const last = rows.at(-1)!
              after = { value: last[sort], id: last.id }
            }
            const label = `"${q}" by ${sort} ${dir}`
            expect(ids, label).toHaveLength(n)
            expect(new Set(ids).size, label).toBe(n)
            expect(ids.slice(0, 200), label).toEqual(whole.map((r) => r.id))
            // The rows without a value keep together, at one end.
            const values = whole.map((r) => r[sort])
            const firstNull = values.indexOf(null)
            if (firstNull >= 0)
              expect(
                values.slice(firstNull, firstNull + values.filter((v) => v === null).length).every((v) => v === null),
                label,
              ).toBe(true)
          }
        }
      }
    })

    it('finds the few open records of a term that closed records make common', async () => {
      // 2,000 closed records and 3 open ones, opened long ago (the end of the list's order): SQLite
      // counts 2,003 matches and walks the list, which holds the 3 only at its end; the walk gives
      // up within its budget and the matches answer.
      const rows = Array.from({ length: 2_003 }, (_, n) =>
        incident({
          id: `closedword-${n}`,
          number: `INC6${String(n).padStart(6, '0')}`,
          short_description: 'Kiosk printer kscloseword',
          description: 'Closed',
          caller_name: `Caller ${n}`,
          state: n < 3 ? 'New' : 'Closed',
          active: n < 3 ? 1 : 0,
          priority: 3,
          assignment_group: 'Service Desk',
          opened_at: new Date(Date.UTC(2019, 0, 1) + n * 60_000).toISOString(),
          search_text: `inc6${String(n).padStart(6, '0')} caller ${n} kiosk printer kscloseword`,
        }),
      )
      await h.backend.store.db.transaction().execute((trx) => insertBatches(trx, 'records', rows, 500))
      for (const limit of [7, 200]) {
        const found = await h.call(desk, 'records:list', { kind: 'incident', filter: 'all_open', q: 'kscloseword', limit })
        expect(found.rows.map((r) => r.id)).toEqual(['closedword-2', 'closedword-1', 'closedword-0'])
      }
      expect(await count({ kind: 'incident', filter: 'all_open', q: 'kscloseword' })).toBe(3)
    })

    it('finds and counts a common term whose records cluster at one end of the list, from either end', async () => {
      // 8,000 old records of one word (as a number prefix matches consecutive records), 40 of them
      // in the agent's group, and 4,000 newer ones without it in that group, stored first. Common
      // enough that both stores walk the list; newest first, the walk meets 4,000 rows without the
      // word and its bound hands the page to the matches. PostgreSQL's count walks too, in the
      // order the planner picks: in the table's order it meets the 4,000 first and falls back the
      // same way. Statistics are fresh, as autovacuum keeps them, so the estimate says common.
      const rowOf = (n: number, word: string, group: string, openedAt: Date) =>
        incident({
          id: `cluster-${n}`,
          number: `INC5${String(n).padStart(6, '0')}`,
          short_description: `Badge reader ${word}`,
          description: 'Cluster',
          caller_name: `Caller ${n}`,
          state: 'New',
          active: 1,
          priority: 1 + (n % 4),
          assignment_group: group,
          opened_at: openedAt.toISOString(),
          search_text: `inc5${String(n).padStart(6, '0')} caller ${n} badge reader ${word}`,
        })
      const clustered = Array.from({ length: 8_000 }, (_, n) =>
        rowOf(n, 'ksclusterword', n % 200 === 0 ? 'Service Desk' : 'Network', new Date(Date.UTC(2018, 0, 1) + n * 60_000)),
      )
      const newer = Array.from({ length: 4_000 }, (_, n) =>
        rowOf(8_000 + n, 'plain', 'Service Desk', new Date(Date.UTC(2030, 0, 1) + n * 60_000)),
      )
      await h.backend.store.db.transaction().execute((trx) => insertBatches(trx, 'records', [...newer, ...clustered], 500))
      if (h.backend.store.dialect === 'postgres') await sql`analyze records`.execute(h.backend.store.db)
      const ids = (rows: { id: string }[]) => rows.map((r) => r.id)
      const byOpened = (dir: 'asc' | 'desc', rows: typeof clustered) =>
        ids([...rows].sort((a, b) => (dir === 'asc' ? 1 : -1) * a.opened_at.localeCompare(b.opened_at)))
      for (const dir of ['desc', 'asc'] as const) {
        const scope = { kind: 'incident', filter: 'all_open', q: 'ksclusterword', sort: 'openedAt', dir, limit: 100 } as const
        const first = await h.call(desk, 'records:list', scope)
        expect(ids(first.rows), dir).toEqual(byOpened(dir, clustered).slice(0, 100))
        const last = first.rows.at(-1)!
        const next = await h.call(desk, 'records:list', { ...scope, after: { value: last.openedAt, id: last.id } })
        expect(ids(next.rows), dir).toEqual(byOpened(dir, clustered).slice(100, 200))
        // A client that jumps by offset gets the same rows, by the same bounded plans.
        const jumped = await h.call(desk, 'records:list', { ...scope, offset: 300 })
        expect(ids(jumped.rows), dir).toEqual(byOpened(dir, clustered).slice(300, 400))
        const mine = await h.call(desk, 'records:list', { ...scope, filter: 'my_groups' })
        expect(ids(mine.rows), dir).toEqual(
          byOpened(
            dir,
            clustered.filter((r) => r.assignment_group === 'Service Desk'),
          ),
        )
      }
      expect(await count({ kind: 'incident', filter: 'all_open', q: 'ksclusterword' })).toBe(recordSearchCountCap)
      expect(await count({ kind: 'incident', filter: 'my_groups', q: 'ksclusterword' })).toBe(40)
      expect(await count({ kind: 'incident', filter: 'assigned_to_me', q: 'ksclusterword' })).toBe(0)
    })

    it("a jump reaches no further than the list's count; further goes by keyset", () => {
      const input = contract['records:list'].input
      expect(input.safeParse({ kind: 'incident', q: 'vpn', offset: recordSearchCountCap - 50, limit: 50 }).success).toBe(true)
      expect(input.safeParse({ kind: 'incident', q: 'vpn', offset: recordSearchCountCap, limit: 50 }).success).toBe(false)
      expect(input.safeParse({ kind: 'incident', offset: recordCountCap - 100, limit: 100 }).success).toBe(true)
      expect(input.safeParse({ kind: 'incident', offset: recordCountCap, limit: 1 }).success).toBe(false)
      expect(input.safeParse({ kind: 'incident', q: 'vpn', offset: 5_000, limit: 50, after: { value: 'x', id: 'x' } }).success).toBe(true)
      // The cursor's value is of the sort's column (a store would refuse text for a number).
      expect(input.safeParse({ kind: 'incident', sort: 'priority', after: { value: 'high', id: 'x' } }).success).toBe(false)
      expect(input.safeParse({ kind: 'incident', sort: 'priority', after: { value: 3, id: 'x' } }).success).toBe(true)
      expect(input.safeParse({ kind: 'incident', sort: 'number', after: { value: 3, id: 'x' } }).success).toBe(false)
    })

    it('shows a record with its fields and activity, and says whether R1 allows a reset', async () => {
      const mine = await h.call(desk, 'records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 1 })
      const detail = await h.call(desk, 'records:get', { recordId: mine.rows[0]!.id })
      expect(detail.record.number).toBe(mine.rows[0]!.number)
      expect(detail.record.description.length).toBeGreaterThan(10)
      expect(detail.activity.length).toBeGreaterThan(0)
      expect(detail.canReset).toBe(true)
      const missing = await h.call(desk, 'records:get', { recordId: 'inc-999999' }).catch((e) => e.code)
      expect(missing).toBe('RECORD_NOT_FOUND')
    })

    it('searches the directory as the agent types', async () => {
      const found = await h.call(desk, 'users:search', { q: 'morg' })
      expect(found.map((u) => u.username)).toContain('alex.morgan')
      expect(found[0]!.emailMasked).not.toContain('alex.morgan@')
      expect(await h.call(desk, 'users:search', { q: '%' })).toEqual([])
    })
  })
}
