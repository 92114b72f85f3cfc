// The bare list the 10k-row scroll is measured against (PRODUCT.md §5): the same rows and row
// markup as RecordList, rendered by @tanstack/react-virtual with nothing of the app around it.
// Bundled with esbuild and loaded into a blank page beside the console, by the E2E test (rows
// generated here) and by bench/scroll-bench.ts (the console's own rows, set as window.bareListRows).
import { useVirtualizer } from '@tanstack/react-virtual'
import { useRef } from 'react'
import { createRoot } from 'react-dom/client'
import { formatTime } from '../../../renderer/src/components/ErrorNotice'

const rowHeight = 36
const opened = Date.parse('2026-01-01T00:00:00Z')
interface Row {
  id: string
  number: string
  shortDescription: string
  callerName: string | null
  state: string
  priority: number | null
  assignmentGroup: string | null
  assignedToName: string | null
  openedAt: string
}
const given = (window as unknown as { bareListRows?: Row[] }).bareListRows
// Newest first, as the console lists them ("Assigned to me", opened descending).
const rows: Row[] =
  given ??
  Array.from({ length: 10_000 }, (_, k) => {
    const n = 9_999 - k
    return {
      id: `bulk-${n}`,
      number: `INC9${String(n).padStart(6, '0')}`,
      shortDescription: `Bulk incident ${n}`,
      callerName: `Caller ${n}`,
      state: 'New',
      priority: (n % 5) + 1,
      assignmentGroup: 'Service Desk',
      assignedToName: 'Dana Desk',
      openedAt: new Date(opened + n * 60_000).toISOString(),
    }
  })
const columns = ['Number', 'Short description', 'Caller', 'State', 'Priority', 'Assignment group', 'Assigned to', 'Opened']

function BareList({ width, height }: { width: number; height: number }) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 10,
  })
  const items = virtualizer.getVirtualItems()
  const padTop = items[0]?.start ?? 0
  const padBottom = items.length ? virtualizer.getTotalSize() - items.at(-1)!.end : 0
  return (
    <div className="table-scroll" ref={scrollRef} style={{ width, height, flex: 'none' }}>
      <table aria-rowcount={rows.length + 1}>
        <thead>
          <tr aria-rowindex={1}>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
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
            const r = rows[item.index]!
            return (
              <tr key={r.id} style={{ height: rowHeight }} aria-rowindex={item.index + 2} data-record-id={r.id}>
                <td>
                  <button type="button" className="link">
                    {r.number}
                  </button>
                </td>
                <td>{r.shortDescription}</td>
                <td>{r.callerName ?? '—'}</td>
                <td>{r.state}</td>
                <td>{r.priority ?? '—'}</td>
                <td>{r.assignmentGroup ?? '—'}</td>
                <td>{r.assignedToName ?? '—'}</td>
                <td>{formatTime(r.openedAt)}</td>
              </tr>
            )
          })}
          {padBottom > 0 && (
            <tr aria-hidden="true" className="spacer">
              <td colSpan={columns.length} style={{ height: padBottom }} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  )
}

const size = (window as unknown as { bareListSize: { width: number; height: number } }).bareListSize
createRoot(document.getElementById('root')!).render(<BareList {...size} />)
