// G2/G3 on two directory layouts the test builds itself, besides the suite's uid layout:
//  - OpenLDAP (real slapd + ppolicy) under `o=Example Corp`: people named by cn in nested OUs,
//    UTF-8 names with apostrophes and escaped commas, agents in their own OU, groups by DN with a
//    nested group, roles and processes configured by DN in another spelling;
//  - Active Directory shaped (userPrincipalName, sAMAccountName, memberOf, objectGUID, in-chain
//    nesting) on a loopback LDAPS stand-in that records what arrived on the wire.
// On each: find a caller, verify by email code, reset with unlock, sign in as an agent whose role
// comes through a nested group, and be refused with no role and outside the agent groups.
import { randomUUID } from 'node:crypto'
import { Attribute, Change, Client } from 'ldapts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { errorOf, latestCode, startHarness, type Harness } from '../helpers/backend-harness'
import { addPerson, asRoot, ldapConfig, slapd, uidLayout } from '../helpers/ldap-fixtures'
import { ldapGroups, slapdAccounts, startSlapd } from '../helpers/slapd'
import { startFakeAd, type AdEntry, type FakeAd, type WireFilter } from '../helpers/fake-ad'
import { LdapDirectory, type LdapDirectoryConfig } from '../../electron/backend/directory/ldap-directory'
import { directoryLayoutSchema, type DirectoryLayoutInput } from '../../electron/backend/directory/directory-layout'
import type { AgentDirectory } from '../../electron/backend/credentials/credential-store'
import { processRow } from '../../electron/backend/rules/processes'
import { processSchema } from '../../shared/domain/types'
import type { Session } from '../../electron/backend/operations'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!
const silent = { info() {}, error() {} }
const NEW_PASSWORD = 'Violet-Harbour-Lantern-2026'

interface Person {
  login: string
  password: string
}
interface Layout {
  ldap: LdapDirectory
  agents: AgentDirectory
  caller: Person & { displayName: string; email: string }
  /** Role through a nested group. */
  agent: Person
  /** In the agent groups, in no role group. */
  noRole: Person
  /** In a role group (nested), outside the agent groups. */
  stranger: Person
  /** The caller's group as a process names it. */
  staffGroup: string
  /** Every group the agent is in, at any depth (their assignment groups). */
  agentGroups: string[]
  /** The caller is locked in the directory now. */
  isLocked(): Promise<boolean>
  /** The caller can sign in with this password. */
  canBind(password: string): Promise<boolean>
}

