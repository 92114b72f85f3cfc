// R2 lists: filter, search, sort and server-side paging, rendered through TanStack Virtual so
// only the rows on screen exist in the DOM (10k rows scroll without long frames).
import { keepPreviousData, useQueries, useQuery } from '@tanstack/react-query'
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useEffect, useId, useRef, useState } from 'react'
import { recordFilters, recordSortFields } from '../../../../shared/ipc/contract'
import type { RecordKind, RecordSummary } from '../../../../shared/domain/types'
import { pageSize, recordQueries, type ListParams } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { rescueFocus } from '../../components/focus'

const filterLabels: Record<(typeof recordFilters)[number], string> = {
  assigned_to_me: 'Assigned to me',
  my_groups: 'My groups',
  all_open: 'All open',
}
type SortField = (typeof recordSortFields)[number]

const rowHeight = 36

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms)
    return () => clearTimeout(t)
  }, [value, ms])
  return v
}

export function RecordList({ kind, onOpen }: { kind: RecordKind; onOpen: (recordId: string) => void }) {
  const [filter, setFilter] = useState<ListParams['filter']>('assigned_to_me')
  const [q, setQ] = useState('')
  const [sort, setSort] = useState<SortField>('openedAt')
  const [dir, setDir] = useState<'asc' | 'desc'>('desc')
  const query = useDebounced(q.trim(), 250)
  const params: ListParams = { kind, filter, q: query, sort, dir }
  // The first page and the count are asked for at once; the rest as they come into view.
  const list = useQuery({ ...recordQueries.page(params, 0), placeholderData: keepPreviousData })
  const counted = useQuery({ ...recordQueries.count(params), placeholderData: keepPreviousData })
  // Until the count arrives the first page's rows are what the list holds, as far as it knows.
  const total = counted.data?.total ?? list.data?.rows.length ?? 0
  const scrollRef = useRef<HTMLDivElement>(null)
  const searchId = useId()
  // B8: arriving here after sign-in or from a record (whose controls are gone), the search is next.
  const searchRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    rescueFocus(searchRef.current)
  }, [])

  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  })
  const items = virtualizer.getVirtualItems()
  // Server-side paging: the pages under the rows in view (usually one or two).
  const pageIndexes = [...new Set(items.map((i) => Math.floor(i.index / pageSize)))]
  const pages = useQueries({ queries: pageIndexes.map((i) => recordQueries.page(params, i)) })
  const pageRows = new Map(pageIndexes.map((i, n) => [i, pages[n]?.data?.rows ?? (i === 0 ? list.data?.rows : undefined)]))
  const rowAt = (index: number) => pageRows.get(Math.floor(index / pageSize))?.[index % pageSize]

  const sortBy = (field: SortField) => {
    if (field === sort) setDir(dir === 'asc' ? 'desc' : 'asc')
    else {
      setSort(field)
      setDir(field === 'openedAt' || field === 'priority' ? 'desc' : 'asc')
    }
  }
  const title = kind === 'incident' ? 'Incidents' : 'Interactions'
  const columns: { label: string; field: SortField | null }[] =
    kind === 'incident'
      ? [
          { label: 'Number', field: 'number' },
          { label: 'Short description', field: null },
          { label: 'Caller', field: 'callerName' },
          { label: 'State', field: 'state' },
          { label: 'Priority', field: 'priority' },
          { label: 'Assignment group', field: null },
          { label: 'Assigned to', field: null },
          { label: 'Opened', field: 'openedAt' },
        ]
      : [
          { label: 'Number', field: 'number' },
          { label: 'Channel', field: null },
          { label: 'Opened for', field: 'callerName' },
          { label: 'Short description', field: null },
          { label: 'State', field: 'state' },
          { label: 'Assigned to', field: null },
          { label: 'Opened', field: 'openedAt' },
        ]
  const padTop = items[0]?.start ?? 0
  const padBottom = items.length ? virtualizer.getTotalSize() - items.at(-1)!.end : 0

  return (
    <section className="record-list" aria-labelledby={`${searchId}-title`}>
      <h1 id={`${searchId}-title`}>{title}</h1>
      <div className="toolbar">
        <fieldset className="segmented">
          <legend className="visually-hidden">Show</legend>
          {recordFilters.map((f) => (
            <label key={f}>
              <input type="radio" name={`filter-${kind}`} value={f} checked={filter === f} onChange={() => setFilter(f)} />
              {filterLabels[f]}
            </label>
          ))}
        </fieldset>
        <label htmlFor={searchId}>Search</label>
        <input
          ref={searchRef}
          id={searchId}
          type="search"
          placeholder="Number, caller or text"
          value={q}
          onChange={(e) => setQ(e.target.value)}
        />
        <span className="count" role="status">
          {counted.isPending
            ? 'Loading…'
            : counted.data?.totalCapped
              ? `More than ${total.toLocaleString('en-US')} records: refine the search to see the rest`
              : `${total.toLocaleString('en-US')} ${total === 1 ? 'record' : 'records'}`}
        </span>
      </div>
      <ErrorNotice error={list.error ?? counted.error} />
      <div className="table-scroll" ref={scrollRef} tabIndex={-1}>
        <table aria-rowcount={total + 1} aria-label={title}>
          <thead>
            <tr aria-rowindex={1}>
              {columns.map((c) => (
                <th key={c.label} scope="col" aria-sort={c.field && c.field === sort ? (dir === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {c.field ? (
                    <button type="button" className="sort" onClick={() => sortBy(c.field!)}>
                      {c.label}
                      <span aria-hidden="true">{c.field === sort ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {padTop > 0 && (
              <tr aria-hidden="true" className="spacer">
                <td colSpan={columns.length} style={{ height: padTop }} />
              </tr>
            )}
            {items.map((item) => {
              const r = rowAt(item.index)
              if (!r)
                return (
                  <tr key={item.key} style={{ height: rowHeight }} aria-rowindex={item.index + 2}>
                    <td colSpan={columns.length}>Loading…</td>
                  </tr>
                )
              return <RecordRow key={r.id} record={r} kind={kind} index={item.index} onOpen={onOpen} />
            })}
            {padBottom > 0 && (
              <tr aria-hidden="true" className="spacer">
                <td colSpan={columns.length} style={{ height: padBottom }} />
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  )
}

interface RowProps {
  record: RecordSummary
  kind: RecordKind
  index: number
  onOpen: (recordId: string) => void
}

/** One list row; memoised so scrolling renders only the rows that enter the view. */
const RecordRow = memo(
  function RecordRow({ record: r, kind, index, onOpen }: RowProps) {
    const open = (
      <button type="button" className="link" onClick={() => onOpen(r.id)}>
        {r.number}
      </button>
    )
    return (
      <tr style={{ height: rowHeight }} aria-rowindex={index + 2} data-record-id={r.id}>
        {kind === 'incident' ? (
          <>
            <td>{open}</td>
            <td>{r.shortDescription}</td>
            <td>{r.callerName ?? '—'}</td>
            <td>{r.state}</td>
            <td>{r.priority ?? '—'}</td>
            <td>{r.assignmentGroup ?? '—'}</td>
            <td>{r.assignedToName ?? '—'}</td>
            <td>{formatTime(r.openedAt)}</td>
          </>
        ) : (
          <>
            <td>{open}</td>
            <td>{r.channel ?? '—'}</td>
            <td>{r.callerName ?? '—'}</td>
            <td>{r.shortDescription}</td>
            <td>{r.state}</td>
            <td>{r.assignedToName ?? '—'}</td>
            <td>{formatTime(r.openedAt)}</td>
          </>
        )}
      </tr>
    )
  },
  // onOpen is a fresh closure on each parent render but always opens the same record.
  (a, b) => a.record === b.record && a.index === b.index && a.kind === b.kind,
)
