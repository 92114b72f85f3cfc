// G4 enrolment shapes shared by the backend, the enrolment page's API and the console: the
// desk's security-question catalogue, what a user is enrolled in, and answer folding.
import { z } from 'zod'

/** R5.3 / G4: answers compare after Unicode NFKC, case and white-space folding. */
export function foldAnswer(answer: string): string {
  return answer.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim()
}

const questionText = z.string().trim().min(5, 'At least 5 characters.').max(200, 'At most 200 characters.')

export const catalogQuestionSchema = z
  .object({
    /** Absent for a question the admin is adding. */
    id: z.string().min(1).max(64).optional(),
    text: questionText,
    active: z.boolean(),
  })
  .strict()
export type CatalogQuestion = z.infer<typeof catalogQuestionSchema>

/** The whole catalogue as the admin saves it; a question left out is removed (or deactivated if in use). */
export const questionCatalogSaveSchema = z
  .object({
    questions: z.array(catalogQuestionSchema).max(100),
    questionsRequired: z.number().int().min(1).max(10),
  })
  .strict()
  .superRefine((v, ctx) => {
    const seen = new Set<string>()
    v.questions.forEach((q, i) => {
      const key = foldAnswer(q.text)
      if (seen.has(key))
        ctx.addIssue({ code: 'custom', path: ['questions', i, 'text'], message: 'This question is already in the catalogue.' })
      seen.add(key)
    })
    const active = v.questions.filter((q) => q.active).length
    if (v.questionsRequired > active) {
      ctx.addIssue({
        code: 'custom',
        path: ['questionsRequired'],
        message: `Users cannot enrol ${v.questionsRequired} questions from ${active} active ones.`,
      })
    }
  })
export type QuestionCatalogSave = z.infer<typeof questionCatalogSaveSchema>

export const questionCatalogViewSchema = z.object({
  questions: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      active: z.boolean(),
      /** Users with an answer to it: such a question is deactivated, never deleted. */
      enrolledUsers: z.number().int(),
    }),
  ),
  questionsRequired: z.number().int(),
})
export type QuestionCatalogView = z.infer<typeof questionCatalogViewSchema>

/** G4: what Identify shows of a user's enrolment, per method family. */
export const enrolmentSummarySchema = z.object({
  email: z.boolean(),
  mobile: z.boolean(),
  questions: z.number().int(),
  authenticator: z.boolean(),
})
export type EnrolmentSummary = z.infer<typeof enrolmentSummarySchema>
