// Server state lives in react-query only. Query-option factories with hierarchical keys, so a
// whole branch (everything about one flow, one record) can be invalidated or removed at once.
import { queryOptions, type QueryClient } from '@tanstack/react-query'
import { recordPageSize, type InputOf, type OutputOf } from '../../../shared/ipc/contract'
import type { AuditSearchInput } from '../../../shared/domain/audit-view'
import type { RecordKind } from '../../../shared/domain/types'
import { call } from './client'

export type ListParams = Required<Pick<InputOf<'records:list'>, 'filter' | 'q' | 'sort' | 'dir'>> & { kind: RecordKind }
export const pageSize = recordPageSize

export const sessionQueries = {
  current: () => queryOptions({ queryKey: ['session'], queryFn: () => call('session:current', {}), staleTime: Infinity }),
}

/** The console's own settings (B7 kiosk); they do not change while it runs, and survive a wipe. */
export const consoleQueries = {
  settings: () => queryOptions({ queryKey: ['console', 'settings'], queryFn: () => call('console:settings', {}), staleTime: Infinity }),
}

const pageKey = (p: ListParams, pageIndex: number) => ['records', 'list', p, pageIndex] as const

type ListPage = OutputOf<'records:list'>

async function fetchPage(client: QueryClient, p: ListParams, pageIndex: number): Promise<ListPage> {
  const beforeKey = pageKey(p, pageIndex - 1)
  const before =
    pageIndex === 0
      ? undefined
      : p.q.trim()
        ? await client.ensureQueryData({ queryKey: beforeKey, queryFn: () => fetchPage(client, p, pageIndex - 1) })
        : client.getQueryData<ListPage>(beforeKey)
  const last = before?.rows.length === pageSize ? before.rows.at(-1) : undefined
  // The page before was the list's last: nothing follows it.
  if (before && !last) return { rows: [] }
  return call('records:list', {
    ...p,
    offset: pageIndex * pageSize,
    limit: pageSize,
    // A sort's field is the row's own field of that name.
    ...(last ? { after: { value: last[p.sort], id: last.id } } : {}),
  })
}

export const recordQueries = {
  all: () => ['records'] as const,
  /**
   * One server page of a list. Pages are fetched by index for the rows in view, so a jump to the
   * end of 10k rows asks for the last page only, not every page before it. When the page before is
   * already here (scrolling), its last row is the keyset cursor: the server seeks instead of
   * skipping `offset` rows, so a deep page costs what the first does. A search's pages always go
   * by cursor, a jump fetching the pages before it in turn: skipping rows of a search tests each
   * against the term, and at 1M records skipping 900 of a common term's rows costs tens of ms,
   * where each page by cursor costs about what the first does.
   */
  page: (p: ListParams, pageIndex: number) =>
    queryOptions({ queryKey: pageKey(p, pageIndex), queryFn: ({ client }) => fetchPage(client, p, pageIndex) }),
  /** The size of a list: its own request, so the first rows never wait for a count. */
  count: ({ kind, filter, q }: ListParams) =>
    queryOptions({ queryKey: ['records', 'count', { kind, filter, q }], queryFn: () => call('records:count', { kind, filter, q }) }),
  detail: (recordId: string) =>
    queryOptions({ queryKey: ['records', 'detail', recordId], queryFn: () => call('records:get', { recordId }) }),
}

export const userQueries = {
  search: (q: string) =>
    queryOptions({ queryKey: ['users', 'search', q], queryFn: () => call('users:search', { q, limit: 10 }), staleTime: 30_000 }),
  enrolment: (userId: string) =>
    queryOptions({ queryKey: ['users', userId, 'enrolment'], queryFn: () => call('users:enrolment', { userId }) }),
  /** R3 + B2: the user's card and risk signals, read afresh each time Identify shows them. */
  risk: (userId: string, recordId: string) =>
    queryOptions({ queryKey: ['users', userId, 'risk', recordId], queryFn: () => call('users:risk', { userId, recordId }), staleTime: 0 }),
  processes: (userId: string) =>
    // Fetched afresh whenever Identify opens: R4's uses left and an administrator's changes (G7)
    // must not be a few seconds old there.
    queryOptions({ queryKey: ['users', userId, 'processes'], queryFn: () => call('processes:forUser', { userId }), staleTime: 0 }),
}

export const flowQueries = {
  all: () => ['flow'] as const,
  detail: (flowId: string) => queryOptions({ queryKey: ['flow', flowId], queryFn: () => call('flow:get', { flowId }) }),
  carriers: () => queryOptions({ queryKey: ['carriers'], queryFn: () => call('carriers:list', {}), staleTime: Infinity }),
}

export const demoQueries = {
  all: () => ['demo'] as const,
  mailbox: (userId: string) =>
    queryOptions({ queryKey: ['demo', 'mailbox', userId], queryFn: () => call('demo:mailbox', { userId }), refetchInterval: 2_000 }),
}

export const approvalQueries = {
  /** B1: a supervisor's queue; polled, since approvals are asked for from other consoles. */
  pending: () => queryOptions({ queryKey: ['approvals'], queryFn: () => call('approvals:list', {}), refetchInterval: 3_000 }),
  /** B1: the agent's side: who approved or rejected their flow, polled until someone decides. */
  decision: (flowId: string) =>
    queryOptions({
      queryKey: ['flow', flowId, 'decision'],
      queryFn: () => call('approvals:decision', { flowId }),
      refetchInterval: (q) => (q.state.data ? false : 3_000),
    }),
}

export const intentQueries = {
  /** F2: changes with an unknown outcome; polled, since the sweeper settles them in the background. */
  open: () => queryOptions({ queryKey: ['intents'], queryFn: () => call('intents:list', {}), refetchInterval: 5_000 }),
}

export const reportQueries = {
  /** B11: resets reported as not their users'; polled, since users report them from their mail. */
  open: () => queryOptions({ queryKey: ['reports'], queryFn: () => call('reports:list', {}), refetchInterval: 5_000 }),
}

export const auditQueries = {
  all: () => ['audit'] as const,
  search: (input: Omit<AuditSearchInput, 'offset' | 'limit'> & { offset: number; limit: number }) =>
    queryOptions({ queryKey: ['audit', 'search', input], queryFn: () => call('audit:search', input) }),
  page: (offset: number, limit: number) =>
    queryOptions({ queryKey: ['audit', 'list', offset, limit], queryFn: () => call('audit:list', { offset, limit }) }),
}
