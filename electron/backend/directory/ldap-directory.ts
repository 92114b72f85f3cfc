// The LDAP directory and credential store (OpenLDAP + ppolicy, or Active Directory), reached with
// ldapts. It binds as a delegated help-desk account, never the directory's root. Each call opens
// its own connection: a dead connection can never make a reset look done, and the directory's
// own limits (idle timeouts) never bite. Every failure becomes a catalogue error.
import {
  AndFilter,
  Client,
  EqualityFilter,
  FilterParser,
  OrFilter,
  SubstringFilter,
  type Entry,
  type Filter,
} from 'ldapts'
import type { ConnectionOptions } from 'node:tls'
import { AppError } from '../../../shared/errors'
import { complexityClasses } from '../../../shared/policy/password-policy'
import type { CredentialStore, Directory, DirectoryUser, ResetOptions } from '../credentials/credential-store'
import type { Logger } from '../rules/context'
import { first, type LdapDialect } from './ldap-dialect'
import { adDialect } from './ad-dialect'
import { openLdapDialect } from './openldap-dialect'
import { bindsWith, changedSince, changeTimeAttributes, passwordChangedAt } from './reset-outcome'

export interface LdapDirectoryConfig {
  dialect: 'openldap' | 'ad'
  /** ldap://host:389 or ldaps://host:636 */
  url: string
  /** Upgrade ldap:// with StartTLS before binding. */
  startTls?: boolean
  bindDn: string
  /** From the secret store (S3); never in a file. */
  bindPassword: string
  userBase: string
  /** Narrows which people are offered, e.g. (memberOf=CN=Staff,...). */
  userFilter?: string
  /** Where groupOfNames entries live when the directory has no memberOf (OpenLDAP without the overlay). */
  groupBase?: string
  /** Members of these groups are protected accounts (B1). */
  protectedGroups?: string[]
  tls?: ConnectionOptions
  timeoutMs?: number
}

const dialects: Record<LdapDirectoryConfig['dialect'], LdapDialect> = { openldap: openLdapDialect, ad: adDialect }

const TLS_CODES = /^(ERR_TLS|ERR_SSL|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT|CERT_|HOSTNAME_MISMATCH|ERR_OSSL)/

/** The catalogue error for an ldapts or socket failure; `stage` says whether we were binding. */
export function ldapFailure(e: unknown, stage: 'connect' | 'bind' | 'read' | 'modify'): AppError {
  if (e instanceof AppError) return e
  const err = e as { name?: string; code?: unknown; message?: string }
  const name = err?.name ?? ''
  const code = typeof err?.code === 'string' ? err.code : ''
  const resultCode = typeof err?.code === 'number' ? err.code : null
  if (TLS_CODES.test(code) || /certificate|ssl|tls/i.test(err?.message ?? '')) return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'tls' })
  if (stage === 'bind' && (name === 'InvalidCredentialsError' || resultCode === 49)) return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'service_account_rejected' })
  if (name === 'NoSuchObjectError' || resultCode === 32) return new AppError('USER_NOT_FOUND')
  if (name === 'InsufficientAccessError' || resultCode === 50) return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'insufficient_access' })
  if (stage === 'modify' && (name === 'ConstraintViolationError' || resultCode === 19)) {
    // AD's complexity, history or minimum-age rules refused the password (0000052D).
    return new AppError('POLICY_VIOLATED', { failures: [{ rule: 'directory_policy', message: "The directory refused the password under its own policy (history, age or complexity)." }] })
  }
  if (resultCode !== null) return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'ldap_error', resultCode })
  return new AppError('DIRECTORY_UNAVAILABLE', { reason: 'unreachable' })
}

export class LdapDirectory implements Directory, CredentialStore {
  private readonly dialect: LdapDialect
  private readonly extraFilter: Filter | null

