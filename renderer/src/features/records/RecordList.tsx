// R2 lists: filter, search, sort and server-side paging, rendered through TanStack Virtual so
// only the rows on screen exist in the DOM (10k rows scroll without long frames).
import { keepPreviousData, useQueries, useQuery, useQueryClient } from '@tanstack/react-query'
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, startTransition, useCallback, useEffect, useId, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react'
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

interface Column {
  label: string
  field: SortField | null
  /** Sets the column's width (styles.css, `.records-table .col-…`): every header is read in full. */
  className: string
}
const incidentColumns: Column[] = [
  { label: 'Number', field: 'number', className: 'col-number' },
  { label: 'Short description', field: null, className: 'col-description' },
  { label: 'Caller', field: 'callerName', className: 'col-caller' },
  { label: 'State', field: 'state', className: 'col-state' },
  { label: 'Priority', field: 'priority', className: 'col-priority' },
  { label: 'Assignment group', field: null, className: 'col-group' },
  { label: 'Assigned to', field: null, className: 'col-assignee' },
  { label: 'Opened', field: 'openedAt', className: 'col-opened' },
]
const interactionColumns: Column[] = [
  { label: 'Number', field: 'number', className: 'col-number' },
  { label: 'Channel', field: null, className: 'col-channel' },
  { label: 'Opened for', field: 'callerName', className: 'col-caller' },
  { label: 'Short description', field: null, className: 'col-description' },
  { label: 'State', field: 'state', className: 'col-state' },
  { label: 'Assigned to', field: null, className: 'col-assignee' },
  { label: 'Opened', field: 'openedAt', className: 'col-opened' },
]

export function RecordList({ kind, onOpen }: { kind: RecordKind; onOpen: (recordId: string) => void }) {
  const [filter, setFilter] = useState<ListParams['filter']>('assigned_to_me')
  const [q, setQ] = useState('')
  const [sort, setSort] = useState<SortField>('openedAt')
  const [dir, setDir] = useState<'asc' | 'desc'>('desc')
  const query = useDebounced(q.trim(), 250)
  // One object while the list stays the same, so the table below skips this component's renders.
  const params = useMemo<ListParams>(() => ({ kind, filter, q: query, sort, dir }), [kind, filter, query, sort, dir])
  // The first page and the count are asked for at once; the rest as they come into view.
  const list = useQuery({ ...recordQueries.page(params, 0), placeholderData: keepPreviousData })
  const counted = useQuery({ ...recordQueries.count(params), placeholderData: keepPreviousData })
  // Until the count arrives the first page's rows are what the list holds, as far as it knows.
  const total = counted.data?.total ?? list.data?.rows.length ?? 0
  const searchId = useId()
  // B8: arriving here after sign-in or from a record (whose controls are gone), the search is next.
  const searchRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    rescueFocus(searchRef.current)
  }, [])

  const sortBy = useCallback(
    (field: SortField) => {
      if (field === sort) setDir(dir === 'asc' ? 'desc' : 'asc')
      else {
        setSort(field)
        setDir(field === 'openedAt' || field === 'priority' ? 'desc' : 'asc')
      }
    },
    [sort, dir],
  )
  const title = kind === 'incident' ? 'Incidents' : 'Interactions'

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
      <RecordTable
        title={title}
        columns={kind === 'incident' ? incidentColumns : interactionColumns}
        params={params}
        total={total}
        firstPage={list.data?.rows}
        onSort={sortBy}
        onOpen={onOpen}
      />
    </section>
  )
}

interface TableProps {
  title: string
  columns: Column[]
  params: ListParams
  total: number
  /** The first page as the list shows it, kept while a new filter or search loads. */
  firstPage: RecordSummary[] | undefined
  onSort: (field: SortField) => void
  onOpen: (recordId: string) => void
}

/** The rows of each page in view, in order; structurally shared, so it stays one array while they do. */
const rowsOfPages = (results: { data?: { rows: RecordSummary[] } }[]) => results.map((r) => r.data?.rows)

/**
 * The table's header and the pages of rows in view (server-side paging: usually one or two). It
 * renders again only when another page comes into view or a page's data changes; the scrolled
 * frames render VirtualTable alone.
 */
