// Test-side access to the throwaway slapd: people and groups are added as the root DN (setup
// only); the app under test binds as the delegated help-desk account.
import { randomUUID } from 'node:crypto'
import { Attribute, Change, Client } from 'ldapts'
import { providedService } from './provided'
import { ldapBase, ldapGroups, ldapHelpdesk, ldapPeople, ldapRoot } from './slapd'
import type { LdapDirectoryConfig } from '../../electron/backend/directory/ldap-directory'
import { directoryLayoutSchema, type DirectoryLayoutInput } from '../../electron/backend/directory/directory-layout'

export const slapd = () => providedService('slapd')

export async function asRoot<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ url: slapd().url!, timeout: 5000, connectTimeout: 5000 })
  try {
    await c.bind(ldapRoot.dn, ldapRoot.password)
    return await work(c)
  } finally {
    await c.unbind().catch(() => {})
  }
}

export interface LdapPerson {
  /** The stable id (entryUUID): DirectoryUser.id. */
  id: string
  uid: string
  dn: string
  password: string
  displayName: string
  mail: string
}

/** A fresh person (unique uid) in the given groups; groups are created on first use. */
export async function addPerson(
  opts: { groups?: string[]; mobiles?: string[]; mail?: string | null; prefix?: string } = {},
): Promise<LdapPerson> {
  const uid = `${opts.prefix ?? 'user'}${randomUUID().slice(0, 8)}`
  const dn = `uid=${uid},${ldapPeople}`
  const password = `initial-${randomUUID()}`
  const displayName = `Test ${uid}`
  const mail = opts.mail === undefined ? `${uid}@example.org` : opts.mail
  await asRoot(async (c) => {
    await c.add(dn, {
      objectClass: ['inetOrgPerson'],
      uid,
      cn: displayName,
      sn: uid,
      displayName,
      ...(mail ? { mail } : {}),
      ...(opts.mobiles?.length ? { mobile: opts.mobiles } : {}),
      userPassword: password,
    })
    for (const group of opts.groups ?? []) {
      const gdn = `cn=${group},${ldapGroups}`
      try {
        await c.add(gdn, { objectClass: ['groupOfNames'], cn: group, member: dn })
      } catch {
        await c.modify(gdn, new Change({ operation: 'add', modification: new Attribute({ type: 'member', values: [dn] }) }))
      }
    }
  })
  return { id: await entryUuidOf(dn), uid, dn, password, displayName, mail: mail ?? '' }
}

/** The entryUUID slapd gave an entry (DirectoryUser.id of an OpenLDAP user). */
export async function entryUuidOf(dn: string): Promise<string> {
  return asRoot(async (c) => {
    const { searchEntries } = await c.search(dn, { scope: 'base', attributes: ['entryUUID'] })
    return String(searchEntries[0]!.entryUUID)
  })
}

export async function deletePerson(dn: string): Promise<void> {
  await asRoot((c) => c.del(dn))
}

/** The user's own sign-in: 'ok', or the LDAP error class name (InvalidCredentialsError when locked too). */
export async function userBind(dn: string, password: string): Promise<string> {
  const c = new Client({ url: slapd().url!, timeout: 5000, connectTimeout: 5000 })
  try {
    await c.bind(dn, password)
    return 'ok'
  } catch (e) {
    return (e as Error).name
  } finally {
    await c.unbind().catch(() => {})
  }
}

/** ppolicy state as the root DN reads it. */
export async function ppolicyState(dn: string): Promise<{ locked: boolean; pwdReset: boolean }> {
  return asRoot(async (c) => {
    const { searchEntries } = await c.search(dn, { scope: 'base', attributes: ['pwdAccountLockedTime', 'pwdReset'] })
    const e = searchEntries[0]!
    // ldapts gives [] for an attribute asked for but absent.
    const present = (v: unknown) => (Array.isArray(v) ? v.length > 0 : v !== undefined && v !== '')
    return { locked: present(e.pwdAccountLockedTime), pwdReset: String(e.pwdReset).toUpperCase() === 'TRUE' }
  })
}

/** The suite's first layout: people by uid under ou=people, groupOfNames by member under ou=groups. */
export const uidLayout: DirectoryLayoutInput = {
  callers: { base: ldapPeople },
  agents: { base: ldapPeople },
  loginAttribute: 'uid',
  groups: { membership: 'member', base: ldapGroups },
  protectedGroups: ['LDAP Executives'],
}

export function ldapConfig(over: Partial<LdapDirectoryConfig> = {}, layout: DirectoryLayoutInput = uidLayout): LdapDirectoryConfig {
  return {
    dialect: 'openldap',
    url: slapd().url!,
    bindDn: ldapHelpdesk.dn,
    bindPassword: ldapHelpdesk.password,
    timeoutMs: 3000,
    ...directoryLayoutSchema.parse(layout),
    ...over,
  }
}

export { ldapBase }
