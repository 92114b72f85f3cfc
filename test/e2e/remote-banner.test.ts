// Remote mode in the console: the host's router serves the remote client (as main does when a
// backend URL is set) against the standalone server. When the server goes away the console shows
// the banner; when it is back the banner goes and the agent carries on, still signed in.
import type { Browser } from '@playwright/test'
import { expect, openConsole, startHost, test } from './host/fixture'
import { createHttpServer } from '../../electron/backend/http/server'
import { createRemoteOperations } from '../../electron/main/backend-client/remote-operations'
import { MemorySecretStore } from '../../electron/main/secrets/secret-store'
import type { Backend } from '../../electron/backend/index'
import { freePort } from '../helpers/service'

test.describe('remote mode banner', () => {
  let browser: Browser
  test.beforeAll(async ({ browser: b }) => {
    browser = b
  })

  test('shows the banner while the backend is unreachable and recovers without signing in again', async () => {
    const port = await freePort()
    let server = null as ReturnType<typeof createHttpServer> | null
    const listen = async (backend: Backend) => {
      server = createHttpServer(backend)
      await server.listen({ host: '127.0.0.1', port })
    }
    const host = await startHost({
      operations: () =>
        createRemoteOperations({ baseUrl: `http://127.0.0.1:${port}`, secrets: new MemorySecretStore(), fetch: (u, i) => fetch(u, i) }),
    })
    try {
      await listen(host.backend)
      const c = await openConsole(browser, host, 'desk')
      await expect(c.page.locator('tbody tr[data-record-id]').first()).toBeVisible()
      await expect(c.page.getByRole('alert').filter({ hasText: 'cannot be reached' })).toHaveCount(0)

      await server!.close()
      await c.page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Interactions' }).click()
      await expect(c.page.getByRole('alert').filter({ hasText: 'Reconnecting' }).first()).toBeVisible()

      await listen(host.backend)
      await expect(c.page.getByRole('alert').filter({ hasText: 'Reconnecting' })).toHaveCount(0, { timeout: 10_000 })
      await c.page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Incidents' }).click()
      await expect(c.page.locator('tbody tr[data-record-id]').first()).toBeVisible()
      await expect(c.page.getByText('Signed in as Dana Desk').first()).toBeVisible()
      await c.context.close()
    } finally {
      await server?.close()
      await host.close()
    }
  })
})
