// R9 for administrators and supervisors: the hash-chained audit log, newest first, for people:
// names and readable actions, details on demand, filters applied by the backend, paged; a check of
// the whole chain and (administrators) an export of it as JSON lines for offline checking.
// F5: each clean check and each export hands out a signed checkpoint of the head; pasted back into
// the next check, it reveals a chain cut short (tail or all deleted) or rewritten.
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { auditCheckpointSchema, type Agent, type AuditCheckpoint } from '../../../../shared/domain/types'
import { AppError } from '../../../../shared/errors'
import { ApiError, call } from '../../api/client'
import { auditQueries } from '../../api/queries'
import { DataTable } from '../../components/DataTable'
import { download } from '../../components/download'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { Pager } from '../../components/Pager'
import { auditActionLabel, auditActionLabels, auditOutcomeLabel, type AuditRow } from '../../../../shared/domain/audit-view'

const pageSize = 50
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

export function AuditLog({ agent }: { agent: Agent }) {
  const [offset, setOffset] = useState(0)
  const [filters, setFilters] = useState<Filters>(noFilters)
  const [openSeq, setOpenSeq] = useState<number | null>(null)
  const page = useQuery({
    ...auditQueries.search({ ...definedFilters(filters), offset, limit: pageSize }),
    placeholderData: keepPreviousData,
  })
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
      download(`resetdesk-audit-${new Date().toISOString().slice(0, 10)}.jsonl`, text, 'application/x-ndjson')
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
            Keep this checkpoint outside ResetDesk: <code data-testid="new-checkpoint">{JSON.stringify(handed)}</code>
          </p>
        )}
      </div>
      <ErrorNotice error={page.error ?? verify.error ?? exportLog.error} />
      <AuditFilters
        value={filters}
        onChange={(f) => {
          setFilters(f)
          setOffset(0)
        }}
      />
      <div className="table-wrap">
        <DataTable
          label="Audit entries, newest first"
          className="audit-table"
          columns={['Time', 'Action', 'Outcome', 'Agent', 'User', 'Record']}
          actions="Details"
        >
          {page.data?.rows.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No entries match these filters.
              </td>
            </tr>
          )}
          {page.data?.rows.map((e) => (
            <AuditRowView key={e.seq} entry={e} open={openSeq === e.seq} onToggle={() => setOpenSeq(openSeq === e.seq ? null : e.seq)} />
          ))}
        </DataTable>
      </div>
      <Pager offset={offset} pageSize={pageSize} total={total} onOffset={setOffset}>
        <span className="count" data-testid="audit-page">
          {total === 0 ? 'No entries' : `Entries ${offset + 1}–${Math.min(offset + pageSize, total)} of ${total}`}
        </span>
      </Pager>
    </section>
  )
}

type Filters = { agent: string; user: string; action: string; record: string; from: string; to: string }
const noFilters: Filters = { agent: '', user: '', action: '', record: '', from: '', to: '' }
/** Only the filters the person set; the backend validates each. */
function definedFilters(f: Filters) {
  return Object.fromEntries(
    Object.entries(f)
      .filter(([, v]) => v.trim() !== '')
      .map(([k, v]) => [k, v.trim()]),
  ) as Partial<Filters>
}

/** Applied on "Apply" (or Enter), not per key: each is a backend query. */
function AuditFilters({ value, onChange }: { value: Filters; onChange: (f: Filters) => void }) {
  const [draft, setDraft] = useState(value)
  const field = (key: keyof Filters, label: string, type = 'text') => (
    <div className="field">
      <label htmlFor={`audit-f-${key}`}>{label}</label>
      <input id={`audit-f-${key}`} type={type} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
    </div>
  )
  return (
    <form
      className="audit-filters"
      aria-label="Filter the audit log"
      onSubmit={(e) => {
        e.preventDefault()
        onChange(draft)
      }}
    >
      {field('agent', 'Agent')}
      {field('user', 'User')}
      <div className="field">
        <label htmlFor="audit-f-action">Action</label>
        <select id="audit-f-action" value={draft.action} onChange={(e) => setDraft({ ...draft, action: e.target.value })}>
          <option value="">Any action</option>
          {Object.entries(auditActionLabels).map(([action, label]) => (
            <option key={action} value={action}>
              {label}
            </option>
          ))}
        </select>
      </div>
      {field('record', 'Record number')}
      {field('from', 'From', 'date')}
      {field('to', 'To', 'date')}
      <div className="actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button
          type="button"
          onClick={() => {
            setDraft(noFilters)
            onChange(noFilters)
          }}
        >
          Clear
        </button>
      </div>
    </form>
  )
}

function AuditRowView({ entry: e, open, onToggle }: { entry: AuditRow; open: boolean; onToggle: () => void }) {
  const detail = parseJson(e.detail)
  const detailEntries = detail && typeof detail === 'object' ? Object.entries(detail as Record<string, unknown>) : []
  return (
    <>
      <tr data-seq={e.seq}>
        <td>{formatTime(e.at)}</td>
        <td>{auditActionLabel(e.action)}</td>
        <td>{auditOutcomeLabel(e.outcome)}</td>
        <td>{e.agentName ?? e.agentId ?? '—'}</td>
        <td>{e.userName ?? e.userId ?? '—'}</td>
        <td>{e.recordNumber ?? '—'}</td>
        <td>
          <button
            type="button"
            aria-expanded={open}
            aria-controls={`audit-detail-${e.seq}`}
            aria-label={`Details of entry ${e.seq}`}
            onClick={onToggle}
          >
            Details
          </button>
        </td>
      </tr>
      {open && (
        <tr className="audit-detail" id={`audit-detail-${e.seq}`}>
          <td colSpan={7}>
            <dl>
              <dt>Entry</dt>
              <dd>#{e.seq}</dd>
              <dt>Action</dt>
              <dd>
                {e.action} ({e.outcome})
              </dd>
              {e.method && (
                <>
                  <dt>Method</dt>
                  <dd>{e.method.replaceAll('_', ' ')}</dd>
                </>
              )}
              {e.processName && (
                <>
                  <dt>Process</dt>
                  <dd>{e.processName}</dd>
                </>
              )}
              {detailEntries.map(([k, v]) => (
                <div key={k} className="pair">
                  <dt>{k}</dt>
                  <dd>{typeof v === 'string' ? v : JSON.stringify(v)}</dd>
                </div>
              ))}
              <dt>Hash</dt>
              <dd className="hash">{e.hash}</dd>
            </dl>
          </td>
        </tr>
      )}
    </>
  )
}
