// R9 for administrators and supervisors: the hash-chained audit log, newest first, with a check of
// the whole chain and (administrators) an export of it as JSON lines for offline checking.
// F5: each clean check and each export hands out a signed checkpoint of the head; pasted back into
// the next check, it reveals a chain cut short (tail or all deleted) or rewritten.
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { auditCheckpointSchema, type Agent, type AuditCheckpoint } from '../../../../shared/domain/types'
import { AppError } from '../../../../shared/errors'
import { ApiError, call } from '../../api/client'
import { auditQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'

const pageSize = 50
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

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
  const [kept, setKept] = useState('')
  /** The newest signed head handed out, by a clean check or an export. */
  const [handed, setHanded] = useState<AuditCheckpoint | null>(null)
  const verify = useMutation({
    mutationFn: () => {
      let checkpoint: AuditCheckpoint | undefined
      if (kept.trim()) {
        const parsed = auditCheckpointSchema.safeParse(parseJson(kept))
        if (!parsed.success) throw new ApiError(new AppError('INVALID_INPUT', { fields: ['checkpoint'] }).toData())
        checkpoint = parsed.data
      }
      return call('audit:verify', checkpoint ? { checkpoint } : {})
    },
    onSuccess: (result) => setHanded(result.checkpoint),
  })
  const exportLog = useMutation({
    mutationFn: async () => {
      // The whole chain, slice by slice, into one file.
      let fromSeq = 1
      let text = ''
      for (;;) {
        const slice = await call('audit:export', { fromSeq })
        text += slice.jsonl
        if (!slice.more) return { text, count: slice.toSeq, checkpoint: slice.checkpoint }
        fromSeq = slice.toSeq + 1
      }
    },
    onSuccess: ({ text, checkpoint }) => {
      setHanded(checkpoint)
      download(`resetdesk-audit-${new Date().toISOString().slice(0, 10)}.jsonl`, text)
    },
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
              : verify.data.brokenAt !== null
                ? `Chain broken at entry #${verify.data.brokenAt}: that entry or one before it was changed or removed.`
                : verify.data.truncated
                  ? `Chain cut short: it ends at entry #${verify.data.count}, before the checkpoint's entry. Entries were deleted.`
                  : `Chain rewritten: the checkpoint's entry is no longer the one that was signed.`
            : exportLog.data
              ? `Exported ${exportLog.data.count} entries.`
              : `${total} entries`}
        </span>
      </div>
      <div className="checkpoint">
        <label htmlFor="audit-kept-checkpoint">Checkpoint kept from an earlier check or export (optional)</label>
        <textarea id="audit-kept-checkpoint" rows={2} spellCheck={false} value={kept} onChange={(e) => setKept(e.target.value)} />
        {handed && (
          <p>
            Keep this checkpoint outside ResetDesk:{' '}
            <code data-testid="new-checkpoint">{JSON.stringify(handed)}</code>
          </p>
        )}
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
