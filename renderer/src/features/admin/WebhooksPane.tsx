// G6/G7: webhook endpoints (URL, events, a signing secret shown once) and their delivery log
// (pending, delivered, failed with the last status), with a retry. The form is validated by the
// backend's own schema; errors appear at their field. Keyboard first: every control is native.
import { zodResolver } from '@hookform/resolvers/zod'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useForm } from 'react-hook-form'
import type { z } from 'zod'
import {
  deliveryStates,
  webhookEventLabels,
  webhookEventTypes,
  webhookSaveSchema,
  type WebhookView,
} from '../../../../shared/domain/integrations'
import { call } from '../../api/client'
import { DataTable } from '../../components/DataTable'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { Pager } from '../../components/Pager'
import { integrationQueries } from './integration-queries'
import { SecretOnce } from './SecretOnce'

type SaveInput = z.input<typeof webhookSaveSchema>
type SaveOutput = z.output<typeof webhookSaveSchema>
const blank: SaveInput = { name: '', url: 'https://', events: [...webhookEventTypes], active: true, rotateSecret: false }
const pageSize = 25

function WebhookForm({
  editing,
  onSaved,
  onCancel,
}: {
  editing: WebhookView | null
  onSaved: (secret: string | null, name: string) => void
  onCancel: () => void
}) {
  const queryClient = useQueryClient()
  const form = useForm<SaveInput, unknown, SaveOutput>({
    resolver: zodResolver(webhookSaveSchema),
    defaultValues: editing
      ? { id: editing.id, name: editing.name, url: editing.url, events: editing.events, active: editing.active, rotateSecret: false }
      : blank,
  })
  const save = useMutation({
    mutationFn: (input: SaveOutput) => call('admin:webhooks:save', input),
    onSuccess: ({ secret, webhook }) => {
      void queryClient.invalidateQueries({ queryKey: integrationQueries.all() })
      onSaved(secret, webhook.name)
    },
  })
  const { errors } = form.formState
  const prefix = editing ? `webhook-${editing.id}` : 'webhook-new'
  const described = (name: string, error: unknown) =>
    error ? { 'aria-invalid': true as const, 'aria-describedby': `${prefix}-${name}-error` } : {}
  const fieldError = (name: string, message: string | undefined) =>
    message ? (
      <p className="field-error" id={`${prefix}-${name}-error`}>
        {message}
      </p>
    ) : null

  return (
    <form
      onSubmit={form.handleSubmit((input) => save.mutate(input))}
      noValidate
      aria-label={editing ? `Edit webhook ${editing.name}` : 'New webhook'}
    >
      <div className="field">
        <label htmlFor={`${prefix}-name`}>Name</label>
        <input id={`${prefix}-name`} autoComplete="off" {...described('name', errors.name)} {...form.register('name')} />
        {fieldError('name', errors.name?.message)}
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-url`}>Receiver URL</label>
        <input id={`${prefix}-url`} type="url" autoComplete="off" {...described('url', errors.url)} {...form.register('url')} />
        {fieldError('url', errors.url?.message)}
      </div>
      <fieldset className="field-group" {...described('events', errors.events)}>
        <legend>Events</legend>
        {webhookEventTypes.map((type) => (
          <label key={type}>
            <input type="checkbox" value={type} {...form.register('events')} /> {webhookEventLabels[type]} <code>{type}</code>
          </label>
        ))}
        {fieldError('events', errors.events?.message)}
      </fieldset>
      <label>
        <input type="checkbox" {...form.register('active')} /> Active (deliver events to this receiver)
      </label>
      {editing && (
        <label>
          <input type="checkbox" {...form.register('rotateSecret')} /> Replace the signing secret (the new one is shown once)
        </label>
      )}
      <div className="toolbar">
        <button type="submit" disabled={save.isPending}>
          {editing ? 'Save webhook' : 'Create webhook'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      <ErrorNotice error={save.error} />
    </form>
  )
}

function DeliveryLog({ webhooks }: { webhooks: WebhookView[] }) {
  const queryClient = useQueryClient()
  const [webhookId, setWebhookId] = useState('')
  const [state, setState] = useState<'' | (typeof deliveryStates)[number]>('')
  const [offset, setOffset] = useState(0)
  const input = { offset, limit: pageSize, ...(webhookId ? { webhookId } : {}), ...(state ? { state } : {}) }
  const log = useQuery({ ...integrationQueries.deliveries(input), placeholderData: keepPreviousData })
  const retry = useMutation({
    mutationFn: (deliveryId: string) => call('admin:webhooks:retry', { deliveryId }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: integrationQueries.all() }),
  })
  const names = new Map(webhooks.map((w) => [w.id, w.name]))
  const total = log.data?.total ?? 0

  return (
    <section aria-labelledby="deliveries-title">
      <h3 id="deliveries-title">Delivery log</h3>
      <div className="toolbar">
        <label>
          Webhook{' '}
          <select value={webhookId} onChange={(e) => (setWebhookId(e.target.value), setOffset(0))}>
            <option value="">All</option>
            {webhooks.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          State{' '}
          <select value={state} onChange={(e) => (setState(e.target.value as typeof state), setOffset(0))}>
            <option value="">All</option>
            {deliveryStates.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span className="count" role="status">
          {total} deliveries
        </span>
      </div>
      <ErrorNotice error={log.error ?? retry.error} />
      <DataTable
        label="Webhook deliveries, newest first"
        columns={['Created', 'Webhook', 'Event', 'Record', 'State', 'Attempts', 'Last status', 'Next attempt / delivered']}
        actions="Actions"
      >
        {log.data?.rows.map((d) => (
          <tr key={d.id} data-state={d.state}>
            <td>{formatTime(d.createdAt)}</td>
            <td>{names.get(d.webhookId) ?? d.webhookId}</td>
            <td>
              <code>{d.eventType}</code>
            </td>
            <td>{d.recordNumber ?? ''}</td>
            <td>{d.state}</td>
            <td>{d.attempts}</td>
            <td>{d.lastStatus ?? d.lastError ?? ''}</td>
            <td>{d.deliveredAt ? formatTime(d.deliveredAt) : d.nextAttemptAt ? formatTime(d.nextAttemptAt) : ''}</td>
            <td>
              {d.state !== 'delivered' && (
                <button type="button" onClick={() => retry.mutate(d.id)} disabled={retry.isPending}>
                  Retry {d.eventType} {d.recordNumber ?? ''}
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      <Pager offset={offset} pageSize={pageSize} total={total} onOffset={setOffset} />
    </section>
  )
}

export function WebhooksPane() {
  const queryClient = useQueryClient()
  const webhooks = useQuery(integrationQueries.webhooks())
  const [editing, setEditing] = useState<WebhookView | 'new' | null>(null)
  const [shown, setShown] = useState<{ name: string; secret: string } | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)
  const remove = useMutation({
    mutationFn: (id: string) => call('admin:webhooks:delete', { id }),
    onSuccess: () => {
      setConfirming(null)
      void queryClient.invalidateQueries({ queryKey: integrationQueries.all() })
    },
  })

  return (
    <section className="admin-pane" aria-labelledby="webhooks-title">
      <h2 id="webhooks-title">Webhooks</h2>
      <p>
        Record events go to your ITSM as JSON, signed with HMAC-SHA256 over <code>timestamp.body</code> (headers{' '}
        <code>X-ResetDesk-Timestamp</code>, <code>X-ResetDesk-Signature</code>), retried with backoff until delivered.
      </p>
      {shown && <SecretOnce label={`Signing secret of "${shown.name}"`} value={shown.secret} onDone={() => setShown(null)} />}
      {editing ? (
        <WebhookForm
          key={editing === 'new' ? 'new' : editing.id}
          editing={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(secret, name) => {
            setEditing(null)
            if (secret) setShown({ name, secret })
          }}
        />
      ) : (
        <button type="button" onClick={() => setEditing('new')}>
          New webhook
        </button>
      )}
      <ErrorNotice error={webhooks.error ?? remove.error} />
      <DataTable label="Webhooks" columns={['Name', 'URL', 'Events', 'Active', 'Pending', 'Failed']} actions="Actions">
        {webhooks.data?.map((w) => (
          <tr key={w.id}>
            <td>{w.name}</td>
            <td>{w.url}</td>
            <td>{w.events.join(', ')}</td>
            <td>{w.active ? 'yes' : 'no'}</td>
            <td>{w.pending}</td>
            <td>{w.failed}</td>
            <td>
              <button type="button" onClick={() => setEditing(w)}>
                Edit {w.name}
              </button>{' '}
              {confirming === w.id ? (
                <>
                  <button type="button" onClick={() => remove.mutate(w.id)} disabled={remove.isPending} autoFocus>
                    Confirm delete {w.name}
                  </button>{' '}
                  <button type="button" onClick={() => setConfirming(null)}>
                    Keep
                  </button>
                </>
              ) : (
                <button type="button" onClick={() => setConfirming(w.id)}>
                  Delete {w.name}
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {webhooks.data?.length === 0 && <p className="count">No webhooks yet.</p>}
      <DeliveryLog webhooks={webhooks.data ?? []} />
    </section>
  )
}
