// The LDAP directory and credential store (OpenLDAP + ppolicy, or Active Directory), reached with
// ldapts. It binds as a delegated help-desk account, never the directory's root. Each call opens
// its own connection: a dead connection can never make a reset look done, and the directory's
// own limits (idle timeouts) never bite. Every failure becomes a catalogue error.
import { randomUUID } from 'node:crypto'
import {
  AndFilter,
  Client,
  EqualityFilter,
  ExtensibleFilter,
  FilterParser,
  OrFilter,
  SubstringFilter,
  type Entry,
  type Filter,
} from 'ldapts'
import ldapDn from '@ldapjs/dn'
import type { ConnectionOptions } from 'node:tls'
import { AppError } from '../../../shared/errors'
import { complexityClasses } from '../../../shared/policy/password-policy'
import type { CredentialStore, Directory, DirectoryUser, ResetOptions } from '../credentials/credential-store'
import type { Logger } from '../rules/context'
import { first, firstBuffer, values, type LdapDialect } from './ldap-dialect'
import { adDialect } from './ad-dialect'
import { openLdapDialect } from './openldap-dialect'
import { dnKey, firstRdnValue, formatDn, inAnyGroup } from './dn'
import type { DirectoryLayout, SearchEntry } from './directory-layout'
import { entryUuid, guidFromBytes, guidToBytes } from './stable-id'
import { bindsWith, changedSince, changeTimeAttributes, passwordChangedAt } from './reset-outcome'

export interface LdapDirectoryConfig extends DirectoryLayout {
  dialect: 'openldap' | 'ad'
  /** ldap://host:389 or ldaps://host:636 */
  url: string
  /** Upgrade ldap:// with StartTLS before binding. */
  startTls?: boolean
  bindDn: string
  /** From the secret store (S3); never in a file. */
  bindPassword: string
  tls?: ConnectionOptions
  timeoutMs?: number
}

const dialects: Record<LdapDirectoryConfig['dialect'], LdapDialect> = { openldap: openLdapDialect, ad: adDialect }

/** AD's LDAP_MATCHING_RULE_IN_CHAIN: membership at any depth, resolved by the server. */
const IN_CHAIN = '1.2.840.113556.1.4.1941'

const TLS_CODES = /^(ERR_TLS|ERR_SSL|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|CERT_|HOSTNAME_MISMATCH|ERR_OSSL)/

/** The catalogue error for an ldapts or socket failure; `stage` says whether we were binding. */
export function ldapFailure(e: unknown, stage: 'connect' | 'bind' | 'read' | 'modify'): AppError {
  if (e instanceof AppError) return e
  const err = e as { name?: string; code?: unknown; message?: string }
  const name = err?.name ?? ''
  const code = typeof err?.code === 'string' ? err.code : ''
  const resultCode = typeof err?.code === 'number' ? err.code : null
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(err?.message ?? ''))
    return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'tls' })
  if (stage === 'bind' && (name === 'InvalidCredentialsError' || resultCode === 49))
    return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'service_account_rejected' })
  if (name === 'NoSuchObjectError' || resultCode === 32) return new AppError('USER_NOT_FOUND')
  if (name === 'InsufficientAccessError' || resultCode === 50)
    return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'insufficient_access' })
  if (stage === 'modify' && (name === 'ConstraintViolationError' || resultCode === 19)) {
    // AD's complexity, history or minimum-age rules refused the password (0000052D).
    return new AppError('POLICY_VIOLATED', {
      failures: [
        { rule: 'directory_policy', message: 'The directory refused the password under its own policy (history, age or complexity).' },
      ],
    })
  }
  if (resultCode !== null) return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'ldap_error', resultCode })
  return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'unreachable' })
}

const DEFAULT_GROUP_FILTER = '(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)(objectClass=posixGroup)(objectClass=group))'

type People = 'callers' | 'agents'
interface Groups {
  names: string[]
  dns: string[]
}

