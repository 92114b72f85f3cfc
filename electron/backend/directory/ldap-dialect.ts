// What differs between directories: attribute names, how lock and must-change are read and
// written, how the password itself is set. The LDAP connector (ldap-directory.ts) is the same.
import type { Change, Entry } from 'ldapts'
import type { ResetOptions } from '../credentials/credential-store'

export interface LdapDialect {
  readonly name: 'openldap' | 'ad'
  /** The attribute whose value is the user's id in ResetDesk (unique, readable, survives OU moves). */
  readonly usernameAttribute: string
  /** Which entries are people. */
  readonly personFilter: string
  /** Attributes read for a user; operational ones (ppolicy) must be asked for by name. */
  readonly attributes: string[]
  /** The password may only travel over TLS (AD refuses unicodePwd otherwise). */
  readonly requiresTls: boolean
  /** The directory enforces composition (AD "complexity"): checked before anything is sent. */
  readonly requiresComplexity: boolean
  /** Groups named in the entry itself (memberOf), or null when they must be searched for. */
  groupsFromEntry(entry: Entry): string[] | null
  isLocked(entry: Entry): boolean
  mustChange(entry: Entry): boolean
  email(entry: Entry): string | null
  mobiles(entry: Entry): string[]
  displayName(entry: Entry): string
  department(entry: Entry): string | null
  title(entry: Entry): string | null
  /**
   * One modify request: the password, the unlock and the must-change flag change together or not
   * at all. `entry` is the user as read just before, for dialects whose changes depend on state.
   */
  resetChanges(newPassword: string, options: ResetOptions, entry: Entry): Change[]
  /** Empty when there is nothing to do. */
  unlockChanges(entry: Entry): Change[]
}

export function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase())
  if (!key) return []
  const v = entry[key]
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v]
  return list.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x))).filter((x) => x !== '')
}

export const first = (entry: Entry, attribute: string): string | null => values(entry, attribute)[0] ?? null

/** "CN=Domain Admins,OU=Groups,DC=corp" -> "Domain Admins" (escaped commas kept). */
export function cnOf(dn: string): string {
  const rdn = dn.match(/^\s*cn=((?:\\.|[^,])*)/i)?.[1]
  return rdn ? rdn.replace(/\\(.)/g, '$1').trim() : dn
}
