// F2: asking an LDAP directory whether a password change whose answer was lost took effect.
// First choice, while the request still holds the new password: a bind as the user with it
// (the directory's own answer). Otherwise the time of the last change: OpenLDAP ppolicy's
// pwdChangedTime, Active Directory's pwdLastSet (FILETIME; 0 means "must change", no time).
import { Client, type Entry } from 'ldapts'
import { first } from './ldap-dialect'

export type ResetTruth = boolean | null

/** Attributes to ask for: operational ones are only returned by name. */
export const changeTimeAttributes = { openldap: ['pwdChangedTime'], ad: ['pwdLastSet'] } as const

/** "20261127095100Z" or "20261127095100.123Z" (GeneralizedTime, UTC) */
function fromGeneralizedTime(v: string): Date | null {
  const m = v.match(/^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:[.,](\d+))?Z$/)
  if (!m) return null
  const ms = m[7] ? Number(`0.${m[7]}`) * 1000 : 0
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms))
}

/** 100-ns intervals since 1601-01-01 UTC. */
function fromFileTime(v: string): Date | null {
  const n = BigInt(v)
  if (n <= 0n) return null
  return new Date(Number(n / 10_000n - 11_644_473_600_000n))
}

/** When the password was last set, or null when the entry does not say. */
export function passwordChangedAt(dialect: 'openldap' | 'ad', entry: Entry): Date | null {
  const value = first(entry, changeTimeAttributes[dialect][0])
  if (!value) return null
  return dialect === 'openldap' ? fromGeneralizedTime(value) : fromFileTime(value)
}

/**
 * A bind as the user with the new password. true: it is the password; false: the directory says
 * it is not; null: no answer. AD answers 49 with "data 773" when the password is right but must be
 * changed at next sign-in, which is exactly the state a reset with must-change leaves.
 */
export async function bindsWith(
  connect: () => Client,
  startTls: (c: Client) => Promise<void>,
  dn: string,
  password: string,
): Promise<ResetTruth> {
  const client = connect()
  try {
    await startTls(client)
    await client.bind(dn, password)
    return true
  } catch (e) {
    const err = e as { name?: string; code?: unknown; message?: string }
    if (err?.name === 'InvalidCredentialsError' || err?.code === 49) return /data 773/.test(err.message ?? '') ? true : false
    return null
  } finally {
    await client.unbind().catch(() => {})
  }
}

/** The time rule: a change at or after `since` (GeneralizedTime keeps whole seconds). */
export function changedSince(changedAt: Date | null, since: Date): boolean {
  if (!changedAt) return false
  return changedAt.getTime() >= Math.floor(since.getTime() / 1000) * 1000
}