/** The whole scenario, on one layout. */
function scenario(name: string, build: () => Promise<Layout & { dispose(): Promise<void> }>, wire?: (layout: Layout) => void) {
  describe(name, () => {
    let layout: Layout & { dispose(): Promise<void> }
    let h: Harness
    let agent: Session

    beforeAll(async () => {
      layout = await build()
      h = await startHarness(sqlite, { directory: layout.ldap, credentialStores: { ldap: layout.ldap }, agentDirectory: layout.agents })
    }, 60_000)
    afterAll(async () => {
      await h?.dispose()
      await layout?.dispose()
    })

    it('G3 an agent whose role comes through a nested group signs in; no role, and no agent group, are refused by name', async () => {
      agent = { agentId: null }
      const signedIn = await h.call(agent, 'session:signIn', { username: layout.agent.login, password: layout.agent.password })
      expect(signedIn.roles).toEqual(['password_reset_service_desk'])
      expect([...signedIn.groups].sort()).toEqual([...layout.agentGroups].sort())
      const noRole = await errorOf(
        h.call({ agentId: null }, 'session:signIn', { username: layout.noRole.login, password: layout.noRole.password }),
      )
      expect([noRole.code, noRole.details.missing]).toEqual(['NO_DESK_ROLE', 'role'])
      const stranger = await errorOf(
        h.call({ agentId: null }, 'session:signIn', { username: layout.stranger.login, password: layout.stranger.password }),
      )
      expect([stranger.code, stranger.details.missing]).toEqual(['NOT_AN_AGENT', 'agent_group'])
      const wrong = await errorOf(
        h.call({ agentId: null }, 'session:signIn', { username: layout.agent.login, password: 'not-the-password' }),
      )
      expect(wrong.code).toBe('INVALID_CREDENTIALS')
      // The caller is no agent: agents are looked up in their own entry only.
      expect(
        (await errorOf(h.call({ agentId: null }, 'session:signIn', { username: layout.caller.login, password: layout.caller.password })))
          .code,
      ).toBe('INVALID_CREDENTIALS')
    })

    it("G2 finds the caller by name, by login and by email, and reads them by their stable id; the caller's own sign-in works", async () => {
      const found = await h.call(agent, 'users:search', { q: "O'Brien" })
      expect(found.map((u) => u.displayName)).toEqual([layout.caller.displayName])
      const id = found[0]!.id
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
      expect((await layout.ldap.findByLoginOrEmail(layout.caller.login))?.id).toBe(id)
      expect((await layout.ldap.findByLoginOrEmail(layout.caller.email.toUpperCase()))?.id).toBe(id)
      expect(await layout.ldap.findByLoginOrEmail('nobody@nowhere.example')).toBeNull()
      const user = await layout.ldap.get(id)
      expect(user).toMatchObject({
        id,
        username: layout.caller.login,
        displayName: layout.caller.displayName,
        email: layout.caller.email,
        protected: false,
      })
      expect(await layout.ldap.get('not-an-id')).toBeNull()
      // Locked for now: the caller's own sign-in is refused even with the right password.
      expect(await layout.ldap.authenticate(layout.caller.login, layout.caller.password)).toBeNull()
      expect(await layout.ldap.authenticate(layout.caller.login, '')).toBeNull()
    })

    it('R5/R6 verifies the caller by email code and resets with unlock; the new password signs in', async () => {
      const caller = (await layout.ldap.findByLoginOrEmail(layout.caller.login))!
      expect(await layout.isLocked()).toBe(true)
      const processId = `proc-${randomUUID().slice(0, 8)}`
      await h.backend.store.db
        .insertInto('processes')
        .values(
          processRow(
            processSchema.parse({
              id: processId,
              name: 'Directory staff',
              description: 'Staff',
              appliesToGroups: [layout.staffGroup],
              protectedAccounts: false,
              credentialStore: 'ldap',
              methods: ['email_code'],
              requiredPasses: 1,
              resetMethods: ['manual'],
              unlock: true,
              requireChange: false,
              requiresApproval: false,
              policy: {},
              settings: {},
            }),
          ),
        )
        .execute()
      const recordId = randomUUID()
      await h.backend.store.db
        .insertInto('records')
        .values({
          id: recordId,
          kind: 'interaction',
          number: `IMS9${Math.floor(Math.random() * 1e6)}`,
          short_description: 'Locked out',
          description: '',
          caller_id: caller.id,
          caller_name: caller.displayName,
          state: 'work_in_progress',
          active: 1,
          priority: null,
          channel: 'phone',
          assignment_group: null,
          assigned_to: agent.agentId,
          assigned_to_name: null,
          opened_at: new Date().toISOString(),
          search_text: 'locked out',
        })
        .execute()
      expect((await h.call(agent, 'processes:forUser', { userId: caller.id })).map((p) => p.process.id)).toContain(processId)
      const flow = await h.call(agent, 'flow:start', { recordId, userId: caller.id, processId })
      await h.call(agent, 'verify:sendCode', { flowId: flow.id, method: 'email_code' })
      await h.call(agent, 'verify:checkCode', { flowId: flow.id, method: 'email_code', code: await latestCode(h, agent, caller.id) })
      await h.call(agent, 'reset:run', { flowId: flow.id, method: 'manual', password: NEW_PASSWORD, confirm: NEW_PASSWORD })
      expect(await layout.isLocked()).toBe(false)
      expect(await layout.canBind(NEW_PASSWORD)).toBe(true)
      expect(await layout.canBind(layout.caller.password)).toBe(false)
      // The caller's own sign-in (the enrolment page's) now works with the new password.
      expect(await layout.ldap.authenticate(layout.caller.login, NEW_PASSWORD)).toMatchObject({ id: caller.id })
      await h.call(agent, 'flow:close', { flowId: flow.id, passwordShared: true })
      expect(h.logLines.join('\n')).not.toContain(NEW_PASSWORD)
    })

    if (wire) it('on the wire', () => wire(layout))
  })
}