export class LdapDirectory implements Directory, CredentialStore {
  private readonly dialect: LdapDialect
  private readonly idAttribute: 'entryUUID' | 'objectGUID'
  private readonly attrs: LdapDialect['attributeDefaults']
  private readonly entries: Record<People, SearchEntry & { personFilter: Filter }>
  private readonly groupFilter: Filter
  private readonly readAttributes: string[]

  constructor(
    private readonly config: LdapDirectoryConfig,
    private readonly log: Logger,
  ) {
    this.dialect = dialects[config.dialect]
    const tls = config.url.startsWith('ldaps://') || config.startTls === true
    if (this.dialect.requiresTls && !tls)
      throw new Error(`the ${config.dialect} dialect needs ldaps:// or startTls (passwords only over TLS)`)
    this.idAttribute = config.idAttribute ?? this.dialect.idAttribute
    this.attrs = { ...this.dialect.attributeDefaults, ...config.attributes }
    const entry = (e: SearchEntry) => ({ ...e, personFilter: FilterParser.parseString(e.filter ?? this.dialect.personFilter) })
    this.entries = { callers: entry(config.callers), agents: entry(config.agents ?? config.callers) }
    this.groupFilter = FilterParser.parseString(config.groups.filter ?? DEFAULT_GROUP_FILTER)
    const a = this.attrs
    this.readAttributes = [
      ...new Set([
        config.loginAttribute,
        this.idAttribute,
        'cn',
        'uid',
        a.displayName,
        ...a.emails,
        ...a.mobiles,
        a.department,
        a.title,
        a.manager,
        ...(config.groups.membership === 'memberOf' ? ['memberOf'] : []),
        ...this.dialect.stateAttributes,
      ]),
    ]
  }

  get dialectName() {
    return this.dialect.name
  }

  private clientFor(): Client {
    const timeout = this.config.timeoutMs ?? 5000
    return new Client({ url: this.config.url, timeout, connectTimeout: timeout, tlsOptions: this.config.tls })
  }

  /** Binds as the delegated account and runs `work`; always unbinds. */
  private async session<T>(op: string, work: (client: Client) => Promise<T>): Promise<T> {
    const client = this.clientFor()
    let stage: 'connect' | 'bind' | 'read' | 'modify' = 'connect'
    try {
      if (this.config.startTls) await client.startTLS(this.config.tls ?? {})
      stage = 'bind'
      await client.bind(this.config.bindDn, this.config.bindPassword)
      stage = op === 'modify' ? 'modify' : 'read'
      return await work(client)
    } catch (e) {
      const failure = ldapFailure(e, stage)
      // Class name and result code only: ldapts messages may echo request details.
      this.log.error('ldap_failed', {
        op,
        stage,
        error: (e as Error)?.name,
        code: (e as { code?: unknown })?.code,
        as: failure.code,
        reason: failure.details.reason,
      })
      throw failure
    } finally {
      await client.unbind().catch(() => {})
    }
  }

  /** People of one kind matching `match`, with every attribute the layout maps. */
  private async people(client: Client, kind: People, match: Filter, sizeLimit: number): Promise<Entry[]> {
    const e = this.entries[kind]
    const { searchEntries } = await client.search(e.base, {
      scope: e.scope,
      filter: new AndFilter({ filters: [e.personFilter, match] }),
      attributes: this.readAttributes,
      explicitBufferAttributes: this.idAttribute === 'objectGUID' ? ['objectGUID'] : [],
      sizeLimit,
    })
    return searchEntries
  }

  /** The one person matching; null for none, and for two (a directory fault: refuse rather than guess). */
  private async one(client: Client, kind: People, match: Filter): Promise<Entry | null> {
    try {
      const found = await this.people(client, kind, match, 2)
      return found.length === 1 ? found[0]! : null
    } catch (e) {
      if ((e as Error)?.name === 'SizeLimitExceededError') return null
      throw e
    }
  }

  /** The filter for a stable id, or null when the text cannot be one (then nobody has it). */
  private idFilter(id: string): Filter | null {
    if (this.idAttribute === 'objectGUID') {
      const bytes = guidToBytes(id)
      return bytes ? new EqualityFilter({ attribute: 'objectGUID', value: bytes }) : null
    }
    const uuid = entryUuid(id)
    return uuid ? new EqualityFilter({ attribute: 'entryUUID', value: uuid }) : null
  }

