// The paging footer of a newest-first list the backend pages: Newer and Older, `pageSize` at a time.
import type { ReactNode } from 'react'

export function Pager({
  offset,
  pageSize,
  total,
  onOffset,
  children,
}: {
  offset: number
  pageSize: number
  total: number
  onOffset: (offset: number) => void
  /** Shown between the two buttons: where in the list this page is, if the list says so. */
  children?: ReactNode
}) {
  return (
    <div className="actions">
      <button type="button" disabled={offset === 0} onClick={() => onOffset(Math.max(0, offset - pageSize))}>
        Newer
      </button>
      {children}
      <button type="button" disabled={offset + pageSize >= total} onClick={() => onOffset(offset + pageSize)}>
        Older
      </button>
    </div>
  )
}
