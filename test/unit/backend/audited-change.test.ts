// G7: admin audit entries carry before/after, never a secret: the helper's second line of defence
// replaces any value under a secret-looking key, at any depth, and leaves the rest as it was.
import { describe, expect, it } from 'vitest'
import { redactSecrets } from '../../../electron/backend/admin/audited-change'

describe('redactSecrets', () => {
  it('replaces values under secret-looking keys at any depth and keeps everything else', () => {
    const before = {
      name: 'Orders webhook',
      url: 'https://itsm.example/hook',
      signingSecret: 's3cr3t-value',
      endpoints: [{ id: 'e1', bearerToken: 'tok-123', events: ['reset.done'] }],
      keyHash: 'abc',
      settings: { codeTtlMinutes: 10, smtpPassword: 'pw' },
    }
    const out = redactSecrets(before)
    expect(out).toEqual({
      name: 'Orders webhook',
      url: 'https://itsm.example/hook',
      signingSecret: '[redacted]',
      endpoints: [{ id: 'e1', bearerToken: '[redacted]', events: ['reset.done'] }],
      keyHash: '[redacted]',
      settings: { codeTtlMinutes: 10, smtpPassword: '[redacted]' },
    })
    expect(JSON.stringify(out)).not.toMatch(/s3cr3t|tok-123|"pw"/)
    expect(redactSecrets(null)).toBeNull()
    expect(redactSecrets(['a', 1])).toEqual(['a', 1])
  })
})