  private idOf(entry: Entry): string {
    const id =
      this.idAttribute === 'objectGUID'
        ? firstBuffer(entry, 'objectGUID') && guidFromBytes(firstBuffer(entry, 'objectGUID')!)
        : first(entry, 'entryUUID')
    if (!id) throw new AppError('DIRECTORY_UNAVAILABLE', { reason: 'no_stable_id', attribute: this.idAttribute })
    return id
  }

  private async byId(client: Client, id: string): Promise<Entry | null> {
    const filter = this.idFilter(id)
    return filter ? this.one(client, 'callers', filter) : null
  }

  /** Groups found by searching (member, uniqueMember, memberUid, in-chain, nested parents). */
  private async searchGroups(client: Client, match: Filter): Promise<{ dn: string; name: string }[]> {
    const g = this.config.groups
    const { searchEntries } = await client.search(g.base!, {
      scope: g.scope,
      filter: new AndFilter({ filters: [this.groupFilter, match] }),
      attributes: [g.nameAttribute],
    })
    return searchEntries.map((entry) => ({ dn: entry.dn, name: first(entry, g.nameAttribute) ?? firstRdnValue(entry.dn) }))
  }

  /** Every group the person is in, directly or (as configured) through nested groups. */
  private async groupsOf(client: Client, entry: Entry): Promise<Groups> {
    const g = this.config.groups
    const memberAttribute = g.membership === 'uniqueMember' ? 'uniqueMember' : 'member'
    let direct: { dn: string; name: string }[]
    if (g.nested === 'inChain') {
      // One search: the server follows the chain (AD).
      direct = await this.searchGroups(client, new ExtensibleFilter({ rule: IN_CHAIN, matchType: memberAttribute, value: entry.dn }))
    } else if (g.membership === 'memberOf') {
      direct = values(entry, 'memberOf').map((dn) => ({ dn, name: firstRdnValue(dn) }))
    } else if (g.membership === 'memberUid') {
      const uid = first(entry, 'uid') ?? first(entry, this.config.loginAttribute)
      direct = uid ? await this.searchGroups(client, new EqualityFilter({ attribute: 'memberUid', value: uid })) : []
    } else {
      direct = await this.searchGroups(client, new EqualityFilter({ attribute: memberAttribute, value: entry.dn }))
    }
    const all = new Map(direct.map((d) => [dnKey(d.dn), d]))
    if (g.nested === 'search') {
      // Breadth first, level by level, at most maxDepth searches; a group seen before is not
      // followed again, so a cycle ends.
      let frontier = direct
      for (let depth = 0; depth < g.maxDepth && frontier.length > 0; depth++) {
        const parents = await this.searchGroups(
          client,
          new OrFilter({ filters: frontier.map((f) => new EqualityFilter({ attribute: memberAttribute, value: f.dn })) }),
        )
        frontier = parents.filter((p) => !all.has(dnKey(p.dn)))
        for (const p of frontier) all.set(dnKey(p.dn), p)
      }
    }
    const list = [...all.values()]
    return { names: list.map((x) => x.name), dns: list.map((x) => x.dn) }
  }

  private async toUser(client: Client, entry: Entry): Promise<DirectoryUser> {
    const d = this.dialect
    const a = this.attrs
    const groups = await this.groupsOf(client, entry)
    const username = first(entry, this.config.loginAttribute) ?? ''
    const emails = [...new Set(a.emails.flatMap((x) => values(entry, x)))]
    return {
      id: this.idOf(entry),
      username,
      displayName: first(entry, a.displayName) ?? first(entry, 'cn') ?? username,
      email: emails[0] ?? null,
      emails,
      mobiles: [...new Set(a.mobiles.flatMap((x) => values(entry, x)))],
      groups: groups.names,
      groupDns: groups.dns,
      department: first(entry, a.department),
      title: first(entry, a.title),
      manager: first(entry, a.manager),
      protected: inAnyGroup({ groups: groups.names, groupDns: groups.dns }, this.config.protectedGroups),
      locked: d.isLocked(entry),
      mustChange: d.mustChange(entry),
      // LDAP keeps no per-attribute change time without an accesslog; B2's signal is then unknown.
      contactChangedAt: null,
      contactChangesKnown: false,
    }
  }

