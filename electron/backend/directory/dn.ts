// Distinguished names per RFC 4514, parsed and escaped by @ldapjs/dn (never by hand), and the one
// rule for "is this user in that group" when a group is configured as a DN or as a plain name.
import ldapDn, { type DN, type RDN } from '@ldapjs/dn'

const { DN: Dn } = ldapDn

/** The parsed DN, or null when the text is not a DN (a plain group name such as "Domain Admins"). */
export function parseDn(text: string): DN | null {
  if (!text.includes('=')) return null // a name, not a DN: no attribute=value pair at all
  try {
    const dn = Dn.fromString(text)
    return dn.length > 0 ? dn : null
  } catch {
    return null
  }
}

/** The values of one RDN, keyed by the lower-cased attribute name. */
function rdnPairs(rdn: RDN): [string, string][] {
  return [...rdn.keys()].map((k) => [k.toLowerCase(), String(rdn.getValue(k) ?? '')])
}

/**
 * A comparison key for a DN: attribute names lower-cased, values unescaped, case-folded and
 * space-collapsed (the directory-string attributes of DNs — cn, ou, o, dc — match case-insensitively),
 * multi-valued RDNs in a stable order. Two spellings of one DN (`CN=Zoë` and `cn=Zo\C3\AB`) get one key.
 */
export function dnKey(dn: DN | string): string {
  const parsed = typeof dn === 'string' ? parseDn(dn) : dn
  if (!parsed) return ''
  const parts: string[] = []
  for (let i = 0; i < parsed.length; i++) {
    const pairs = rdnPairs(parsed.rdnAt(i)!)
      .map(([k, v]) => [k, v.normalize('NFC').toLowerCase().replace(/\s+/g, ' ').trim()] as const)
      .sort(([a], [b]) => a.localeCompare(b))
    parts.push(JSON.stringify(pairs))
  }
  return parts.join(',')
}

export const sameDn = (a: string, b: string): boolean => {
  const ka = dnKey(a)
  return ka !== '' && ka === dnKey(b)
}

/** The value of the first RDN: "CN=O'Brien\, Zoë,OU=Staff,..." -> "O'Brien, Zoë". */
export function firstRdnValue(dn: string): string {
  const first = parseDn(dn)?.rdnAt(0)
  const pair = first ? rdnPairs(first)[0] : undefined
  return pair ? pair[1] : dn
}

/** The DN in its RFC 4514 string form, as the library escapes it (for search bases and binds). */
export function formatDn(dn: DN): string {
  return dn.toString()
}

const foldName = (name: string) => name.normalize('NFC').toLowerCase().trim()

/**
 * Whether a member of `groups` (names) with `groupDns` (DNs) belongs to any of `refs`, each of
 * which is a group's DN or its name. Names match case-insensitively, as LDAP's cn does.
 */
export function inAnyGroup(member: { groups: string[]; groupDns?: string[] }, refs: readonly string[]): boolean {
  if (refs.length === 0) return false
  const names = new Set(member.groups.map(foldName))
  const dns = new Set((member.groupDns ?? []).map((d) => dnKey(d)))
  return refs.some((ref) => {
    const dn = parseDn(ref)
    return dn ? dns.has(dnKey(dn)) : names.has(foldName(ref))
  })
}
