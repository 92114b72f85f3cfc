// Where users are found and where their passwords live. The embedded default is the local store
// (directory_users with scrypt hashes); the LDAP / Active Directory connectors implement the same.

export interface DirectoryUser {
  /** Opaque and stable (entryUUID, objectGUID, or the local store's id): look users up by it. */
  id: string
  /** What the user signs in with (the layout's login attribute). */
  username: string
  displayName: string
  email: string | null
  mobiles: string[]
  groups: string[]
  department: string | null
  title: string | null
  protected: boolean
  locked: boolean
  mustChange: boolean
  contactChangedAt: string | null
  /** False where the store keeps no change time, so `contactChangedAt: null` means unknown (B2). */
  contactChangesKnown?: boolean
  /** Every registered email (the first is `email`); absent where the store keeps only one. */
  emails?: string[]
  /** The manager as the directory names it (a DN in LDAP). */
  manager?: string | null
  /** The DNs of `groups`, for groups configured by DN (G2); absent in the local store. */
  groupDns?: string[]
}

export interface Directory {
  search(q: string, limit: number): Promise<DirectoryUser[]>
  /** By DirectoryUser.id (opaque, stable). */
  get(userId: string): Promise<DirectoryUser | null>
  /**
   * G4: the user's own sign-in (the enrolment page) with their directory password. Null for a
   * wrong password, an unknown or a locked user alike; throws DIRECTORY_UNAVAILABLE when it cannot tell.
   */
  authenticate(login: string, password: string): Promise<DirectoryUser | null>
  /** Exact match on the login name or any registered email; null when none or more than one. */
  findByLoginOrEmail(term: string): Promise<DirectoryUser | null>
  /** F1 readiness: resolves when the directory answers (a bind as the service account). */
  ping?(): Promise<void>
  /**
   * The one user whose login name or email equals `term` (case-insensitive); null when none or
   * more than one match. How a free-text caller from an ITSM becomes a directory user (G5).
   */
  findByLoginOrEmail(term: string): Promise<DirectoryUser | null>
}

export interface ResetOptions {
  unlock: boolean
  mustChange: boolean
}

export interface CredentialStore {
  /** Sets the password. Throws AppError('DIRECTORY_UNAVAILABLE') when nothing could be changed. */
  resetPassword(userId: string, newPassword: string, options: ResetOptions): Promise<void>
  unlock(userId: string): Promise<void>
  /**
   * B11: locks the account until an administrator (or a reset that unlocks) lets the user back
   * in: the user reported a reset as not theirs. Absent where the store cannot lock an account.
   */
  lock?(userId: string): Promise<void>
  /**
   * F2: did a password change started at `since` take effect? Asked when resetPassword's answer
   * was lost (OUTCOME_UNKNOWN) and by the intent sweeper. With `newPassword` (still in memory on
   * the request that sent it) the store may check it directly (a bind as the user); without it,
   * by the time of the last change (pwdChangedTime, pwdLastSet, the local hash's timestamp).
   * true: applied; false: not applied; null: the store cannot tell now (unreachable). A store
   * without it can never resolve a lost answer: its intents wait for a supervisor.
   */
  resetApplied?(userId: string, since: Date, newPassword?: string): Promise<boolean | null>
}

/** Agents signing in with their directory credentials (the standalone server, issue 5). */
export interface AgentDirectory {
  /** The agent's directory entry when the password is right; null when it is not (known and unknown names cost the same). */
  authenticate(username: string, password: string): Promise<DirectoryUser | null>
  /** Only members (direct or nested) of these groups, by DN or name, may sign in (G3). */
  groups: string[]
  /** Directory groups (DNs or names) that grant each reset role. */
  roleGroups: Partial<Record<'password_reset_service_desk' | 'password_reset_admin' | 'password_reset_supervisor', string[]>>
}
