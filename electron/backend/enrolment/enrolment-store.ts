// G4: what a user is enrolled in, read from the enrolment tables by the directory's stable id,
// and the contact points codes go to: the directory's mail and mobiles where the desk trusts
// them (a desk setting), plus the personal ones the user confirmed by code.
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../store/schema'
import type { DirectoryUser } from '../credentials/credential-store'
import type { VerifyMethod } from '../../../shared/domain/types'
import type { EnrolmentSummary } from '../../../shared/domain/enrolment'
import { loadDeskSettings } from '../admin/desk-settings'

type Db = Kysely<DB> | Transaction<DB>

export interface UserEnrolment {
  /** Where email codes go: the trusted directory mail first, then the confirmed personal one. */
  emails: string[]
  /** Where SMS codes go, in the same order. */
  mobiles: string[]
  questions: { id: string; text: string }[]
  totp: boolean
}

export async function loadEnrolment(db: Db, user: DirectoryUser): Promise<UserEnrolment> {
  const [settings, questions, contacts, totp] = await Promise.all([
    loadDeskSettings(db),
    db
      .selectFrom('enrolled_answers')
      .innerJoin('security_questions', 'security_questions.id', 'enrolled_answers.question_id')
      .select(['security_questions.id', 'security_questions.text'])
      .where('enrolled_answers.user_id', '=', user.id)
      .orderBy('enrolled_answers.position')
      .execute(),
    db.selectFrom('personal_contacts').select(['kind', 'value']).where('user_id', '=', user.id).execute(),
    db.selectFrom('totp_enrolments').select('user_id').where('user_id', '=', user.id).executeTakeFirst(),
  ])
  const personal = (kind: string) => contacts.filter((c) => c.kind === kind).map((c) => c.value)
  const trusted = settings.trustDirectoryContacts
  const unique = (list: string[]) => [...new Set(list)]
  return {
    emails: unique([...(trusted && user.email ? [user.email] : []), ...personal('email')]),
    mobiles: unique([...(trusted ? user.mobiles : []), ...personal('mobile')]),
    questions,
    totp: totp !== undefined,
  }
}

/**
 * B11: every address the user has, trusted for codes or not — a notice after a reset carries
 * nothing a thief could use, and the more of the user's addresses hear of it the better.
 */
export async function allAddresses(db: Db, user: DirectoryUser): Promise<{ emails: string[]; mobiles: string[] }> {
  const contacts = await db.selectFrom('personal_contacts').select(['kind', 'value']).where('user_id', '=', user.id).execute()
  const personal = (kind: string) => contacts.filter((c) => c.kind === kind).map((c) => c.value)
  return {
    emails: [...new Set([...(user.email ? [user.email] : []), ...personal('email')])],
    mobiles: [...new Set([...user.mobiles, ...personal('mobile')])],
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
