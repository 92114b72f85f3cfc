import type { EnrolmentSummary } from '../../../../shared/domain/enrolment'

/** G4: the user's enrolment in words, e.g. "email, mobile, 2 security questions". */
export function enrolmentText(e: EnrolmentSummary): string {
  const parts = [
    e.email ? 'email' : null,
    e.mobile ? 'mobile' : null,
    e.questions > 0 ? `${e.questions} security ${e.questions === 1 ? 'question' : 'questions'}` : null,
    e.authenticator ? 'authenticator app' : null,
  ].filter((p): p is string => p !== null)
  return parts.length > 0 ? parts.join(', ') : 'nothing'
}
