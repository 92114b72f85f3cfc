// B11: what each directory dialect writes to lock an account after a "this wasn't me" report.
// OpenLDAP is also exercised against a real slapd (test/integration/wasnt-me.test.ts); AD's
// disabled flag is checked here, with every other bit of userAccountControl kept.
import type { Change, Entry } from 'ldapts'
import { describe, expect, it } from 'vitest'
import { ACCOUNTDISABLE, adDialect } from '../../../electron/backend/directory/ad-dialect'
import { ADMIN_LOCK, openLdapDialect } from '../../../electron/backend/directory/openldap-dialect'

const entry = (attrs: Record<string, string | string[]>): Entry => ({ dn: 'cn=someone,dc=example', ...attrs })
const written = (changes: Change[]) =>
  changes.map((c) => ({ operation: c.operation, type: c.modification.type, values: c.modification.values.map(String) }))

describe('B11 lock changes per dialect', () => {
  it("OpenLDAP: ppolicy's permanent lock, replacing a timed lockout; nothing when already so locked", () => {
    expect(written(openLdapDialect.lockChanges(entry({})))).toEqual([
      { operation: 'replace', type: 'pwdAccountLockedTime', values: [ADMIN_LOCK] },
    ])
    expect(written(openLdapDialect.lockChanges(entry({ pwdAccountLockedTime: '20261127090000Z' })))).toEqual([
      { operation: 'replace', type: 'pwdAccountLockedTime', values: ['000001010000Z'] },
    ])
    expect(openLdapDialect.lockChanges(entry({ pwdAccountLockedTime: ADMIN_LOCK }))).toEqual([])
    // A locked account reads as locked, and an unlock removes the lock again.
    expect(openLdapDialect.isLocked(entry({ pwdAccountLockedTime: ADMIN_LOCK }))).toBe(true)
    expect(written(openLdapDialect.unlockChanges(entry({ pwdAccountLockedTime: ADMIN_LOCK })))).toEqual([
      { operation: 'delete', type: 'pwdAccountLockedTime', values: [] },
    ])
  })

  it('AD: sets ACCOUNTDISABLE and keeps the other flags; nothing when disabled already; refuses to guess unreadable flags', () => {
    // 512 NORMAL_ACCOUNT | 65536 DONT_EXPIRE_PASSWORD
    expect(written(adDialect.lockChanges(entry({ userAccountControl: '66048' })))).toEqual([
      { operation: 'replace', type: 'userAccountControl', values: [String(66048 | ACCOUNTDISABLE)] },
    ])
    expect(adDialect.lockChanges(entry({ userAccountControl: String(512 | ACCOUNTDISABLE) }))).toEqual([])
    expect(() => adDialect.lockChanges(entry({}))).toThrow(expect.objectContaining({ code: 'DIRECTORY_UNAVAILABLE' }))
    expect(adDialect.lockAttributes).toEqual(['userAccountControl'])
  })
})
