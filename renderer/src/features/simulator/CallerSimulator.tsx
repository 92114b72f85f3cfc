// B6 caller simulator (demo desk only, while a flow is open; collapsible): the selected user's
// inbox and phone from the demo outbox, so the agent can "hear" the code the caller reads back.
import { useQuery } from '@tanstack/react-query'
import { useState } from 'react'
import { demoQueries, flowQueries } from '../../api/queries'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { flowIdOf, useFlowStore } from '../../stores/flow-store'
import { Sensitive } from '../../components/Sensitive'

export function CallerSimulator() {
  const state = useFlowStore((s) => s.state)
  const flowId = flowIdOf(state)
  const flow = useQuery({ ...flowQueries.detail(flowId ?? ''), enabled: !!flowId })
  const userId = state.step === 'identify' ? state.userId : (flow.data?.user.id ?? null)
  const mailbox = useQuery({ ...demoQueries.mailbox(userId ?? ''), enabled: !!userId })
  const emails = mailbox.data?.filter((m) => m.channel === 'email') ?? []
  const sms = mailbox.data?.filter((m) => m.channel === 'sms') ?? []
  // tabIndex: the panel scrolls when messages pile up, and a keyboard user must be able to
  // focus it to scroll (axe scrollable-region-focusable); whether it overflows depends on the run.
  // Collapsible, so a narrow screen gives the wizard the room; the choice lasts for the session.
  const [open, setOpen] = useState(true)
  if (!open)
    return (
      <aside className="simulator collapsed" aria-label="Caller simulator">
        <button type="button" aria-expanded="false" onClick={() => setOpen(true)}>
          Show caller simulator
        </button>
      </aside>
    )
  return (
    <aside className="simulator" aria-labelledby="sim-title" tabIndex={0}>
      <div className="sim-head">
        <h2 id="sim-title">Caller simulator</h2>
        <button type="button" aria-expanded="true" aria-label="Hide caller simulator" onClick={() => setOpen(false)}>
          Hide
        </button>
      </div>
      {!userId ? (
        <p className="muted">Start a password reset to see the caller's inbox and phone.</p>
      ) : (
        <>
          <ErrorNotice error={mailbox.error} />
          <section aria-labelledby="sim-inbox">
            <h3 id="sim-inbox">Inbox</h3>
            <Messages items={emails} empty="No emails." testId="sim-inbox" />
          </section>
          <section aria-labelledby="sim-phone">
            <h3 id="sim-phone">Phone</h3>
            <Messages items={sms} empty="No text messages." testId="sim-phone" />
          </section>
        </>
      )}
    </aside>
  )
}

function Messages({
  items,
  empty,
  testId,
}: {
  items: { id: string; at: string; channel: 'email' | 'sms'; to: string; subject: string | null; body: string }[]
  empty: string
  testId: string
}) {
  if (items.length === 0) return <p className="muted">{empty}</p>
  return (
    <ol className="messages" data-testid={testId}>
      {items.map((m) => (
        <li key={m.id}>
          <p className="meta">
            {formatTime(m.at)} · to <Sensitive kind={m.channel === 'sms' && !m.to.includes('@') ? 'phone' : 'email'} value={m.to} />
          </p>
          {m.subject && <p className="subject">{m.subject}</p>}
          {/* B4: codes and reset links masked in place; the rest of the message stays readable. */}
          <p className="body">
            <Sensitive kind="text" value={m.body} />
          </p>
        </li>
      ))}
    </ol>
  )
}
