// G1: the first run of the embedded console, before any desk exists. "Try the demo desk" asks
// main to seed the training desk (B6) and record the choice; "Connect to your desk" explains
// where connectors.json or the remote setting goes on this machine. Keyboard first: the first
// choice has focus, and each page moves focus to its own heading.
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef, useState } from 'react'
import type { DeskView } from '../../../../shared/ipc/contract'
import { call } from '../../api/client'
import { consoleQueries } from '../../api/queries'
import { ErrorNotice } from '../../components/ErrorNotice'

type FirstRunView = Extract<DeskView, { mode: 'first-run' }>

const remoteExample = JSON.stringify({ backend: { mode: 'remote', url: 'https://resetdesk.corp.example' } }, null, 2)

export function FirstRun({ desk }: { desk: FirstRunView }) {
  const queryClient = useQueryClient()
  const [page, setPage] = useState<'choose' | 'connect'>('choose')
  const heading = useRef<HTMLHeadingElement>(null)
  const connectButton = useRef<HTMLButtonElement>(null)
  const returning = useRef(false)
  const choose = useMutation({
    mutationFn: () => call('console:chooseDesk', { desk: 'demo' }),
    // The answer is the console's new settings: the app moves on to sign-in with the hints.
    onSuccess: (settings) => queryClient.setQueryData(consoleQueries.settings().queryKey, settings),
  })
  useEffect(() => {
    if (page === 'connect') heading.current?.focus()
    else if (returning.current) connectButton.current?.focus()
  }, [page])

  if (page === 'connect') {
    return (
      <main className="first-run">
        <h1 ref={heading} tabIndex={-1}>
          Connect to your desk
        </h1>
        <p>
          ResetDesk works on your desk&apos;s own directory, email and SMS, or on a ResetDesk server that serves your whole desk. Set one of
          these up, then start ResetDesk again. With either, the demo desk is never offered.
        </p>
        <section aria-labelledby="connectors-heading">
          <h2 id="connectors-heading">Your directory, email and SMS: connectors.json</h2>
          <p>
            Put a <code>connectors.json</code> in this console&apos;s data folder:
          </p>
          <p className="path" data-testid="connectors-file">
            <code>{desk.connectorsFile}</code>
          </p>
          <p>or, for every user of this machine, next to the machine policy file (this one wins):</p>
          <p className="path">
            <code>{desk.machineConnectorsFile}</code>
          </p>
          <p>
            Passwords and tokens never go in the file: a field names a keychain entry, <code>{'{ "secret": "<account>" }'}</code>. Every
            field, with examples for OpenLDAP and Active Directory, is in the README, section &ldquo;Connect to your desk&rdquo;.
          </p>
        </section>
        <section aria-labelledby="remote-heading">
          <h2 id="remote-heading">A ResetDesk server for the whole desk: remote mode</h2>
          <p>Name the server in this console&apos;s settings file:</p>
          <p className="path">
            <code>{desk.settingsFile}</code>
          </p>
          <p>or, for every user of this machine, in the machine policy file (this one wins):</p>
          <p className="path">
            <code>{desk.policyFile}</code>
          </p>
          <pre className="example">{remoteExample}</pre>
        </section>
        <button
          type="button"
          onClick={() => {
            returning.current = true
            setPage('choose')
          }}
        >
          Back to the choice
        </button>
      </main>
    )
  }

  return (
    <main className="first-run">
      <h1>Welcome to ResetDesk</h1>
      <p>This console has no desk yet. Choose how to start.</p>
      <ul className="first-run-choices">
        <li>
          {/* aria-disabled, not disabled, while seeding: the button keeps focus, so a failure leaves the keyboard where it was. */}
          <button
            type="button"
            className="primary"
            autoFocus
            aria-describedby="demo-choice"
            aria-disabled={choose.isPending}
            onClick={() => choose.isPending || choose.mutate()}
          >
            Try the demo desk
          </button>
          <p id="demo-choice" className="muted">
            A training desk with sample users, incidents and a caller simulator, on this computer only. Nothing reaches a real directory or
            mailbox.
          </p>
        </li>
        <li>
          <button
            type="button"
            ref={connectButton}
            aria-describedby="connect-choice"
            aria-disabled={choose.isPending}
            onClick={() => choose.isPending || setPage('connect')}
          >
            Connect to your desk
          </button>
          <p id="connect-choice" className="muted">
            Your directory, email and SMS (connectors.json), or your desk&apos;s ResetDesk server. Shows where the files go on this machine.
          </p>
        </li>
      </ul>
      {choose.isPending && (
        <p role="status" className="notice">
          Preparing the demo desk…
        </p>
      )}
      <ErrorNotice error={choose.error} />
    </main>
  )
}
