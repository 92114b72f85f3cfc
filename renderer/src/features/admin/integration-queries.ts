// Server state of the integration admin panes (G7): query-option factories under one key branch,
// so a change invalidates exactly what it touched.
import { queryOptions } from '@tanstack/react-query'
import type { InputOf } from '../../../../shared/ipc/contract'
import { call } from '../../api/client'

export const integrationQueries = {
  all: () => ['admin', 'integrations'] as const,
  apiKeys: () => queryOptions({ queryKey: ['admin', 'integrations', 'apiKeys'], queryFn: () => call('admin:apiKeys:list', {}) }),
  webhooks: () => queryOptions({ queryKey: ['admin', 'integrations', 'webhooks'], queryFn: () => call('admin:webhooks:list', {}) }),
  deliveries: (input: InputOf<'admin:webhooks:deliveries'>) =>
    queryOptions({
      queryKey: ['admin', 'integrations', 'deliveries', input],
      queryFn: () => call('admin:webhooks:deliveries', input),
      // The log moves while the worker delivers: keep it current while the pane is open.
      refetchInterval: 5_000,
    }),
}
