// The embedded directory and credential store: users in the store, passwords as scrypt hashes.
import type { Kysely, Selectable } from 'kysely'
import type { DB, DirectoryUsersTable } from '../store/schema'
import { containsIgnoringCase } from '../store/like'
import { dummyHash, slowHash, slowVerify, type HashCost } from '../crypto/secrets'
import type { CredentialStore, Directory, DirectoryUser, ResetOptions } from './credential-store'

export function toDirectoryUser(row: Selectable<DirectoryUsersTable>): DirectoryUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    mobiles: JSON.parse(row.mobiles) as string[],
    groups: JSON.parse(row.groups) as string[],
    department: row.department,
    title: row.title,
    protected: row.protected === 1,
    locked: row.locked_at !== null,
    mustChange: row.must_change === 1,
    contactChangedAt: row.contact_changed_at,
  }
}

export class LocalCredentialStore implements Directory, CredentialStore {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly hashCost: HashCost,
    private readonly now: () => Date,
  ) {}

  async search(q: string, limit: number): Promise<DirectoryUser[]> {
    const term = q.trim()
    const rows = await this.db
      .selectFrom('directory_users')
      .selectAll()
      .where((eb) =>
        eb.or([containsIgnoringCase('display_name', term), containsIgnoringCase('username', term), containsIgnoringCase('email', term)]),
      )
      .orderBy('display_name')
      .limit(limit)
      .execute()
    return rows.map(toDirectoryUser)
  }

  async get(userId: string): Promise<DirectoryUser | null> {
    const row = await this.db.selectFrom('directory_users').selectAll().where('id', '=', userId).executeTakeFirst()
    return row ? toDirectoryUser(row) : null
  }

  async findByLoginOrEmail(term: string): Promise<DirectoryUser | null> {
    const t = term.trim().toLowerCase()
    if (!t) return null
    const rows = await this.db
      .selectFrom('directory_users')
      .selectAll()
      .where((eb) => eb.or([eb(eb.fn('lower', ['username']), '=', t), eb(eb.fn('lower', ['email']), '=', t)]))
      .limit(2)
      .execute()
    // Two users sharing an address is ambiguous: leave the caller unmatched rather than guess.
    return rows.length === 1 ? toDirectoryUser(rows[0]!) : null
  }

  async resetPassword(userId: string, newPassword: string, options: ResetOptions): Promise<void> {
    const hash = await slowHash(newPassword, this.hashCost)
    const now = this.now().toISOString()
    await this.db
      .updateTable('directory_users')
      .set({
        password_hash: hash,
        password_changed_at: now,
        must_change: options.mustChange ? 1 : 0,
        ...(options.unlock ? { locked_at: null } : {}),
      })
      .where('id', '=', userId)
      .execute()
  }

  /** F2: the hash's timestamp is written in the same statement as the hash itself. */
  async resetApplied(userId: string, since: Date): Promise<boolean | null> {
    const row = await this.db.selectFrom('directory_users').select('password_changed_at').where('id', '=', userId).executeTakeFirst()
    if (!row) return false
    return row.password_changed_at !== null && row.password_changed_at >= since.toISOString()
  }

  async unlock(userId: string): Promise<void> {
    await this.db.updateTable('directory_users').set({ locked_at: null }).where('id', '=', userId).execute()
  }

  /** B11: a lock keeps its first time (a second report does not move it). */
  async lock(userId: string): Promise<void> {
    await this.db
      .updateTable('directory_users')
      .set({ locked_at: this.now().toISOString() })
      .where('id', '=', userId)
      .where('locked_at', 'is', null)
      .execute()
  }

  /**
   * G4: the user's own sign-in (the enrolment page). An unknown user, one without a password, a
   * locked one and a wrong password all run one scrypt with the store's own parameters (the dummy
   * hash is made at that cost), so time does not tell them apart (G3).
   */
  async authenticate(login: string, password: string): Promise<DirectoryUser | null> {
    if (password.length === 0) return null
    const row = await this.db.selectFrom('directory_users').selectAll().where('username', '=', login.trim()).executeTakeFirst()
    const ok = await slowVerify(password, row?.password_hash ?? (await dummyHash(this.hashCost)))
    return ok && row?.password_hash && !row.locked_at ? toDirectoryUser(row) : null
  }

  /** The user's own sign-in against this store (used by the reset-link page and by tests). */
  async verifyPassword(username: string, password: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('directory_users')
      .select(['password_hash', 'locked_at'])
      .where('username', '=', username)
      .executeTakeFirst()
    if (!row?.password_hash || row.locked_at) return false
    return slowVerify(password, row.password_hash)
  }
}
