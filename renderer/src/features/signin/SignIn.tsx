import { useMutation, useQueryClient } from '@tanstack/react-query'
import { useState, type FormEvent, type ReactNode } from 'react'
import { call } from '../../api/client'
import { sessionQueries } from '../../api/queries'
import { ErrorNotice } from '../../components/ErrorNotice'

/**
 * `notice`: why the sign-in screen is showing (B7: an idle lock or an ended visit wiped the console).
 * `children`: shown below the form (G1: the demo desk's accounts).
 */
export function SignIn({ notice = null, children }: { notice?: string | null; children?: ReactNode }) {
  const queryClient = useQueryClient()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const signIn = useMutation({
    mutationFn: () => call('session:signIn', { username, password }),
    onSuccess: (agent) => {
      setPassword('')
      queryClient.setQueryData(sessionQueries.current().queryKey, agent)
    },
  })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    signIn.mutate()
  }
  return (
    <main className="signin">
      <h1>ResetDesk</h1>
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      <form onSubmit={submit} aria-label="Sign in">
        <label>
          User name
          <input autoFocus autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required />
        </label>
        <label>
          Password
          <input type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        <button type="submit" disabled={signIn.isPending}>
          Sign in
        </button>
        <ErrorNotice error={signIn.error} />
      </form>
      {children}
    </main>
  )
}