const RecordTable = memo(function RecordTable({ title, columns, params, total, firstPage, onSort, onOpen }: TableProps) {
  const [inView, setInView] = useState<readonly [number, number]>([0, 0])
  const onPagesInView = useCallback(
    (first: number, last: number) => setInView((v) => (v[0] === first && v[1] === last ? v : [first, last])),
    [],
  )
  const queries = useMemo(
    () => Array.from({ length: inView[1] - inView[0] + 1 }, (_, n) => recordQueries.page(params, inView[0] + n)),
    [params, inView],
  )
  const pageRows = useQueries({ queries, combine: rowsOfPages })
  // A page in view that ends before the count says the list does: the count is stale (records
  // closed or reassigned since it was taken), and the rows past the end would wait forever. It is
  // asked again, once for each count it disagrees with.
  const client = useQueryClient()
  const recounted = useRef<string | null>(null)
  useEffect(() => {
    const short = pageRows.findIndex((rows) => rows !== undefined && rows.length < pageSize)
    if (short < 0) return
    const end = (inView[0] + short) * pageSize + pageRows[short]!.length
    const key = `${JSON.stringify(params)}:${total}`
    if (end >= total || recounted.current === key) return
    recounted.current = key
    void client.invalidateQueries({ queryKey: recordQueries.count(params).queryKey })
  }, [pageRows, inView, params, total, client])
  const head = (
    <thead>
      <tr aria-rowindex={1}>
        {columns.map((c) => (
          <th
            key={c.label}
            scope="col"
            className={c.className}
            aria-sort={c.field && c.field === params.sort ? (params.dir === 'asc' ? 'ascending' : 'descending') : undefined}
          >
            {c.field ? (
              <button type="button" className="sort" onClick={() => onSort(c.field!)}>
                {c.label}
                <span aria-hidden="true">{c.field === params.sort ? (params.dir === 'asc' ? ' ▲' : ' ▼') : ''}</span>
              </button>
            ) : (
              c.label
            )}
          </th>
        ))}
      </tr>
    </thead>
  )

  return (
    <VirtualTable
      title={title}
      head={head}
      total={total}
      colCount={columns.length}
      params={params}
      firstPageIndex={inView[0]}
      pageRows={pageRows}
      firstPage={firstPage}
      onPagesInView={onPagesInView}
      onOpen={onOpen}
    />
  )
})

interface VirtualTableProps {
  title: string
  head: ReactNode
  total: number
  colCount: number
  params: ListParams
  /** The page index of pageRows[0]. */
  firstPageIndex: number
  pageRows: (RecordSummary[] | undefined)[]
  firstPage: RecordSummary[] | undefined
  onPagesInView: (first: number, last: number) => void
  onOpen: (recordId: string) => void
}

/**
 * The scrolled table, rows through TanStack Virtual: the part that renders on every scrolled
 * frame, so it holds nothing else (fixed row height, memoised rows, no query hooks). It owns the
 * scroll element: the virtualizer finds it in its first layout effect, before any ancestor's ref
 * would be set.
 */
const VirtualTable = memo(function VirtualTable(props: VirtualTableProps) {
  const { title, head, total, colCount, params, firstPageIndex, pageRows, firstPage, onPagesInView, onOpen } = props
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  })
  const items = virtualizer.getVirtualItems()
  const first = items.length ? Math.floor(items[0]!.index / pageSize) : 0
  const last = items.length ? Math.floor(items.at(-1)!.index / pageSize) : 0
  // The table subscribes to a page coming into view (and fetches it) in a transition, after this
  // frame: until then its rows come straight from the cache when they are there.
  useLayoutEffect(() => {
    if (first !== firstPageIndex || last !== firstPageIndex + pageRows.length - 1) startTransition(() => onPagesInView(first, last))
  }, [first, last, firstPageIndex, pageRows.length, onPagesInView])
  const client = useQueryClient()
  const pages = new Map<number, RecordSummary[] | undefined>()
  const rowsOfPage = (pageIndex: number) => {
    if (!pages.has(pageIndex))
      pages.set(
        pageIndex,
        pageRows[pageIndex - firstPageIndex] ??
          client.getQueryData(recordQueries.page(params, pageIndex).queryKey)?.rows ??
          (pageIndex === 0 ? firstPage : undefined),
      )
    return pages.get(pageIndex)
  }
  const rowAt = (index: number) => rowsOfPage(Math.floor(index / pageSize))?.[index % pageSize]
  const padTop = items[0]?.start ?? 0
  const padBottom = items.length ? virtualizer.getTotalSize() - items.at(-1)!.end : 0

  return (
    <div className="table-scroll" ref={scrollRef} tabIndex={-1}>
      <table className="records-table" aria-rowcount={total + 1} aria-label={title}>
        {head}
        <tbody>
          {padTop > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={colCount} style={{ height: padTop }} />
            </tr>
          )}
          {items.map((item) => {
            const r = rowAt(item.index)
            if (!r)
              return (
                <tr key={item.key} style={{ height: rowHeight }} aria-rowindex={item.index + 2}>
                  <td colSpan={colCount}>Loading…</td>
                </tr>
              )
            return <RecordRow key={r.id} record={r} kind={params.kind} index={item.index} onOpen={onOpen} />
          })}
          {padBottom > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={colCount} style={{ height: padBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  )
})

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