  constructor(
    private readonly config: LdapDirectoryConfig,
    private readonly log: Logger,
  ) {
    this.dialect = dialects[config.dialect]
    this.extraFilter = config.userFilter ? FilterParser.parseString(config.userFilter) : null
    const tls = config.url.startsWith('ldaps://') || config.startTls === true
    if (this.dialect.requiresTls && !tls) throw new Error(`the ${config.dialect} dialect needs ldaps:// or startTls (passwords only over TLS)`)
  }

  get dialectName() {
    return this.dialect.name
  }

  /** Binds as the delegated account and runs `work`; always unbinds. */
  private async session<T>(op: string, work: (client: Client) => Promise<T>): Promise<T> {
    const timeout = this.config.timeoutMs ?? 5000
    const client = new Client({ url: this.config.url, timeout, connectTimeout: timeout, tlsOptions: this.config.tls })
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
      this.log.error('ldap_failed', { op, stage, error: (e as Error)?.name, code: (e as { code?: unknown })?.code, as: failure.code, reason: failure.details.reason })
      throw failure
    } finally {
      await client.unbind().catch(() => {})
    }
  }

  private personFilter(match: Filter): Filter {
    const filters = [FilterParser.parseString(this.dialect.personFilter), match]
    if (this.extraFilter) filters.push(this.extraFilter)
    return new AndFilter({ filters })
  }

  private async findEntry(client: Client, userId: string): Promise<Entry | null> {
    const { searchEntries } = await client.search(this.config.userBase, {
      scope: 'sub',
      filter: this.personFilter(new EqualityFilter({ attribute: this.dialect.usernameAttribute, value: userId })),
      attributes: this.dialect.attributes,
      sizeLimit: 2,
    })
    // Two entries with one user name is a directory fault; refuse rather than guess.
    return searchEntries.length === 1 ? searchEntries[0]! : null
  }

  private async groupsOf(client: Client, entry: Entry): Promise<string[]> {
    const fromEntry = this.dialect.groupsFromEntry(entry)
    if (fromEntry !== null || !this.config.groupBase) return fromEntry ?? []
    const { searchEntries } = await client.search(this.config.groupBase, {
      scope: 'sub',
      filter: new OrFilter({
        filters: [new EqualityFilter({ attribute: 'member', value: entry.dn }), new EqualityFilter({ attribute: 'uniqueMember', value: entry.dn })],
      }),
      attributes: ['cn'],
    })
    return searchEntries.flatMap((g) => (Array.isArray(g.cn) ? g.cn.map(String) : g.cn ? [String(g.cn)] : []))
  }

  private async toUser(client: Client, entry: Entry): Promise<DirectoryUser> {
    const d = this.dialect
    const groups = await this.groupsOf(client, entry)
    const protectedGroups = this.config.protectedGroups ?? []
    const username = first(entry, d.usernameAttribute) ?? ''
    return {
      id: username,
      username,
      displayName: d.displayName(entry),
      email: d.email(entry),
      mobiles: d.mobiles(entry),
      groups,
      department: d.department(entry),
      title: d.title(entry),
      protected: groups.some((g) => protectedGroups.includes(g)),
      locked: d.isLocked(entry),
      mustChange: d.mustChange(entry),
      // LDAP keeps no per-attribute change time without an accesslog; B2's signal is then unknown.
      contactChangedAt: null,
    }
  }

  async search(q: string, limit: number): Promise<DirectoryUser[]> {
    const term = q.trim()
    if (term === '') return []
    return this.session('search', async (client) => {
      const match = new OrFilter({
        filters: [this.dialect.usernameAttribute, 'cn', 'displayName', 'mail'].map((attribute) => new SubstringFilter({ attribute, any: [term] })),
      })
      const { searchEntries } = await client.search(this.config.userBase, {
        scope: 'sub',
        filter: this.personFilter(match),
        attributes: this.dialect.attributes,
        sizeLimit: limit,
      })
      const users: DirectoryUser[] = []
      for (const entry of searchEntries.slice(0, limit)) users.push(await this.toUser(client, entry))
      return users.sort((a, b) => a.displayName.localeCompare(b.displayName))
    })
  }

  /** G5: an exact login name or mail match (the directory helper's layout-aware version supersedes this). */
  async findByLoginOrEmail(term: string): Promise<DirectoryUser | null> {
    const value = term.trim()
    if (value === '') return null
    return this.session('search', async (client) => {
      const match = new OrFilter({ filters: [this.dialect.usernameAttribute, 'mail'].map((attribute) => new EqualityFilter({ attribute, value })) })
      const { searchEntries } = await client.search(this.config.userBase, { scope: 'sub', filter: this.personFilter(match), attributes: this.dialect.attributes, sizeLimit: 2 })
      return searchEntries.length === 1 ? this.toUser(client, searchEntries[0]!) : null
    })
  }

  async get(userId: string): Promise<DirectoryUser | null> {
    return this.session('get', async (client) => {
      const entry = await this.findEntry(client, userId)
      return entry ? this.toUser(client, entry) : null
    })
  }

  /**
   * An agent's own sign-in (issue 5: directory credentials): found by the delegated account, then
   * a bind as that entry with the given password. Null when the directory says no; never a bind
   * with an empty password, which LDAP would grant as an anonymous ("unauthenticated") bind.
   */
  async authenticate(username: string, password: string): Promise<DirectoryUser | null> {
    if (password.length === 0 || username.trim().length === 0) return null
    const found = await this.session('search', async (client) => {
      const entry = await this.findEntry(client, username.trim())
      return entry ? { dn: entry.dn, user: await this.toUser(client, entry) } : null
    })
    if (!found) return null
    const timeout = this.config.timeoutMs ?? 5000
    const client = new Client({ url: this.config.url, timeout, connectTimeout: timeout, tlsOptions: this.config.tls })
    try {
      if (this.config.startTls) await client.startTLS(this.config.tls ?? {})
      await client.bind(found.dn, password)
      return found.user
    } catch (e) {
      const err = e as { name?: string; code?: unknown }
      // Wrong password, or locked by ppolicy (which also answers invalidCredentials).
      if (err?.name === 'InvalidCredentialsError' || err?.code === 49) return null
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
      throw new AppError('POLICY_VIOLATED', { failures: [{ rule: 'ad_complexity', message: 'Use three of: upper-case letters, lower-case letters, digits, symbols.' }] })
    }
    let sent = false
    try {
      await this.session('modify', async (client) => {
        const entry = await this.findEntry(client, userId)
        if (!entry) throw new AppError('USER_NOT_FOUND')
        sent = true
        await client.modify(entry.dn, this.dialect.resetChanges(newPassword, options, entry))
      })
    } catch (e) {
      // F2: the modify went out and no LDAP answer came back (connection cut, timeout): the
      // directory may have applied it. Never "nothing changed": the caller asks resetApplied.
      if (sent && e instanceof AppError && e.code === 'DIRECTORY_UNAVAILABLE' && e.details.reason === 'unreachable') throw new AppError('OUTCOME_UNKNOWN')
      throw e
    }
    this.log.info('ldap_password_reset', { userId, dialect: this.dialect.name, unlock: options.unlock, mustChange: options.mustChange })
  }

  /** F2: see CredentialStore.resetApplied; the logic is in reset-outcome.ts. */
  async resetApplied(userId: string, since: Date, newPassword?: string): Promise<boolean | null> {
    const found = await this.session('search', async (client) => {
      const { searchEntries } = await client.search(this.config.userBase, {
        scope: 'sub',
        filter: this.personFilter(new EqualityFilter({ attribute: this.dialect.usernameAttribute, value: userId })),
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
        async (c) => { if (this.config.startTls) await c.startTLS(this.config.tls ?? {}) },
        found.dn, newPassword,
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
      const entry = await this.findEntry(client, userId)
      if (!entry) throw new AppError('USER_NOT_FOUND')
      const changes = this.dialect.unlockChanges(entry)
      if (changes.length > 0) await client.modify(entry.dn, changes)
    })
    this.log.info('ldap_unlocked', { userId, dialect: this.dialect.name })
  }
}