// --- OpenLDAP: cn-named people in nested OUs under o=Example Corp ---
const suffix = 'o=Example Corp'
const corp = {
  caller: `cn=O'Brien\\, Zoë,ou=Engineering,ou=Dublin,ou=Staff,${suffix}`,
  agent: `cn=Ana Agent,ou=Agents,${suffix}`,
  noRole: `cn=Nora Norole,ou=Agents,${suffix}`,
  stranger: `cn=Sam Stranger,ou=Agents,${suffix}`,
  deskAgents: `cn=Desk Agents,ou=Directory Groups,${suffix}`,
  tier1: `cn=Tier 1,ou=Directory Groups,${suffix}`,
  serviceDesk: `cn=Service Desk\\, Dublin,ou=Directory Groups,${suffix}`,
  staff: `cn=Staff,ou=Directory Groups,${suffix}`,
  loopA: `cn=Loop A,ou=Directory Groups,${suffix}`,
  loopB: `cn=Loop B,ou=Directory Groups,${suffix}`,
}

async function buildCorpSlapd() {
  const server = await startSlapd({ suffix, topEntry: 'objectClass: organization\no: Example Corp' })
  const { root, helpdesk } = slapdAccounts(suffix)
  const asRoot = async <T>(work: (c: Client) => Promise<T>) => {
    const c = new Client({ url: server.url, timeout: 5000, connectTimeout: 5000 })
    try {
      await c.bind(root.dn, root.password)
      return await work(c)
    } finally {
      await c.unbind().catch(() => {})
    }
  }
  const bind = async (dn: string, password: string) => {
    const c = new Client({ url: server.url, timeout: 5000, connectTimeout: 5000 })
    try {
      await c.bind(dn, password)
      return true
    } catch {
      return false
    } finally {
      await c.unbind().catch(() => {})
    }
  }
  const pw = (who: string) => `${who}-${randomUUID()}`
  const people = { caller: pw('caller'), agent: pw('agent'), noRole: pw('norole'), stranger: pw('stranger') }
  await asRoot(async (c) => {
    for (const ou of [
      `ou=Staff,${suffix}`,
      `ou=Dublin,ou=Staff,${suffix}`,
      `ou=Engineering,ou=Dublin,ou=Staff,${suffix}`,
      `ou=Agents,${suffix}`,
      `ou=Directory Groups,${suffix}`,
    ]) {
      await c.add(ou, { objectClass: ['organizationalUnit'], ou: ou.slice(3, ou.indexOf(',')) })
    }
    const person = (dn: string, cn: string, sn: string, password: string, extra: Record<string, string> = {}) =>
      c.add(dn, { objectClass: ['inetOrgPerson'], cn, sn, userPassword: password, ...extra })
    await person(corp.caller, "O'Brien, Zoë", "O'Brien", people.caller, {
      mail: 'zoe.obrien@example.com',
      mobile: '+353 1 555 0101',
      departmentNumber: 'Engineering',
    })
    await person(corp.agent, 'Ana Agent', 'Agent', people.agent)
    await person(corp.noRole, 'Nora Norole', 'Norole', people.noRole)
    await person(corp.stranger, 'Sam Stranger', 'Stranger', people.stranger)
    const group = (dn: string, cn: string, member: string[]) => c.add(dn, { objectClass: ['groupOfNames'], cn, member })
    await group(corp.deskAgents, 'Desk Agents', [corp.agent, corp.noRole])
    await group(corp.tier1, 'Tier 1', [corp.agent, corp.stranger])
    await group(corp.serviceDesk, 'Service Desk, Dublin', [corp.tier1])
    await group(corp.staff, 'Staff', [corp.caller])
    // A cycle above the agent's groups: the recursive search must end, each group once.
    await group(corp.loopA, 'Loop A', [corp.serviceDesk])
    await group(corp.loopB, 'Loop B', [corp.loopA])
    await c.modify(corp.loopA, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [corp.loopB] }) }))
  })
  // ppolicy: three bad binds lock the caller.
  for (let i = 0; i < 3; i++) await bind(corp.caller, 'wrong-password')
  const layout: DirectoryLayoutInput = {
    callers: { base: `ou=Staff,${suffix}`, scope: 'sub', filter: '(objectClass=inetOrgPerson)' },
    agents: { base: `ou=Agents,${suffix}`, scope: 'one' },
    loginAttribute: 'cn',
    attributes: { department: 'departmentNumber' },
    groups: {
      membership: 'member',
      base: `ou=Directory Groups,${suffix}`,
      filter: '(objectClass=groupOfNames)',
      nested: 'search',
      maxDepth: 3,
    },
  }
  const config: LdapDirectoryConfig = {
    dialect: 'openldap',
    url: server.url,
    bindDn: helpdesk.dn,
    bindPassword: helpdesk.password,
    timeoutMs: 3000,
    ...directoryLayoutSchema.parse(layout),
  }
  const ldap = new LdapDirectory(config, silent)
  return {
    ldap,
    // Groups by DN, spelled otherwise than the directory does (case, hex escape of the comma).
    agents: {
      authenticate: (u: string, p: string) => ldap.authenticateAgent(u, p),
      groups: [`CN=Desk Agents,OU=Directory Groups,O=Example Corp`],
      roleGroups: { password_reset_service_desk: ['CN=Service Desk\\2C Dublin,OU=Directory Groups,O=Example Corp'] },
    },
    caller: { login: "O'Brien, Zoë", password: people.caller, displayName: "O'Brien, Zoë", email: 'zoe.obrien@example.com' },
    agent: { login: 'Ana Agent', password: people.agent },
    noRole: { login: 'Nora Norole', password: people.noRole },
    stranger: { login: 'Sam Stranger', password: people.stranger },
    staffGroup: `CN=Staff,OU=Directory Groups,O=Example Corp`,
    agentGroups: ['Desk Agents', 'Tier 1', 'Service Desk, Dublin', 'Loop A', 'Loop B'],
    isLocked: () =>
      asRoot(async (c) => {
        const { searchEntries } = await c.search(corp.caller, { scope: 'base', attributes: ['pwdAccountLockedTime'] })
        const v = searchEntries[0]!.pwdAccountLockedTime
        return Array.isArray(v) ? v.length > 0 : !!v
      }),
    canBind: (password: string) => bind(corp.caller, password),
    dispose: async () => server.stop(),
  }
}

