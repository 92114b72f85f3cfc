// G7 panes rendered to markup (no browser): every form control is labelled, the lists show keys by
// prefix only and deliveries with their state and a retry where one applies.
import { createElement } from 'react'
import { renderToString } from 'react-dom/server'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { ApiKeysPane } from '../../../renderer/src/features/admin/ApiKeysPane'
import { WebhooksPane } from '../../../renderer/src/features/admin/WebhooksPane'
import { integrationQueries } from '../../../renderer/src/features/admin/integration-queries'
import type { ApiKeyView, WebhookDelivery, WebhookView } from '../../../shared/domain/integrations'

const at = '2026-11-27T10:00:00.000Z'
const render = (pane: () => ReturnType<typeof createElement>, seed: (client: QueryClient) => void) => {
  const client = new QueryClient()
  seed(client)
  // React separates adjacent text nodes with empty comments; the text is what a reader gets.
  return renderToString(createElement(QueryClientProvider, { client }, pane())).replaceAll('<!-- -->', '')
}
/** Every input, select and textarea has a <label for> naming it, or sits inside a <label>. */
const unlabelled = (html: string) =>
  [...html.matchAll(/<(input|select|textarea)\b[^>]*>/g)]
    .filter((m) => {
      const id = m[0].match(/\bid="([^"]+)"/)?.[1]
      const before = html.slice(0, m.index)
      const insideLabel = before.lastIndexOf('<label') > before.lastIndexOf('</label>')
      return !insideLabel && !(id && html.includes(`for="${id}"`))
    })
    .map((m) => m[0])

describe('G7 integration panes', () => {
  it('ApiKeysPane lists keys by prefix with a revoke for live ones, and labels its form', () => {
    const keys: ApiKeyView[] = [
      { id: 'k1', name: 'ServiceNow', prefix: 'rdk_AbCd', createdAt: at, createdBy: 'admin', lastUsedAt: null, revokedAt: null },
      { id: 'k2', name: 'Old Jira', prefix: 'rdk_XyZw', createdAt: at, createdBy: 'admin', lastUsedAt: at, revokedAt: at },
    ]
    const html = render(
      () => createElement(ApiKeysPane),
      (c) => c.setQueryData(integrationQueries.apiKeys().queryKey, keys),
    )
    expect(html).toContain('rdk_AbCd…')
    expect(html).toContain('Revoke ServiceNow')
    expect(html).not.toContain('Revoke Old Jira')
    expect(html).toMatch(/<label for="api-key-name">/)
    expect(unlabelled(html)).toEqual([])
  })

  it('WebhooksPane lists endpoints with counts and the delivery log with a retry for failed rows', () => {
    const webhooks: WebhookView[] = [
      {
        id: 'w1',
        name: 'ITSM',
        url: 'https://itsm.example/hook',
        events: ['work_note.added'],
        active: true,
        createdAt: at,
        updatedAt: at,
        pending: 1,
        failed: 1,
      },
    ]
    const deliveries: WebhookDelivery[] = [
      {
        id: 'd1',
        webhookId: 'w1',
        eventId: 'e1',
        eventType: 'work_note.added',
        recordNumber: 'INC0010001',
        state: 'failed',
        attempts: 12,
        lastStatus: 500,
        lastError: 'http_500',
        createdAt: at,
        nextAttemptAt: null,
        deliveredAt: null,
      },
      {
        id: 'd2',
        webhookId: 'w1',
        eventId: 'e2',
        eventType: 'reset.done',
        recordNumber: 'INC0010001',
        state: 'delivered',
        attempts: 1,
        lastStatus: 200,
        lastError: null,
        createdAt: at,
        nextAttemptAt: null,
        deliveredAt: at,
      },
    ]
    const html = render(
      () => createElement(WebhooksPane),
      (c) => {
        c.setQueryData(integrationQueries.webhooks().queryKey, webhooks)
        c.setQueryData(integrationQueries.deliveries({ offset: 0, limit: 25 }).queryKey, { rows: deliveries, total: 2 })
      },
    )
    expect(html).toContain('https://itsm.example/hook')
    expect(html).toContain('Retry work_note.added INC0010001')
    expect(html).not.toContain('Retry reset.done')
    expect(html).toContain('2 deliveries')
    expect(html).toContain('New webhook')
    expect(unlabelled(html)).toEqual([])
  })
})
