// Many incidents assigned to desk, straight into a browser host's store: the 10k-row list test
// and the scroll bench scroll the same rows.
import type { BrowserHost } from './server'

export async function seedBulkIncidents(host: BrowserHost, count: number, description: string): Promise<void> {
  const db = host.backend.store.db
  const opened = Date.parse('2026-01-01T00:00:00Z')
  for (let chunk = 0; chunk < count; chunk += 500) {
    await db
      .insertInto('records')
      .values(
        Array.from({ length: Math.min(500, count - chunk) }, (_, k) => {
          const n = chunk + k
          return {
            id: `bulk-${n}`,
            kind: 'incident',
            number: `INC9${String(n).padStart(6, '0')}`,
            short_description: `Bulk incident ${n}`,
            description,
            caller_id: null,
            caller_name: `Caller ${n}`,
            state: 'New',
            active: 1,
            priority: (n % 5) + 1,
            channel: null,
            assignment_group: 'Service Desk',
            assigned_to: 'agent-desk',
            assigned_to_name: 'Dana Desk',
            opened_at: new Date(opened + n * 60_000).toISOString(),
            search_text: `inc9${String(n).padStart(6, '0')} caller ${n} bulk incident ${n}`,
          }
        }),
      )
      .execute()
  }
}
