// Active Directory: the password is unicodePwd (the quoted password in UTF-16LE, only over TLS),
// lockoutTime=0 unlocks, pwdLastSet=0 forces a change at next sign-in (-1 means "set now").
// AD's lockout is the domain's own (it cannot be set over LDAP): B11's lock disables the account
// instead (userAccountControl ACCOUNTDISABLE), which an administrator lifts in AD.
import { Attribute, Change } from 'ldapts'
import { AppError } from '../../../shared/errors'
import type { LdapDialect } from './ldap-dialect'
import { first } from './ldap-dialect'

const replace = (type: string, v: string[] | Buffer[]) =>
  new Change({ operation: 'replace', modification: new Attribute({ type, values: v }) })

export const encodeUnicodePwd = (password: string): Buffer => Buffer.from(`"${password}"`, 'utf16le')

/** userAccountControl's ACCOUNTDISABLE bit. */
export const ACCOUNTDISABLE = 0x2

export const adDialect: LdapDialect = {
  name: 'ad',
  personFilter: '(&(objectCategory=person)(objectClass=user))',
  idAttribute: 'objectGUID',
  attributeDefaults: {
    displayName: 'displayName',
    emails: ['mail'],
    mobiles: ['mobile', 'otherMobile'],
    department: 'department',
    title: 'title',
    manager: 'manager',
  },
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
  lockAttributes: ['userAccountControl'],
  lockChanges(entry) {
    const flags = Number(first(entry, 'userAccountControl') ?? 'NaN')
    // Without the flags we would overwrite every other bit of them: refuse rather than guess.
    if (!Number.isInteger(flags)) throw new AppError('DIRECTORY_UNAVAILABLE', { reason: 'account_flags_unreadable' })
    return flags & ACCOUNTDISABLE ? [] : [replace('userAccountControl', [String(flags | ACCOUNTDISABLE)])]
  },
}
