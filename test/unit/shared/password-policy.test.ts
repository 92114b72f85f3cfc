// S7: length first, blocklist, no user name; composition only where the store needs it.
import { describe, expect, it } from 'vitest'
import { checkPassword } from '../../../shared/policy/password-policy'
import { isBlocklisted } from '../../../shared/policy/blocklist'
import { spellPassword } from '../../../shared/policy/phonetic'
import { policySettingsSchema } from '../../../shared/domain/types'

const policy = policySettingsSchema.parse({})
const subject = { username: 'alex.morgan', displayName: 'Alex Morgan' }
const rules = (pw: string, p = policy) => checkPassword(pw, p, subject, isBlocklisted).map((f) => f.rule)

describe('S7 password policy', () => {
  it('defaults to 15 characters minimum and allows at least 64', () => {
    expect(policy.minLength).toBe(15)
    expect(rules('tangerine-sky')).toEqual(['min_length'])
    expect(rules('tangerine-sky-42')).toEqual([])
    expect(rules('a-long-passphrase-'.repeat(4).slice(0, 64))).toEqual([])
  })
  it('counts characters, not UTF-16 units', () => {
    expect(rules('🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊🦊')).toEqual(['min_length'])
  })
  it('refuses common and breached passwords, also with digits appended', () => {
    expect(isBlocklisted('password')).toBe(true)
    expect(isBlocklisted('Password123!')).toBe(true)
    expect(isBlocklisted('qwertyuiop')).toBe(true)
    expect(isBlocklisted('tangerine-sky-42')).toBe(false)
    expect(rules('password1234567890')).toContain('blocklisted')
  })
  it("refuses the user name or a part of the user's name", () => {
    expect(rules('my-name-is-alex.morgan')).toContain('contains_user_name')
    expect(rules('MORGAN-and-the-river-9')).toContain('contains_user_name')
    expect(rules('al-is-not-enough-here')).not.toContain('contains_user_name')
  })
  it('asks for AD complexity only when the store requires it', () => {
    const ad = policySettingsSchema.parse({ adComplexity: true })
    expect(rules('all lower case words here', ad)).toContain('ad_complexity')
    expect(rules('Three Classes Here 42', ad)).toEqual([])
    expect(rules('all lower case words here')).toEqual([])
  })
})

describe('B3 phonetic spelling', () => {
  it('spells letters with case, digits and symbols in groups of four', () => {
    expect(spellPassword('aB3#x')).toEqual([['lower-case Alfa', 'upper-case Bravo', 'Three', 'Hash'], ['lower-case X-ray']])
  })
})
