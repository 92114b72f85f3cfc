// R9 for administrators and supervisors: the hash-chained audit log, newest first, with a check of
// the whole chain and (administrators) an export of it as JSON lines for offline checking.
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import type { Agent } from '../../../../shared/domain/types'
import { call } from '../../api/client'
import { auditQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'

const pageSize = 50

/** Offers text as a file download; the object URL is released once the click has started it. */
function download(fileName: string, text: string) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/x-ndjson' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

export function AuditLog({ agent }: { agent: Agent }) {
  const [offset, setOffset] = useState(0)
  const page = useQuery({ ...auditQueries.page(offset, pageSize), placeholderData: keepPreviousData })
  const verify = useMutation({ mutationFn: () => call('audit:verify', {}) })
  const exportLog = useMutation({
    mutationFn: async () => {
      // The whole chain, slice by slice, into one file.
      let fromSeq = 1
      let text = ''
      for (;;) {
        const slice = await call('audit:export', { fromSeq })
        text += slice.jsonl
        if (!slice.more) return { text, count: slice.toSeq }
        fromSeq = slice.toSeq + 1
      }
    },
    onSuccess: ({ text }) => download(`resetdesk-audit-${new Date().toISOString().slice(0, 10)}.jsonl`, text),
  })
  const total = page.data?.total ?? 0
  const canExport = agent.roles.includes('password_reset_admin')

  return (
    <section className="audit" aria-labelledby="audit-title">
      <h1 id="audit-title">Audit log</h1>
      <div className="toolbar">
        <button type="button" onClick={() => verify.mutate()} disabled={verify.isPending}>
          Verify chain
        </button>
        {canExport && (
          <button type="button" onClick={() => exportLog.mutate()} disabled={exportLog.isPending}>
            Export
          </button>
        )}
        <span role="status" className="count">
          {verify.data
            ? verify.data.ok
              ? `Chain intact: ${verify.data.count} entries verified.`
              : `Chain broken at entry #${verify.data.brokenAt}: that entry or one before it was changed or removed.`
            : exportLog.data
              ? `Exported ${exportLog.data.count} entries.`
              : `${total} entries`}
        </span>
      </div>
      <ErrorNotice error={page.error ?? verify.error ?? exportLog.error} />
      <table aria-label="Audit entries, newest first">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Time</th>
            <th scope="col">Action</th>
            <th scope="col">Outcome</th>
            <th scope="col">Method</th>
            <th scope="col">Agent</th>
            <th scope="col">User</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {page.data?.rows.map((e) => (
            <tr key={e.seq} data-seq={e.seq}>
              <td>{e.seq}</td>
              <td>{formatTime(e.at)}</td>
              <td>{e.action}</td>
              <td>{e.outcome}</td>
              <td>{e.method ?? '—'}</td>
              <td>{e.agentId ?? '—'}</td>
              <td>{e.userId ?? '—'}</td>
              <td>{e.detail === '{}' ? '' : e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="actions">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>
          Newer
        </button>
        <button type="button" disabled={offset + pageSize >= total} onClick={() => setOffset(offset + pageSize)}>
          Older
        </button>
      </div>
    </section>
  )
}
