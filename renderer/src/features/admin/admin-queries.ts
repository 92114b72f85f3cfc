// G7 server state for the Administration area (react-query only). Saves invalidate the admin
// branch and the Identify step's process lists, so this console shows a change at once; other
// consoles read it on their next fetch (the backend keeps no cache).
import { queryOptions, type QueryClient } from '@tanstack/react-query'
import { call } from '../../api/client'

export const adminQueries = {
  all: () => ['admin'] as const,
  processes: () => queryOptions({ queryKey: ['admin', 'processes'], queryFn: () => call('admin:processes:list', {}) }),
  credentialStores: () =>
    queryOptions({ queryKey: ['admin', 'credentialStores'], queryFn: () => call('admin:credentialStores:list', {}), staleTime: 60_000 }),
  settings: () => queryOptions({ queryKey: ['admin', 'settings'], queryFn: () => call('admin:settings:get', {}) }),
}

/** After any process change: the admin lists and every user's offered processes (Identify). */
export function invalidateProcesses(queryClient: QueryClient): Promise<void> {
  return Promise.all([
    queryClient.invalidateQueries({ queryKey: adminQueries.all() }),
    queryClient.invalidateQueries({ queryKey: ['users'] }),
  ]).then(() => undefined)
}
