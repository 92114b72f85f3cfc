// What differs between directory products: how lock and must-change are read and written, how the
// password itself is set, and the defaults of the layout. Where people and groups live, and which
// attributes hold what, is the desk's layout (directory-layout.ts): a mapping, not code.
import type { Change, Entry } from 'ldapts'
import type { ResetOptions } from '../credentials/credential-store'
import type { AttributeMap } from './directory-layout'

export interface LdapDialect {
  readonly name: 'openldap' | 'ad'
  /** Which entries are people, when the layout names no filter. */
  readonly personFilter: string
  /** The stable id of an entry: survives renames and OU moves. */
  readonly idAttribute: 'entryUUID' | 'objectGUID'
  readonly attributeDefaults: Required<AttributeMap>
  /** Operational attributes lock and must-change are read from (they must be asked for by name). */
  readonly stateAttributes: string[]
  /** The password may only travel over TLS (AD refuses unicodePwd otherwise). */
  readonly requiresTls: boolean
  /** The directory enforces composition (AD "complexity"): checked before anything is sent. */
  readonly requiresComplexity: boolean
  isLocked(entry: Entry): boolean
  mustChange(entry: Entry): boolean
  /**
   * One modify request: the password, the unlock and the must-change flag change together or not
   * at all. `entry` is the user as read just before, for dialects whose changes depend on state.
   */
  resetChanges(newPassword: string, options: ResetOptions, entry: Entry): Change[]
  /** Empty when there is nothing to do. */
  unlockChanges(entry: Entry): Change[]
  /** B11: the attributes `lockChanges` needs to see (asked for by name: some are operational). */
  readonly lockAttributes: string[]
  /** B11: locks the account until an administrator or an unlocking reset lifts it; empty when already locked. */
  lockChanges(entry: Entry): Change[]
}

export function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase())
  if (!key) return []
  const v = entry[key]
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v]
  return list.map((x) => (Buffer.isBuffer(x) ? x.toString('utf8') : String(x))).filter((x) => x !== '')
}

export const first = (entry: Entry, attribute: string): string | null => values(entry, attribute)[0] ?? null

/** The raw bytes of a binary attribute (objectGUID), asked for with explicitBufferAttributes. */
export function firstBuffer(entry: Entry, attribute: string): Buffer | null {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase())
  const v = key ? entry[key] : undefined
  const one = Array.isArray(v) ? v[0] : v
  return Buffer.isBuffer(one) && one.length > 0 ? one : null
}
