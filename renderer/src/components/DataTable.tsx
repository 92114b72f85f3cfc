// A labelled table with one row of column headings; the rows are the caller's.
import type { ReactNode } from 'react'

export function DataTable({
  label,
  columns,
  actions,
  className,
  children,
}: {
  label: string
  columns: readonly string[]
  /** The heading of a last column of buttons: named for screen readers, not shown. */
  actions?: string
  className?: string
  children: ReactNode
}) {
  return (
    <table aria-label={label} className={className}>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column} scope="col">
              {column}
            </th>
          ))}
          {actions && (
            <th scope="col">
              <span className="visually-hidden">{actions}</span>
            </th>
          )}
        </tr>
      </thead>
      <tbody>{children}</tbody>
    </table>
  )
}
