// The backend's secret handling: slow hashes, keyed hashes, codes, sealing, generated passwords.
import { describe, expect, it } from 'vitest'
import {
  deriveKeys,
  foldAnswer,
  keyedEqual,
  keyedHash,
  randomCode,
  seal,
  slowHash,
  slowVerify,
  unseal,
} from '../../../electron/backend/crypto/secrets'
import { generatePassword } from '../../../electron/backend/rules/reset'
import { checkPassword } from '../../../shared/policy/password-policy'
import { isBlocklisted } from '../../../shared/policy/blocklist'
import { policySettingsSchema } from '../../../shared/domain/types'
import type { DirectoryUser } from '../../../electron/backend/credentials/credential-store'

describe('secrets', () => {
  it('slow hashes verify the right secret only, with a fresh salt each time', async () => {
    const a = await slowHash('Biscuit', { N: 1024 })
    const b = await slowHash('Biscuit', { N: 1024 })
    expect(a).not.toBe(b)
    expect(a).not.toContain('Biscuit')
    expect(await slowVerify('Biscuit', a)).toBe(true)
    expect(await slowVerify('biscuit', a)).toBe(false)
    expect(await slowVerify('Biscuit', 'md5$whatever')).toBe(false)
  })
  it('folds answers by case and white space (R5.3)', () => {
    expect(foldAnswer('  New   York ')).toBe(foldAnswer('new york'))
  })
  it('codes are digits of the asked length; keyed hashes depend on the key', () => {
    const codes = new Set(Array.from({ length: 200 }, () => randomCode(6)))
    for (const c of codes) expect(c).toMatch(/^\d{6}$/)
    expect(codes.size).toBeGreaterThan(190)
    const k1 = deriveKeys(Buffer.alloc(32, 1)).codes
    const k2 = deriveKeys(Buffer.alloc(32, 2)).codes
    expect(keyedHash(k1, '123456')).not.toBe(keyedHash(k2, '123456'))
    expect(keyedEqual(k1, '123456', keyedHash(k1, '123456'))).toBe(true)
    expect(keyedEqual(k1, '123457', keyedHash(k1, '123456'))).toBe(false)
  })
  it('sealed outbox messages open only with their key', () => {
    const keys = deriveKeys(Buffer.alloc(32, 3))
    const sealed = seal(keys.seal, 'code 123456')
    expect(sealed).not.toContain('123456')
    expect(unseal(keys.seal, sealed)).toBe('code 123456')
    expect(unseal(deriveKeys(Buffer.alloc(32, 4)).seal, sealed)).toBeNull()
  })
  it('R6.2 generates policy-compliant passwords without look-alike characters', () => {
    const user = { username: 'alex.morgan', displayName: 'Alex Morgan' } as DirectoryUser
    for (const policy of [policySettingsSchema.parse({}), policySettingsSchema.parse({ minLength: 24, adComplexity: true })]) {
      const seen = new Set<string>()
      for (let i = 0; i < 50; i++) {
        const pw = generatePassword(policy, user)
        expect(pw.length).toBeGreaterThanOrEqual(Math.max(16, policy.minLength))
        expect(pw).not.toMatch(/[0O1lIi5S2Z8B]/)
        expect(checkPassword(pw, policy, user, isBlocklisted)).toEqual([])
        seen.add(pw)
      }
      expect(seen.size).toBe(50)
    }
  })
})