// --- Active Directory shaped, on the loopback stand-in ---
const dc = 'DC=corp,DC=example'
const ad = {
  caller: `CN=O'Brien\\, Zoë,OU=Staff,${dc}`,
  agent: `CN=Ana Agent,OU=IT,${dc}`,
  noRole: `CN=Nora Norole,OU=IT,${dc}`,
  stranger: `CN=Sam Stranger,OU=IT,${dc}`,
  agentsGroup: `CN=ResetDesk Agents,OU=Groups,${dc}`,
  tier1: `CN=Tier 1,OU=Groups,${dc}`,
  serviceDesk: `CN=Service Desk,OU=Groups,${dc}`,
  staff: `CN=Staff,OU=Groups,${dc}`,
}
const IN_CHAIN = '1.2.840.113556.1.4.1941'
const guid = () => Buffer.from(randomUUID().replaceAll('-', ''), 'hex')

async function buildFakeAd() {
  const service = { dn: `CN=svc-resetdesk,OU=Service Accounts,${dc}`, password: 'ad-service-pw' }
  const pw = (who: string) => `${who}-${randomUUID()}-A1`
  const people = { caller: pw('caller'), agent: pw('agent'), noRole: pw('norole'), stranger: pw('stranger') }
  const person = (
    dn: string,
    sam: string,
    upn: string,
    password: string,
    memberOf: string[],
    extra: Record<string, string[]> = {},
  ): AdEntry => ({
    dn,
    password,
    attrs: {
      objectClass: ['top', 'person', 'user'],
      objectCategory: ['person'],
      objectGUID: [guid()],
      sAMAccountName: [sam],
      userPrincipalName: [upn],
      cn: [dn.slice(3, dn.indexOf(',OU='))],
      memberOf,
      lockoutTime: ['0'],
      pwdLastSet: ['133700000000000000'],
      ...extra,
    },
  })
  const group = (dn: string, name: string, member: string[]): AdEntry => ({
    dn,
    attrs: { objectClass: ['top', 'group'], objectGUID: [guid()], cn: [name], member },
  })
  const entries: AdEntry[] = [
    person(ad.caller, 'zobrien', 'zoe.obrien@corp.example', people.caller, [ad.staff], {
      displayName: ["O'Brien, Zoë"],
      mail: ['zoe.obrien@corp.example'],
      otherMobile: ['+1 415 555 0199'],
      lockoutTime: ['133780000000000000'],
    }),
    person(ad.agent, 'aagent', 'ana.agent@corp.example', people.agent, [ad.agentsGroup, ad.tier1]),
    person(ad.noRole, 'nnorole', 'nora.norole@corp.example', people.noRole, [ad.agentsGroup]),
    person(ad.stranger, 'sstranger', 'sam.stranger@corp.example', people.stranger, [ad.tier1]),
    group(ad.agentsGroup, 'ResetDesk Agents', [ad.agent, ad.noRole]),
    group(ad.tier1, 'Tier 1', [ad.agent, ad.stranger]),
    group(ad.serviceDesk, 'Service Desk', [ad.tier1]),
    group(ad.staff, 'Staff', [ad.caller]),
  ]
  const server = await startFakeAd(entries, service)
  const layout: DirectoryLayoutInput = {
    callers: { base: `OU=Staff,${dc}` },
    agents: { base: `OU=IT,${dc}`, scope: 'one' },
    loginAttribute: 'userPrincipalName',
    groups: { membership: 'memberOf', base: `OU=Groups,${dc}`, nested: 'inChain' },
  }
  const config: LdapDirectoryConfig = {
    dialect: 'ad',
    url: `ldaps://127.0.0.1:${server.port}`,
    bindDn: service.dn,
    bindPassword: service.password,
    tls: { ca: server.ca },
    timeoutMs: 3000,
    ...directoryLayoutSchema.parse(layout),
  }
  const ldap = new LdapDirectory(config, silent)
  const callerEntry = entries[0]!
  return {
    ldap,
    server,
    // Roles and agents named by group name here; the other layout names them by DN.
    agents: {
      authenticate: (u: string, p: string) => ldap.authenticateAgent(u, p),
      groups: ['ResetDesk Agents'],
      roleGroups: { password_reset_service_desk: ['service desk'] },
    },
    caller: { login: 'zoe.obrien@corp.example', password: people.caller, displayName: "O'Brien, Zoë", email: 'zoe.obrien@corp.example' },
    agent: { login: 'ana.agent@corp.example', password: people.agent },
    noRole: { login: 'nora.norole@corp.example', password: people.noRole },
    stranger: { login: 'sam.stranger@corp.example', password: people.stranger },
    staffGroup: 'Staff',
    agentGroups: ['ResetDesk Agents', 'Tier 1', 'Service Desk'],
    isLocked: async () => Number(String(callerEntry.attrs.lockoutTime![0])) > 0,
    canBind: async (password: string) => callerEntry.password === password,
    dispose: () => server.close(),
  }
}

