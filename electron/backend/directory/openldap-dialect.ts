// OpenLDAP with the ppolicy overlay: userPassword (hashed by ppolicy_hash_cleartext), a lock is
// pwdAccountLockedTime (deleting it unlocks), must-change is pwdReset=TRUE.
import { Attribute, Change } from 'ldapts'
import type { LdapDialect } from './ldap-dialect'
import { cnOf, first, values } from './ldap-dialect'

const remove = (type: string) => new Change({ operation: 'delete', modification: new Attribute({ type, values: [] }) })
const set = (type: string, v: string[]) => new Change({ operation: 'replace', modification: new Attribute({ type, values: v }) })

export const openLdapDialect: LdapDialect = {
  name: 'openldap',
  usernameAttribute: 'uid',
  personFilter: '(objectClass=inetOrgPerson)',
  attributes: ['uid', 'cn', 'displayName', 'mail', 'mobile', 'departmentNumber', 'ou', 'title', 'memberOf', 'pwdAccountLockedTime', 'pwdReset'],
  requiresTls: false,
  requiresComplexity: false,
  groupsFromEntry(entry) {
    // Only when the memberof overlay is loaded; otherwise groups are searched for by member.
    const memberOf = values(entry, 'memberOf')
    return memberOf.length > 0 ? memberOf.map(cnOf) : null
  },
  isLocked: (entry) => values(entry, 'pwdAccountLockedTime').length > 0,
  mustChange: (entry) => first(entry, 'pwdReset')?.toUpperCase() === 'TRUE',
  email: (entry) => first(entry, 'mail'),
  mobiles: (entry) => values(entry, 'mobile'),
  displayName: (entry) => first(entry, 'displayName') ?? first(entry, 'cn') ?? first(entry, 'uid') ?? '',
  department: (entry) => first(entry, 'departmentNumber') ?? first(entry, 'ou'),
  title: (entry) => first(entry, 'title'),
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
}
