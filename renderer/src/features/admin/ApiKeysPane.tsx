// G5/G7: the integration API keys — create (the key is shown once), list by name and prefix,
// revoke. The form is validated by the backend's own schema; errors appear at the field.
import { zodResolver } from '@hookform/resolvers/zod'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { useForm } from 'react-hook-form'
import type { z } from 'zod'
import { apiKeyCreateSchema } from '../../../../shared/domain/integrations'
import { call } from '../../api/client'
import { DataTable } from '../../components/DataTable'
import { ErrorNotice, formatTime } from '../../components/ErrorNotice'
import { integrationQueries } from './integration-queries'
import { SecretOnce } from './SecretOnce'

type CreateInput = z.input<typeof apiKeyCreateSchema>

export function ApiKeysPane() {
  const queryClient = useQueryClient()
  const keys = useQuery(integrationQueries.apiKeys())
  const [shown, setShown] = useState<{ name: string; key: string } | null>(null)
  const [confirming, setConfirming] = useState<string | null>(null)
  const form = useForm<CreateInput, unknown, z.output<typeof apiKeyCreateSchema>>({
    resolver: zodResolver(apiKeyCreateSchema),
    defaultValues: { name: '' },
  })
  const invalidate = () => queryClient.invalidateQueries({ queryKey: integrationQueries.all() })
  const create = useMutation({
    mutationFn: (input: z.output<typeof apiKeyCreateSchema>) => call('admin:apiKeys:create', input),
    onSuccess: ({ apiKey, key }) => {
      setShown({ name: apiKey.name, key })
      form.reset()
      void invalidate()
    },
  })
  const revoke = useMutation({
    mutationFn: (id: string) => call('admin:apiKeys:revoke', { id }),
    onSuccess: () => {
      setConfirming(null)
      void invalidate()
    },
  })
  const nameError = form.formState.errors.name?.message

  return (
    <section className="admin-pane" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">Integration API keys</h2>
      <p>Your ITSM uses a key to create and update incidents and interactions (PUT /api/integration/v1/…). Keys open those routes only.</p>
      {shown && <SecretOnce label={`New key "${shown.name}"`} value={shown.key} onDone={() => setShown(null)} />}
      <form onSubmit={form.handleSubmit((input) => create.mutate(input))} noValidate aria-label="Create an API key">
        <div className="field">
          <label htmlFor="api-key-name">Name (which system uses it)</label>
          <input
            id="api-key-name"
            autoComplete="off"
            aria-invalid={nameError ? true : undefined}
            aria-describedby={nameError ? 'api-key-name-error' : undefined}
            {...form.register('name')}
          />
          {nameError && (
            <p className="field-error" id="api-key-name-error">
              {nameError}
            </p>
          )}
        </div>
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      <ErrorNotice error={create.error ?? revoke.error ?? keys.error} />
      <DataTable label="API keys" columns={['Name', 'Key starts', 'Created', 'Last used', 'Status']} actions="Actions">
        {keys.data?.map((k) => (
          <tr key={k.id}>
            <td>{k.name}</td>
            <td>
              <code>{k.prefix}…</code>
            </td>
            <td>
              {formatTime(k.createdAt)} {k.createdBy ? `by ${k.createdBy}` : ''}
            </td>
            <td>{k.lastUsedAt ? formatTime(k.lastUsedAt) : 'never'}</td>
            <td>{k.revokedAt ? `revoked ${formatTime(k.revokedAt)}` : 'active'}</td>
            <td>
              {!k.revokedAt &&
                (confirming === k.id ? (
                  <>
                    <button type="button" onClick={() => revoke.mutate(k.id)} disabled={revoke.isPending} autoFocus>
                      Confirm revoke {k.name}
                    </button>{' '}
                    <button type="button" onClick={() => setConfirming(null)}>
                      Keep
                    </button>
                  </>
                ) : (
                  <button type="button" onClick={() => setConfirming(k.id)}>
                    Revoke {k.name}
                  </button>
                ))}
            </td>
          </tr>
        ))}
      </DataTable>
      {keys.data?.length === 0 && <p className="count">No keys yet.</p>}
    </section>
  )
}
