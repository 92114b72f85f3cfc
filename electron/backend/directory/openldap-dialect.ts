// OpenLDAP with the ppolicy overlay: userPassword (hashed by ppolicy_hash_cleartext), a lock is
// pwdAccountLockedTime (deleting it unlocks), must-change is pwdReset=TRUE. An administrative
// lock is pwdAccountLockedTime=000001010000Z: ppolicy keeps it locked until the value is deleted
// (no pwdLockoutDuration expires it), which the delegated account may write.
import { Attribute, Change } from 'ldapts'
import type { LdapDialect } from './ldap-dialect'
import { first, values } from './ldap-dialect'

const remove = (type: string) => new Change({ operation: 'delete', modification: new Attribute({ type, values: [] }) })
const set = (type: string, v: string[]) => new Change({ operation: 'replace', modification: new Attribute({ type, values: v }) })

/** ppolicy's permanent lock: only deleting the attribute lifts it. */
export const ADMIN_LOCK = '000001010000Z'

export const openLdapDialect: LdapDialect = {
  name: 'openldap',
  personFilter: '(objectClass=inetOrgPerson)',
  idAttribute: 'entryUUID',
  attributeDefaults: {
    displayName: 'displayName',
    emails: ['mail'],
    mobiles: ['mobile'],
    department: 'departmentNumber',
    title: 'title',
    manager: 'manager',
  },
  stateAttributes: ['pwdAccountLockedTime', 'pwdReset'],
  requiresTls: false,
  requiresComplexity: false,
  isLocked: (entry) => values(entry, 'pwdAccountLockedTime').length > 0,
  mustChange: (entry) => first(entry, 'pwdReset')?.toUpperCase() === 'TRUE',
  // Found on slapd 2.5: an administrator's password change makes ppolicy itself delete
  // pwdAccountLockedTime (and pwdReset, unless the policy has pwdMustChange), unless the request
  // deletes it already. So: delete the lock only when there is one (a delete of an absent
  // attribute, or a replace-with-nothing, fails the whole request with noSuchAttribute), and set
  // pwdReset only when a change is required. ppolicy always unlocks on reset, as the product wants.
  resetChanges(newPassword, options, entry) {
    return [
      set('userPassword', [newPassword]),
      ...(options.unlock && this.isLocked(entry) ? [remove('pwdAccountLockedTime')] : []),
      ...(options.mustChange ? [set('pwdReset', ['TRUE'])] : []),
    ]
  },
  unlockChanges(entry) {
    return this.isLocked(entry) ? [remove('pwdAccountLockedTime')] : []
  },
  lockAttributes: ['pwdAccountLockedTime'],
  // A lock already in place (three bad binds) becomes the permanent one: a timed lockout would
  // end by itself, and the report asks for the account to stay shut until someone lets them in.
  lockChanges(entry) {
    return values(entry, 'pwdAccountLockedTime').includes(ADMIN_LOCK) ? [] : [set('pwdAccountLockedTime', [ADMIN_LOCK])]
  },
}
