// S3 against the real Secret Service (gnome-keyring on a private D-Bus session): the remote-mode
// refresh token lives in the keychain, survives a restart of main's services, and is deleted on
// sign-out. It never reaches a file or the renderer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import { httpTransport } from '../helpers/transports'
import { createRemoteOperations } from '../../electron/main/backend-client/remote-operations'
import type { Session } from '../../electron/backend/operations'

const keyring = inject('keyring')
const sqlite = storeVariants.find((v) => v.name === 'sqlite')!

describe.skipIf(keyring.missing !== null)('refresh token in the OS keychain (keytar, Secret Service)', () => {
  let h: Harness
  let baseUrl: string
  let close: () => Promise<void>
  beforeAll(async () => {
    // libsecret finds the Secret Service through this variable, read when keytar first connects.
    process.env.DBUS_SESSION_BUS_ADDRESS = keyring.url!
    h = await startHarness(sqlite)
    const t = await httpTransport(h)
    baseUrl = t.baseUrl
    close = t.close
  })
  afterAll(async () => {
    await close?.()
    await h?.dispose()
  })

  it('stores, restores after a restart, rotates and deletes on sign-out', async () => {
    const { KeytarSecretStore } = await import('../../electron/main/secrets/keytar-secret-store')
    const keytar = (await import('keytar')).default
    const service = 'ResetDesk-test'
    const account = `refresh-token:${baseUrl}`

    const first = createRemoteOperations({ baseUrl, secrets: new KeytarSecretStore(service), fetch: (u, i) => fetch(u, i) })
    const session: Session = { agentId: null }
    await first['session:signIn'](session, { username: 'desk', password: 'desk-demo-2026' })
    const stored = await keytar.getPassword(service, account)
    expect(stored).toMatch(/^[\w-]{43}$/)

    // "Restart": new services, nothing in memory; the keychain brings the session back.
    const restarted = createRemoteOperations({ baseUrl, secrets: new KeytarSecretStore(service), fetch: (u, i) => fetch(u, i) })
    const again: Session = { agentId: null }
    expect(await restarted['session:current'](again, {})).toMatchObject({ username: 'desk' })
    expect(again.agentId).toBe('agent-desk')
    const rotated = await keytar.getPassword(service, account)
    expect(rotated).not.toBe(stored)
    // The first instance's token was rotated away: it can no longer restore anything.
    expect(
      await h.backend.store.db
        .selectFrom('session_tokens')
        .select('used_at')
        .where('kind', '=', 'refresh')
        .where('used_at', 'is not', null)
        .execute(),
    ).toHaveLength(1)

    await restarted['session:signOut'](again, {})
    expect(await keytar.getPassword(service, account)).toBeNull()
    const afterSignOut = createRemoteOperations({ baseUrl, secrets: new KeytarSecretStore(service), fetch: (u, i) => fetch(u, i) })
    expect(await afterSignOut['session:current']({ agentId: null }, {})).toBeNull()
  })
})
