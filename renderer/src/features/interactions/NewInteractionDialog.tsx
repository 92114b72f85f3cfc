// G5 "New interaction" modal: the caller picked from the directory in a combobox, the channel as
// a radio group (phone by default), Enter in the short description creates the interaction.
// Headless UI gives the modal (focus trap, inert background, Escape) and the combobox semantics;
// it is loaded with the dialog's first opening, so the first list on screen does not wait for it.
import {
  Combobox,
  ComboboxInput,
  ComboboxOption,
  ComboboxOptions,
  Description,
  Dialog,
  DialogPanel,
  DialogTitle,
  Field,
  Label,
} from '@headlessui/react'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useEffect, useId, useState, type FormEvent } from 'react'
import { interactionChannels, type InteractionChannel, type UserSummary } from '../../../../shared/domain/types'
import { call } from '../../api/client'
import { recordQueries, userQueries } from '../../api/queries'
import { ErrorNotice } from '../../components/ErrorNotice'
import { Sensitive } from '../../components/Sensitive'

const channelLabels: Record<InteractionChannel, string> = { phone: 'Phone', 'walk-up': 'Walk-up', chat: 'Chat', email: 'Email' }

export default function NewInteractionDialog({ onClose, onCreated }: { onClose: () => void; onCreated: (recordId: string) => void }) {
  const queryClient = useQueryClient()
  const ids = useId()
  const [caller, setCaller] = useState<UserSummary | null>(null)
  const [query, setQuery] = useState('')
  const [debounced, setDebounced] = useState('')
  const [channel, setChannel] = useState<InteractionChannel>('phone')
  const [shortDescription, setShortDescription] = useState('')
  useEffect(() => {
    const t = setTimeout(() => setDebounced(query.trim()), 200)
    return () => clearTimeout(t)
  }, [query])
  const search = useQuery({ ...userQueries.search(debounced), enabled: debounced.length >= 2 })
  const users = debounced.length >= 2 ? (search.data ?? []) : []

  const create = useMutation({
    mutationFn: () => call('records:createInteraction', { channel, callerId: caller!.id, shortDescription }),
    onSuccess: (record) => {
      void queryClient.invalidateQueries({ queryKey: recordQueries.all() })
      onCreated(record.id)
    },
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (caller && shortDescription.trim() && !create.isPending) create.mutate()
  }
  const searchStatus =
    debounced.length < 2
      ? 'Type at least two letters of a name, user name or email.'
      : search.isPending
        ? 'Searching the directory…'
        : users.length === 0
          ? 'No users match.'
          : `${users.length} ${users.length === 1 ? 'user matches' : 'users match'}.`

  return (
    <Dialog open onClose={onClose} className="modal">
      <div className="modal-backdrop" aria-hidden="true" />
      <DialogPanel className="dialog new-interaction">
        <DialogTitle as="h2">New interaction</DialogTitle>
        <Description>Opens an interaction for the caller, assigned to you.</Description>
        <form onSubmit={submit} noValidate>
          <Field className="field">
            <Label>Caller</Label>
            <Combobox value={caller} onChange={setCaller} by="id">
              <ComboboxInput
                autoFocus
                autoComplete="off"
                placeholder="Name, user name or email"
                aria-describedby={`${ids}-status`}
                displayValue={(u: UserSummary | null) => u?.displayName ?? ''}
                onChange={(e) => setQuery(e.target.value)}
              />
              <ComboboxOptions className="combobox-options">
                {users.map((u) => (
                  <ComboboxOption key={u.id} value={u} className="combobox-option">
                    {u.displayName} (<Sensitive kind="text" value={u.username} />){u.department ? ` · ${u.department}` : ''}
                  </ComboboxOption>
                ))}
              </ComboboxOptions>
            </Combobox>
            <p id={`${ids}-status`} className="hint" role="status">
              {caller ? `Caller: ${caller.displayName}.` : searchStatus}
            </p>
            <ErrorNotice error={search.error} />
          </Field>
          <fieldset className="segmented">
            <legend>Channel</legend>
            {interactionChannels.map((c) => (
              <label key={c}>
                <input type="radio" name={`${ids}-channel`} value={c} checked={channel === c} onChange={() => setChannel(c)} />
                {channelLabels[c]}
              </label>
            ))}
          </fieldset>
          <div className="field">
            <label htmlFor={`${ids}-short`}>Short description</label>
            <input
              id={`${ids}-short`}
              type="text"
              maxLength={160}
              value={shortDescription}
              onChange={(e) => setShortDescription(e.target.value)}
            />
          </div>
          <ErrorNotice error={create.error} />
          <div className="actions">
            <button type="submit" className="primary" disabled={!caller || !shortDescription.trim() || create.isPending}>
              Create interaction
            </button>
            <button type="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </form>
      </DialogPanel>
    </Dialog>
  )
}