const has = (f: WireFilter, test: (f: WireFilter) => boolean): boolean =>
  test(f) ||
  ('and' in f && f.and.some((x) => has(x, test))) ||
  ('or' in f && f.or.some((x) => has(x, test))) ||
  ('not' in f && has(f.not, test))

describe.skipIf(slapd().missing !== null)('G2 a cn-named OpenLDAP layout under o=Example Corp (real slapd)', () => {
  scenario('cn in nested OUs, escaped commas, agents in their own OU, nested groups by DN', buildCorpSlapd)
})

describe('G2 an Active Directory layout (loopback LDAPS stand-in)', () => {
  scenario('userPrincipalName sign-in, memberOf, objectGUID ids, in-chain nesting', buildFakeAd, (layout) => {
    const server = (layout as unknown as { server: FakeAd }).server
    // Agents were looked up by userPrincipalName under OU=IT, and their groups by the in-chain rule.
    expect(
      server.searches.some(
        (s) =>
          s.base === `OU=IT,${dc}` &&
          has(s.filter, (f) => 'eq' in f && f.eq[0] === 'userPrincipalName' && f.eq[1].toString() === 'ana.agent@corp.example'),
      ),
    ).toBe(true)
    expect(
      server.searches.some((s) =>
        has(s.filter, (f) => 'ext' in f && f.ext.rule === IN_CHAIN && f.ext.type === 'member' && f.ext.value === ad.agent),
      ),
    ).toBe(true)
    // The caller was read by objectGUID: 16 raw bytes in the filter, not the printed string.
    expect(server.searches.some((s) => has(s.filter, (f) => 'eq' in f && f.eq[0] === 'objectGUID' && f.eq[1].length === 16))).toBe(true)
    // The reset: one modify on the caller's DN (escaped comma and UTF-8 intact), AD style.
    const reset = server.modifies.find((m) => m.changes.some((c) => c.type === 'unicodePwd'))!
    expect(reset.dn).toBe(ad.caller)
    expect(reset.changes.map((c) => [c.operation, c.type])).toEqual([
      [2, 'unicodePwd'],
      [2, 'lockoutTime'],
      [2, 'pwdLastSet'],
    ])
    expect(reset.changes[0]!.values[0]!.toString('utf16le')).toBe(`"${NEW_PASSWORD}"`)
    // No bind ever went out with an empty password.
    expect(server.binds.length).toBeGreaterThan(0)
  })
})

describe.skipIf(slapd().missing !== null)('G2 posixGroup membership by name (memberUid) on the uid layout', () => {
  it("reads groups whose memberUid holds the person's uid, and a protected group named by DN", async () => {
    const person = await addPerson({ prefix: 'posix' })
    const gdn = `cn=posix-${person.uid},${ldapGroups}`
    await asRoot((c) => c.add(gdn, { objectClass: ['posixGroup'], cn: `posix-${person.uid}`, gidNumber: '5000', memberUid: person.uid }))
    const ldap = new LdapDirectory(
      ldapConfig(
        {},
        {
          ...uidLayout,
          groups: { membership: 'memberUid', base: ldapGroups, filter: '(objectClass=posixGroup)' },
          protectedGroups: [gdn.toUpperCase()],
        },
      ),
      silent,
    )
    const user = await ldap.get(person.id)
    expect(user).toMatchObject({ groups: [`posix-${person.uid}`], protected: true })
    expect(user!.groupDns!.map((d) => d.toLowerCase())).toEqual([gdn.toLowerCase()])
  })
})
