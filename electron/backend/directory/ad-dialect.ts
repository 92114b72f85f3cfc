// Active Directory: the password is unicodePwd (the quoted password in UTF-16LE, only over TLS),
// lockoutTime=0 unlocks, pwdLastSet=0 forces a change at next sign-in (-1 means "set now").
import { Attribute, Change } from 'ldapts'
import type { LdapDialect } from './ldap-dialect'
import { first } from './ldap-dialect'

const replace = (type: string, v: string[] | Buffer[]) => new Change({ operation: 'replace', modification: new Attribute({ type, values: v }) })

export const encodeUnicodePwd = (password: string): Buffer => Buffer.from(`"${password}"`, 'utf16le')

export const adDialect: LdapDialect = {
  name: 'ad',
  personFilter: '(&(objectCategory=person)(objectClass=user))',
  idAttribute: 'objectGUID',
  attributeDefaults: { displayName: 'displayName', emails: ['mail'], mobiles: ['mobile', 'otherMobile'], department: 'department', title: 'title', manager: 'manager' },
  stateAttributes: ['lockoutTime', 'pwdLastSet'],
  requiresTls: true,
  requiresComplexity: true,
  isLocked: (entry) => Number(first(entry, 'lockoutTime') ?? '0') > 0,
  mustChange: (entry) => first(entry, 'pwdLastSet') === '0',
  resetChanges(newPassword, options) {
    return [
      replace('unicodePwd', [encodeUnicodePwd(newPassword)]),
      ...(options.unlock ? [replace('lockoutTime', ['0'])] : []),
      replace('pwdLastSet', [options.mustChange ? '0' : '-1']),
    ]
  },
  unlockChanges: () => [replace('lockoutTime', ['0'])], // harmless when not locked
}
