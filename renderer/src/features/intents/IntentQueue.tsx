// F2: password changes whose outcome could not be confirmed (the agent was told "outcome unknown:
// do not retry"), or whose server stopped mid-change. The backend's sweeper keeps asking the
// credential store and records the truth; until then a supervisor sees them here and can follow
// up with the user. Names and times only: nothing secret is in an intent.
import { useQuery } from '@tanstack/react-query'
import { intentQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { DataTable } from '../../components/DataTable'

export function IntentQueue() {
  const open = useQuery(intentQueries.open())
  const intents = open.data ?? []
  return (
    <section className="intents" aria-labelledby="intents-title">
      <h1 id="intents-title">Unresolved resets</h1>
      <p>
        Password changes the directory may or may not have applied. They are checked again automatically; do not reset these users again
        until they leave this list.
      </p>
      <ErrorNotice error={open.error} />
      {open.isPending ? (
        <p>Loading…</p>
      ) : intents.length === 0 ? (
        <p role="status">No password change is waiting for its outcome.</p>
      ) : (
        <DataTable
          label="Password changes with an unknown outcome"
          columns={['User', 'How', 'Record', 'Agent', 'Process', 'Started', 'Agent told']}
        >
          {intents.map((i) => (
            <tr key={i.id}>
              <td>{i.userId}</td>
              <td>{i.kind === 'link' ? 'Emailed link' : 'Agent reset'}</td>
              <td>{i.recordNumber ?? '—'}</td>
              <td>{i.agentName ?? '—'}</td>
              <td>{i.processName}</td>
              <td>{formatTime(i.startedAt)}</td>
              <td>{i.unresolvedAt ? `Outcome unknown, ${formatTime(i.unresolvedAt)}` : 'Server stopped mid-change'}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  )
}