  async search(q: string, limit: number): Promise<DirectoryUser[]> {
    const term = q.trim()
    if (term === '') return []
    return this.session('search', async (client) => {
      const attributes = [...new Set([this.config.loginAttribute, 'cn', this.attrs.displayName, ...this.attrs.emails])]
      const match = new OrFilter({ filters: attributes.map((attribute) => new SubstringFilter({ attribute, any: [term] })) })
      const users: DirectoryUser[] = []
      for (const entry of (await this.people(client, 'callers', match, limit)).slice(0, limit)) users.push(await this.toUser(client, entry))
      return users.sort((a, b) => a.displayName.localeCompare(b.displayName))
    })
  }

  async get(userId: string): Promise<DirectoryUser | null> {
    return this.session('get', async (client) => {
      const entry = await this.byId(client, userId)
      return entry ? this.toUser(client, entry) : null
    })
  }

  async findByLoginOrEmail(term: string): Promise<DirectoryUser | null> {
    const value = term.trim()
    if (value === '') return null
    return this.session('search', async (client) => {
      const attributes = [...new Set([this.config.loginAttribute, ...this.attrs.emails])]
      const entry = await this.one(
        client,
        'callers',
        new OrFilter({ filters: attributes.map((attribute) => new EqualityFilter({ attribute, value })) }),
      )
      return entry ? this.toUser(client, entry) : null
    })
  }

  /** A caller's own sign-in (the enrolment page), against the callers' entry. */
  authenticate(login: string, password: string): Promise<DirectoryUser | null> {
    return this.signInAs('callers', login, password)
  }

  /** An agent's sign-in (G3), against the agents' entry. */
  authenticateAgent(login: string, password: string): Promise<DirectoryUser | null> {
    return this.signInAs('agents', login, password)
  }

  /**
   * Found by the delegated account, then a bind as that entry with the given password. An unknown
   * name binds too — as a DN that cannot exist under the base, which the directory refuses like a
   * wrong password — so both cost one search and one bind (G3). Never a bind with an empty
   * password, which LDAP would grant as an anonymous ("unauthenticated") bind.
   */
  private async signInAs(kind: People, login: string, password: string): Promise<DirectoryUser | null> {
    const name = login.trim()
    if (password.length === 0 || name.length === 0) return null
    const found = await this.session('search', (client) =>
      this.one(client, kind, new EqualityFilter({ attribute: this.config.loginAttribute, value: name })),
    )
    const nobody = ldapDn.DN.fromString(this.entries[kind].base)
    nobody.unshift(new ldapDn.RDN({ cn: `resetdesk-no-such-entry-${randomUUID()}` }))
    const bound = await this.userBind(found?.dn ?? formatDn(nobody), password)
    if (!bound || !found) return null
    return this.session('search', (client) => this.toUser(client, found))
  }

  private async userBind(dn: string, password: string): Promise<boolean> {
    const client = this.clientFor()
    try {
      if (this.config.startTls) await client.startTLS(this.config.tls ?? {})
      await client.bind(dn, password)
      return true
    } catch (e) {
      const err = e as { name?: string; code?: unknown }
      // Wrong password, no such entry, or locked by ppolicy (which also answers invalidCredentials).
      if (err?.name === 'InvalidCredentialsError' || err?.code === 49) return false
      this.log.error('ldap_failed', { op: 'authenticate', error: err?.name, code: err?.code })
      throw ldapFailure(e, 'read')
    } finally {
      await client.unbind().catch(() => {})
    }
  }

