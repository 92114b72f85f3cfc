// G3: an unknown user name costs the same as a known one. Asserted on the work itself, not on a
// clock: the scrypt derivation (spied on node:crypto) runs with the same parameters for an unknown
// name as for a known one, at a cost other than the test default; and a directory sign-in sends the
// same LDAP operations (one search, one bind) for an unknown name as for a wrong password.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { Client } from 'ldapts'
import { storeVariants } from '../helpers/stores'
import { errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { addPerson, ldapConfig, slapd } from '../helpers/ldap-fixtures'
import { ldapHelpdesk } from '../helpers/slapd'
import { slowHash } from '../../electron/backend/crypto/secrets'
import { LdapDirectory } from '../../electron/backend/directory/ldap-directory'

const derivations = vi.hoisted(() => [] as { N: number; r: number; p: number; keylen: number; saltBytes: number }[])
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>()
  const scrypt = ((secret: unknown, salt: Buffer, keylen: number, options: { N: number; r: number; p: number }, done: unknown) => {
    derivations.push({ N: options.N, r: options.r, p: options.p, keylen, saltBytes: salt.length })
    return (actual.scrypt as unknown as (...a: unknown[]) => void)(secret, salt, keylen, options, done)
  }) as typeof actual.scrypt
  return { ...actual, scrypt, default: { ...actual, scrypt } }
})

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!
// Not the harness's default (1024): the old fixed dummy hash (N=1024) would pass at that cost.
const COST = { N: 2 ** 14 }

describe('G3 sign-in costs the same for an unknown name', () => {
  let h: Harness
  beforeAll(async () => {
    h = await startHarness(sqlite, { demo: false, hashCost: COST })
    await h.backend.store.db
      .insertInto('agents')
      .values({
        id: 'cost-agent',
        username: 'cost.agent',
        display_name: 'Cost Agent',
        password_hash: await slowHash('the-right-password', COST),
        roles: '["password_reset_service_desk"]',
        groups: '[]',
      })
      .execute()
    await h.backend.store.db
      .insertInto('directory_users')
      .values({
        id: 'cost-user',
        username: 'cost.user',
        display_name: 'Cost User',
        email: 'cost.user@example.com',
        mobiles: '[]',
        groups: '[]',
        department: null,
        title: null,
        protected: 0,
        locked_at: null,
        must_change: 0,
        password_hash: await slowHash('users-password', COST),
        password_changed_at: null,
        contact_changed_at: null,
      })
      .execute()
  })
  afterAll(() => h?.dispose())
  afterEach(() => void (derivations.length = 0))

  async function derivationOf(run: () => Promise<unknown>) {
    derivations.length = 0
    await run().catch(() => {})
    return [...derivations]
  }

  it('agent sign-in: a wrong password and an unknown name each run one scrypt with the real parameters', async () => {
    const known = await derivationOf(() =>
      h.call({ agentId: null }, 'session:signIn', { username: 'cost.agent', password: 'wrong-password' }),
    )
    const unknown = await derivationOf(() =>
      h.call({ agentId: null }, 'session:signIn', { username: 'no.such.agent', password: 'wrong-password' }),
    )
    expect(known).toEqual([{ N: COST.N, r: 8, p: 1, keylen: 32, saltBytes: 16 }])
    expect(unknown).toEqual(known)
    expect((await errorOf(h.call({ agentId: null }, 'session:signIn', { username: 'no.such.agent', password: 'x' }))).code).toBe(
      'INVALID_CREDENTIALS',
    )
  })

  it("a caller's own sign-in on the local store: the same", async () => {
    const known = await derivationOf(() => h.backend.local.authenticate('cost.user', 'wrong-password'))
    const unknown = await derivationOf(() => h.backend.local.authenticate('no.such.user', 'wrong-password'))
    expect(known).toEqual([{ N: COST.N, r: 8, p: 1, keylen: 32, saltBytes: 16 }])
    expect(unknown).toEqual(known)
    expect(await h.backend.local.authenticate('cost.user', 'users-password')).toMatchObject({ id: 'cost-user' })
  })

  it('a refused sign-in keeps a keyed hash of the typed name in the audit, never the name', async () => {
    const typed = 'Summer-Password-2026' // a password typed into the name field
    await errorOf(h.call({ agentId: null }, 'session:signIn', { username: typed, password: 'x' }))
    const rows = await h.backend.store.db.selectFrom('audit').selectAll().where('action', '=', 'session.sign_in').execute()
    expect(rows.length).toBeGreaterThan(0)
    expect(JSON.stringify(rows)).not.toContain(typed)
    expect(JSON.stringify(rows).toLowerCase()).not.toContain(typed.toLowerCase())
  })
})

describe.skipIf(slapd().missing !== null)('G3 directory sign-in costs the same for an unknown name (real slapd)', () => {
  it('an unknown name sends one search and one bind, as a wrong password does', async () => {
    const person = await addPerson({ prefix: 'cost' })
    const directory = new LdapDirectory(ldapConfig(), { info() {}, error() {} })
    const binds = vi.spyOn(Client.prototype, 'bind')
    const searches = vi.spyOn(Client.prototype, 'search')
    try {
      const work = async (login: string) => {
        binds.mockClear()
        searches.mockClear()
        expect(await directory.authenticateAgent(login, 'wrong-password')).toBeNull()
        return {
          binds: binds.mock.calls.map((c) => (String(c[0]) === ldapHelpdesk.dn ? 'service' : 'user')),
          searches: searches.mock.calls.length,
        }
      }
      const known = await work(person.uid)
      const unknown = await work('no-such-agent')
      expect(known).toEqual({ binds: ['service', 'user'], searches: 1 })
      expect(unknown).toEqual(known)
      // The unknown name's bind went to a DN that cannot exist, under the agents' base.
      const lastUserBind = String(binds.mock.calls.at(-1)![0])
      expect(lastUserBind).toMatch(/^cn=resetdesk-no-such-entry-/)
    } finally {
      binds.mockRestore()
      searches.mockRestore()
    }
  })
})
