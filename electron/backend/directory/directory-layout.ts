// G2: the desk's directory as it is, described in connectors.json — where callers and agents live,
// which attribute they sign in with, which attributes hold what, and how group membership is
// recorded. One mapping serves every layout; nothing here is code per directory.
import { FilterParser } from 'ldapts'
import { z } from 'zod'
import { parseDn } from './dn'

/** An attribute description (RFC 4512 descr or OID), e.g. mail, departmentNumber, 2.5.4.3. */
const attributeName = z.string().regex(/^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$/, 'an attribute name such as mail')
const dnText = z
  .string()
  .min(1)
  .max(1000)
  .refine((s) => parseDn(s) !== null, 'a distinguished name (RFC 4514)')
const filterText = z
  .string()
  .min(3)
  .max(2000)
  .refine((s) => {
    try {
      FilterParser.parseString(s)
      return true
    } catch {
      return false
    }
  }, 'an LDAP filter (RFC 4515), e.g. (objectClass=inetOrgPerson)')

/** A group named by its DN ("cn=Service Desk,ou=Groups,o=Example Corp") or by its name ("Service Desk"). */
export const groupRef = z.string().min(1).max(1000)

/** Where one kind of person lives. */
export const searchEntrySchema = z.strictObject({
  base: dnText,
  scope: z.enum(['sub', 'one']).default('sub'),
  /** Which entries under the base are people; the dialect's person filter when absent. */
  filter: filterText.optional(),
})
export type SearchEntry = z.infer<typeof searchEntrySchema>

export const attributeMapSchema = z.strictObject({
  displayName: attributeName.optional(),
  emails: z.array(attributeName).min(1).optional(),
  mobiles: z.array(attributeName).optional(),
  department: attributeName.optional(),
  title: attributeName.optional(),
  manager: attributeName.optional(),
})
export type AttributeMap = z.infer<typeof attributeMapSchema>

export const groupLayoutSchema = z
  .strictObject({
    /**
     * memberOf: the person's entry lists its groups' DNs (AD; OpenLDAP's memberof overlay).
     * member / uniqueMember: group entries list their members' DNs. memberUid: group entries list
     * their members' uid values (posixGroup).
     */
    membership: z.enum(['memberOf', 'member', 'uniqueMember', 'memberUid']),
    /** Where groups are searched; needed unless membership is memberOf without nesting. */
    base: dnText.optional(),
    scope: z.enum(['sub', 'one']).default('sub'),
    filter: filterText.optional(),
    /** The attribute holding a group's name (roles and processes may name groups by it). */
    nameAttribute: attributeName.default('cn'),
    /**
     * none: direct membership only. inChain: AD's LDAP_MATCHING_RULE_IN_CHAIN
     * (1.2.840.113556.1.4.1941), one search for every group a person is in, at any depth.
     * search: a bounded recursive search for the groups that hold the person's groups.
     */
    nested: z.enum(['none', 'inChain', 'search']).default('none'),
    /** How many levels the recursive search follows (cycles are cut regardless). */
    maxDepth: z.number().int().min(1).max(20).default(5),
  })
  .refine((g) => g.base !== undefined || (g.membership === 'memberOf' && g.nested === 'none'), {
    message: 'groups.base is needed to search for groups',
    path: ['base'],
  })
  .refine((g) => !(g.membership === 'memberUid' && g.nested !== 'none'), {
    message: 'memberUid groups (posixGroup) cannot nest; use nested: none',
    path: ['nested'],
  })
export type GroupLayout = z.infer<typeof groupLayoutSchema>

/** The layout part of a directory's configuration. */
export const directoryLayoutShape = {
  callers: searchEntrySchema,
  /** Where agents live (agent sign-in); the callers' entry when absent. */
  agents: searchEntrySchema.optional(),
  /** What people type to sign in, and what a search matches exactly. */
  loginAttribute: z.enum(['uid', 'cn', 'sAMAccountName', 'userPrincipalName', 'mail']),
  /** The stable id (DirectoryUser.id); the dialect's (entryUUID, objectGUID) when absent. */
  idAttribute: z.enum(['entryUUID', 'objectGUID']).optional(),
  attributes: attributeMapSchema.default({}),
  groups: groupLayoutSchema,
  /** Members of these groups (DNs or names) are protected accounts (B1). */
  protectedGroups: z.array(groupRef).default([]),
}
export const directoryLayoutSchema = z.strictObject(directoryLayoutShape)
export type DirectoryLayout = z.infer<typeof directoryLayoutSchema>
export type DirectoryLayoutInput = z.input<typeof directoryLayoutSchema>