  async resetPassword(userId: string, newPassword: string, options: ResetOptions): Promise<void> {
    // AD's complexity rule, even when the process's policy forgot it: a clear catalogue error
    // naming the rule instead of the directory's bare constraintViolation.
    if (this.dialect.requiresComplexity && complexityClasses(newPassword) < 3) {
      throw new AppError('POLICY_VIOLATED', {
        failures: [{ rule: 'ad_complexity', message: 'Use three of: upper-case letters, lower-case letters, digits, symbols.' }],
      })
    }
    let sent = false
    try {
      await this.session('modify', async (client) => {
        const entry = await this.byId(client, userId)
        if (!entry) throw new AppError('USER_NOT_FOUND')
        sent = true
        await client.modify(entry.dn, this.dialect.resetChanges(newPassword, options, entry))
      })
    } catch (e) {
      // F2: the modify went out and no LDAP answer came back (connection cut, timeout): the
      // directory may have applied it. Never "nothing changed": the caller asks resetApplied.
      if (sent && e instanceof AppError && e.code === 'DIRECTORY_UNAVAILABLE' && e.details.reason === 'unreachable')
        throw new AppError('OUTCOME_UNKNOWN')
      throw e
    }
    this.log.info('ldap_password_reset', { userId, dialect: this.dialect.name, unlock: options.unlock, mustChange: options.mustChange })
  }

  /** F2: see CredentialStore.resetApplied; the logic is in reset-outcome.ts. */
  async resetApplied(userId: string, since: Date, newPassword?: string): Promise<boolean | null> {
    const found = await this.session('search', async (client) => {
      const byId = this.idFilter(userId)
      if (!byId) return null
      const e = this.entries.callers
      const { searchEntries } = await client.search(e.base, {
        scope: e.scope,
        filter: new AndFilter({ filters: [e.personFilter, byId] }),
        attributes: [...changeTimeAttributes[this.dialect.name]],
        sizeLimit: 2,
      })
      return searchEntries.length === 1 ? searchEntries[0]! : null
    }).catch(() => undefined)
    if (found === undefined) return null
    if (found === null) return false
    if (newPassword !== undefined) {
      const timeout = this.config.timeoutMs ?? 5000
      const bound = await bindsWith(
        () => new Client({ url: this.config.url, timeout, connectTimeout: timeout, tlsOptions: this.config.tls }),
        async (c) => {
          if (this.config.startTls) await c.startTLS(this.config.tls ?? {})
        },
        found.dn,
        newPassword,
      )
      // A refused bind may be a ppolicy lock the reset did not lift: the change time decides.
      if (bound === true) return true
    }
    return changedSince(passwordChangedAt(this.dialect.name, found), since)
  }

  /** F1 readiness: a bind as the service account. */
  async ping(): Promise<void> {
    await this.session('search', async () => {})
  }

  async unlock(userId: string): Promise<void> {
    await this.session('modify', async (client) => {
      const entry = await this.byId(client, userId)
      if (!entry) throw new AppError('USER_NOT_FOUND')
      const changes = this.dialect.unlockChanges(entry)
      if (changes.length > 0) await client.modify(entry.dn, changes)
    })
    this.log.info('ldap_unlocked', { userId, dialect: this.dialect.name })
  }

  /** B11: the dialect's lasting lock (OpenLDAP ppolicy's administrative lock, AD's disabled flag). */
  async lock(userId: string): Promise<void> {
    await this.session('modify', async (client) => {
      const byId = this.idFilter(userId)
      if (!byId) throw new AppError('USER_NOT_FOUND')
      const e = this.entries.callers
      const { searchEntries } = await client.search(e.base, {
        scope: e.scope,
        filter: new AndFilter({ filters: [e.personFilter, byId] }),
        attributes: this.dialect.lockAttributes,
        explicitBufferAttributes: [],
        sizeLimit: 2,
      })
      if (searchEntries.length !== 1) throw new AppError('USER_NOT_FOUND')
      const entry = searchEntries[0]!
      const changes = this.dialect.lockChanges(entry)
      if (changes.length > 0) await client.modify(entry.dn, changes)
    })
    this.log.info('ldap_locked', { userId, dialect: this.dialect.name })
  }
}
