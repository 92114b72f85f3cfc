// Shown while the backend cannot be reached. Nothing half-done: every step either happened on the
// server or not at all, so the agent simply repeats it once the banner is gone.
import { useQuery } from '@tanstack/react-query'
import { call } from '../api/client'
import { useConnectionStore } from '../stores/connection-store'

export function ConnectionBanner() {
  const reachable = useConnectionStore((s) => s.reachable)
  // Probe every few seconds while unreachable; a success flips the store back (see client.ts).
  useQuery({
    queryKey: ['connection', 'probe'],
    queryFn: () => call('session:current', {}).then(() => true),
    enabled: !reachable,
    refetchInterval: 3_000,
    retry: false,
    gcTime: 0,
  })
  if (reachable) return null
  return (
    <div className="connection-banner" role="alert">
      <strong>The ResetDesk server cannot be reached.</strong> Nothing was changed. Reconnecting…
    </div>
  )
}
