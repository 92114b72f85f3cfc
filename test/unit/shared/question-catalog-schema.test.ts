// G4 / G7: the schema the admin pane's form and the backend's admin:questions:save both parse with.
import { describe, expect, it } from 'vitest'
import { foldAnswer, questionCatalogSaveSchema } from '../../../shared/domain/enrolment'

describe('G4 question catalogue schema', () => {
  const q = (text: string, active = true) => ({ text, active })

  it('accepts a catalogue with enough active questions, trimming the text', () => {
    const parsed = questionCatalogSaveSchema.parse({
      questions: [q('  What was your first pet? '), q('Where were you born?')],
      questionsRequired: 2,
    })
    expect(parsed.questions[0]!.text).toBe('What was your first pet?')
  })

  it('refuses the same question twice after folding, naming the field', () => {
    const r = questionCatalogSaveSchema.safeParse({
      questions: [q('What was your first pet?'), q('what was  your FIRST pet?')],
      questionsRequired: 1,
    })
    expect(r.success).toBe(false)
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['questions.1.text'])
  })

  it('refuses requiring more questions than are active, and too-short text', () => {
    const r = questionCatalogSaveSchema.safeParse({
      questions: [q('What was your first pet?'), q('Where were you born?', false)],
      questionsRequired: 2,
    })
    expect(r.error!.issues.map((i) => i.path.join('.'))).toEqual(['questionsRequired'])
    const short = questionCatalogSaveSchema.safeParse({ questions: [q('What was your first pet?'), q('Hm?')], questionsRequired: 1 })
    expect(short.error!.issues.map((i) => i.path.join('.'))).toEqual(['questions.1.text'])
  })

  it('folds answers for case, spaces and Unicode NFKC', () => {
    expect(foldAnswer('  Ｌｉｓｂｏｎ\u00a0 Portugal ')).toBe('lisbon portugal')
    expect(foldAnswer('ﬁsh')).toBe('fish')
  })
})
