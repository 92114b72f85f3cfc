import { describe, expect, it } from 'vitest'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import {
  generatePassphrase,
  passphraseEntropyBits,
  passphraseWordCount,
  PASSPHRASE_SEPARATOR,
} from '../../../electron/backend/rules/passphrase'
import { policyMinimumEntropyBits } from '../../../shared/policy/entropy'
import { checkPassword, complexityClasses } from '../../../shared/policy/password-policy'
import { isBlocklisted } from '../../../shared/policy/blocklist'
import { policySettingsSchema } from '../../../shared/domain/types'

const user = { username: 'alex.morgan', displayName: 'Alex Morgan' }
const accepts = (policy: ReturnType<typeof policySettingsSchema.parse>) => (p: string) =>
  checkPassword(p, policy, user, isBlocklisted).length === 0

describe('R6.2 passphrase generator', () => {
  for (const minLength of [8, 15, 20, 40]) {
    it(`R6.2 a passphrase for minimum length ${minLength} has at least the policy's entropy and passes the policy`, () => {
      const policy = policySettingsSchema.parse({ minLength })
      expect(passphraseEntropyBits(passphraseWordCount(policy))).toBeGreaterThanOrEqual(policyMinimumEntropyBits(policy))
      for (let i = 0; i < 20; i++) {
        const phrase = generatePassphrase(policy, accepts(policy))
        expect(phrase.split(PASSPHRASE_SEPARATOR)).toHaveLength(passphraseWordCount(policy))
        expect(checkPassword(phrase, policy, user, isBlocklisted)).toEqual([])
      }
    })
  }

  it('R6.2 the default policy (15 characters, 86.7 bits) takes 8 words of 11 bits', () => {
    const policy = policySettingsSchema.parse({})
    expect(policyMinimumEntropyBits(policy)).toBeCloseTo(86.72, 1)
    expect(passphraseWordCount(policy)).toBe(8)
  })

  it('R6.2 under AD complexity the phrase has upper case, lower case, a digit and a symbol', () => {
    const policy = policySettingsSchema.parse({ adComplexity: true })
    const phrase = generatePassphrase(policy, accepts(policy))
    expect(complexityClasses(phrase)).toBe(4)
    expect(checkPassword(phrase, policy, user, isBlocklisted)).toEqual([])
  })

  it('R6.2 draws every word from the list through the random source, and redraws a refused phrase', () => {
    const policy = policySettingsSchema.parse({})
    const draws = [0, 0, 0, 0, 0, 0, 0, 0, 2047, 2047, 2047, 2047, 2047, 2047, 2047, 2047]
    const refuseFirst = (p: string) => !p.startsWith(wordlist[0]!)
    const phrase = generatePassphrase(policy, refuseFirst, () => draws.shift()!)
    expect(phrase).toBe(Array(8).fill(wordlist[2047]).join('-'))
  })
})
