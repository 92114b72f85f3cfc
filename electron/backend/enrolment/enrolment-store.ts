// G4: what a user is enrolled in, read from the enrolment tables by the directory's stable id,
// and the contact points codes go to: the directory's mail and mobiles where the desk trusts
// them (a desk setting), plus the personal ones the user confirmed by code.
import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB } from '../store/schema'
import type { DirectoryUser } from '../credentials/credential-store'
import type { VerifyMethod } from '../../../shared/domain/types'
import type { EnrolmentSummary } from '../../../shared/domain/enrolment'
import type { DeskSettings } from '../../../shared/domain/desk-settings'
import { DESK_SETTINGS_KEY, parseDeskSettings } from '../admin/desk-settings'

type Db = Kysely<DB> | Transaction<DB>

export interface UserEnrolment {
  /** Where email codes go: the trusted directory mail first, then the confirmed personal one. */
  emails: string[]
  /** Where SMS codes go, in the same order. */
  mobiles: string[]
  questions: { id: string; text: string }[]
  totp: boolean
}

/** The enrolment as read, with what the same read brought along: the desk's settings (G7) and B11's addresses. */
export interface EnrolmentRead extends UserEnrolment {
  deskSettings: DeskSettings
  /** B11: every address the user has, trusted for codes or not (see allAddresses). */
  noticeAddresses: { emails: string[]; mobiles: string[] }
}

type EnrolmentRow = { kind: 'settings' | 'question' | 'contact' | 'totp'; a: string; b: string | null; position: number }
export interface EnrolmentRows {
  userId: string
  rows: EnrolmentRow[]
}

export async function loadEnrolment(db: Db, user: DirectoryUser): Promise<EnrolmentRead> {
  return enrolmentOf(user, await readEnrolmentRows(db, user.id))
}

/** The rows of a user's enrolment, by the directory's stable id (a caller may read them before the user). */
export async function readEnrolmentRows(db: Db, userId: string): Promise<EnrolmentRows> {
  // One statement (issue 14): the desk's settings row, the enrolled questions, the confirmed
  // personal contacts and the authenticator, each branch on its own index.
  const { rows } = await sql<EnrolmentRow>`
    select 'settings' as kind, value as a, null as b, 0 as position from meta where key = ${DESK_SETTINGS_KEY}
    union all
    select 'question', security_questions.id, security_questions.text, enrolled_answers.position
      from enrolled_answers inner join security_questions on security_questions.id = enrolled_answers.question_id
      where enrolled_answers.user_id = ${userId}
    union all
    select 'contact', kind, value, 0 from personal_contacts where user_id = ${userId}
    union all
    select 'totp', user_id, null, 0 from totp_enrolments where user_id = ${userId}
  `.execute(db)
  return { userId, rows }
}

/** The enrolment from its rows and the user (whose directory contacts count where the desk trusts them). */
export function enrolmentOf(user: DirectoryUser, read: EnrolmentRows): EnrolmentRead {
  if (read.userId !== user.id) throw new Error('enrolment rows of another user')
  const { rows } = read
  const settings = parseDeskSettings(rows.find((r) => r.kind === 'settings')?.a)
  const contacts = rows.filter((r) => r.kind === 'contact')
  const personal = (kind: string) => contacts.filter((c) => c.a === kind).map((c) => c.b!)
  const trusted = settings.trustDirectoryContacts
  const unique = (list: string[]) => [...new Set(list)]
  return {
    emails: unique([...(trusted && user.email ? [user.email] : []), ...personal('email')]),
    mobiles: unique([...(trusted ? user.mobiles : []), ...personal('mobile')]),
    questions: rows
      .filter((r) => r.kind === 'question')
      .sort((x, y) => Number(x.position) - Number(y.position))
      .map((r) => ({ id: r.a, text: r.b! })),
    totp: rows.some((r) => r.kind === 'totp'),
    deskSettings: settings,
    noticeAddresses: addressesOf(user, personal('email'), personal('mobile')),
  }
}

/**
 * B11: every address the user has, trusted for codes or not — a notice after a reset carries
 * nothing a thief could use, and the more of the user's addresses hear of it the better.
 */
export async function allAddresses(db: Db, user: DirectoryUser): Promise<{ emails: string[]; mobiles: string[] }> {
  const contacts = await db.selectFrom('personal_contacts').select(['kind', 'value']).where('user_id', '=', user.id).execute()
  const personal = (kind: string) => contacts.filter((c) => c.kind === kind).map((c) => c.value)
  return addressesOf(user, personal('email'), personal('mobile'))
}

function addressesOf(user: DirectoryUser, emails: string[], mobiles: string[]): { emails: string[]; mobiles: string[] } {
  return {
    emails: [...new Set([...(user.email ? [user.email] : []), ...emails])],
    mobiles: [...new Set([...user.mobiles, ...mobiles])],
  }
}

export function isEnrolled(enrolment: UserEnrolment, method: VerifyMethod): boolean {
  switch (method) {
    case 'email_code':
    case 'personal_data_verify':
    case 'personal_data_confirm':
      return enrolment.emails.length > 0
    case 'sms_code':
      return enrolment.mobiles.length > 0
    case 'security_questions':
      return enrolment.questions.length > 0
    case 'totp_code':
      return enrolment.totp
  }
}

export function summarise(enrolment: UserEnrolment): EnrolmentSummary {
  return {
    email: enrolment.emails.length > 0,
    mobile: enrolment.mobiles.length > 0,
    questions: enrolment.questions.length,
    authenticator: enrolment.totp,
  }
}
