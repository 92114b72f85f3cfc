// R3 Identify's user field: a drop-down (Headless UI Combobox) that starts on the record's caller
// and searches the directory as the agent types. Keyboard: type to search, arrows to move, Enter
// to choose, Escape to go back to the chosen user; the button beside it opens the list by pointer.
import { Combobox, ComboboxButton, ComboboxInput, ComboboxOption, ComboboxOptions, Field, Label } from '@headlessui/react'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { useEffect, useId, useRef, useState } from 'react'
import type { UserSummary } from '../../../../shared/domain/types'
import { userQueries } from '../../api/queries'
import { ErrorNotice } from '../../components/ErrorNotice'
import { Sensitive } from '../../components/Sensitive'
import { enrolmentText } from './enrolment-text'

/** The chosen user: a search result, or the record's caller known only by id and name. */
export type PickedUser = Pick<UserSummary, 'id' | 'displayName'> & Partial<UserSummary>

export function UserPicker({
  initial,
  initialSearch,
  onChoose,
}: {
  /** The record's caller, preselected. */
  initial: PickedUser | null
  /** A caller no directory user matched: their free text starts the search (R3). */
  initialSearch: string | null
  onChoose: (user: PickedUser) => void
}) {
  const ids = useId()
  const [selected, setSelected] = useState<PickedUser | null>(initial)
  const [query, setQuery] = useState(initial ? '' : (initialSearch ?? ''))
  const [debounced, setDebounced] = useState(query.trim())
  useEffect(() => {
    const t = setTimeout(() => setDebounced(query.trim()), 200)
    return () => clearTimeout(t)
  }, [query])
  // Typing: the list holds the directory's answer (the last one until the next arrives). Nothing
  // typed: the chosen user, so opening the drop-down never shows an empty box.
  const searching = query.trim().length >= 2
  const search = useQuery({ ...userQueries.search(debounced), enabled: debounced.length >= 2, placeholderData: keepPreviousData })
  const options: PickedUser[] = searching ? (search.data ?? []) : selected ? [selected] : []

  // The input shows the chosen user's name (Headless UI sets it); a free-text caller's words are
  // put in after it did, as if the agent had typed them.
  const inputRef = useRef<HTMLInputElement>(null)
  // Once, on mount (the first values): afterwards the field is the agent's.
  const [firstSearch] = useState(initial ? null : initialSearch)
  useEffect(() => {
    if (firstSearch && inputRef.current) inputRef.current.value = firstSearch
  }, [firstSearch])

  const status = !searching
    ? selected
      ? 'Type at least two letters of a name, user name or email to search the directory for another user.'
      : 'Type at least two letters of a name, user name or email to search the directory.'
    : search.isPending || search.isPlaceholderData || debounced !== query.trim()
      ? 'Searching the directory…'
      : !search.data || search.data.length === 0
        ? 'No users match.'
        : `${search.data.length} ${search.data.length === 1 ? 'user matches' : 'users match'}: use the arrow keys and Enter to choose.`

  return (
    <Field className="field-group user-picker">
      <Label>User</Label>
      <Combobox
        value={selected}
        by="id"
        onChange={(u: PickedUser | null) => {
          // Clearing the field to search again keeps the chosen user until another is picked
          // (Escape or leaving the field shows them again); only a pick changes the choice.
          if (!u) return
          setSelected(u)
          setQuery('')
          onChoose(u)
        }}
        onClose={() => setQuery('')}
      >
        <div className="combobox">
          <ComboboxInput
            ref={inputRef}
            data-testid="selected-user"
            autoComplete="off"
            placeholder="Name, user name or email"
            aria-describedby={`${ids}-status`}
            displayValue={(u: PickedUser | null) => u?.displayName ?? ''}
            onChange={(e) => setQuery(e.target.value)}
          />
          <ComboboxButton className="combobox-button" aria-label="Show users">
            <span aria-hidden="true">▾</span>
          </ComboboxButton>
          {options.length > 0 && (
            <ComboboxOptions className="combobox-options user-options">
              {options.map((u) => (
                <ComboboxOption key={u.id} value={u} className="combobox-option">
                  <UserOption user={u} />
                </ComboboxOption>
              ))}
            </ComboboxOptions>
          )}
        </div>
      </Combobox>
      <p id={`${ids}-status`} className="hint" role="status">
        {status}
      </p>
      <ErrorNotice error={search.error} />
    </Field>
  )
}

function UserOption({ user: u }: { user: PickedUser }) {
  if (u.username === undefined) return <>{u.displayName}</>
  return (
    <>
      {u.displayName} (<Sensitive kind="text" value={u.username} />){u.department ? ` · ${u.department}` : ''}
      {u.locked ? ' · locked' : ''}
      {u.protected ? ' · protected' : ''}
      {u.enrolment ? ` · enrolled: ${enrolmentText(u.enrolment)}` : ''}
    </>
  )
}
