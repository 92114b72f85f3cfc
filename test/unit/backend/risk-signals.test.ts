import { describe, expect, it } from 'vitest'
import { riskSignals, type RiskFacts } from '../../../electron/backend/risk/risk-signals'

const now = new Date('2026-11-27T12:00:00Z')
const calm: RiskFacts = {
  locked: false,
  contactChangedAt: null,
  contactChangesKnown: true,
  recentResets: [],
  recentFailedVerifications: 0,
  recordCallerId: 'user-a',
  userId: 'user-a',
}
const kinds = (f: Partial<RiskFacts>) => riskSignals({ ...calm, ...f }, now).map((s) => s.kind)

describe('B2 risk signals at Identify', () => {
  it('B2 shows nothing for an unlocked caller with no recent changes, resets or failures', () => {
    expect(riskSignals(calm, now)).toEqual([])
  })

  it('B2 flags a locked account, with the reason', () => {
    const [signal] = riskSignals({ ...calm, locked: true }, now)
    expect(signal).toMatchObject({ kind: 'locked', level: 'warning' })
    expect(signal!.reason).toMatch(/locked/)
  })

  it('B2 flags contact details changed inside 7 days and not at 7 days and a minute', () => {
    expect(kinds({ contactChangedAt: '2026-11-21T12:01:00Z' })).toEqual(['contact_changed'])
    expect(kinds({ contactChangedAt: '2026-11-20T11:59:00Z' })).toEqual([])
  })

  it('B2 says "unknown" where the directory keeps no change time, and not where it does', () => {
    const [signal] = riskSignals({ ...calm, contactChangesKnown: false }, now)
    expect(signal).toMatchObject({ kind: 'contact_change_unknown', level: 'info' })
    expect(signal!.reason).toMatch(/Unknown/)
    // An enrolled contact confirmed recently is a known change even in such a directory.
    expect(kinds({ contactChangesKnown: false, contactChangedAt: '2026-11-26T00:00:00Z' })).toEqual(['contact_changed'])
  })

  it('B2/B11 flags a reset the user reported as not theirs inside 30 days, and not after', () => {
    const [signal] = riskSignals({ ...calm, reportedResetAt: '2026-10-29T12:01:00Z' }, now)
    expect(signal).toMatchObject({ kind: 'reported_reset', level: 'warning' })
    expect(signal!.reason).toMatch(/reported a reset of this password as not theirs/)
    expect(kinds({ reportedResetAt: '2026-10-28T11:59:00Z' })).toEqual([])
    expect(kinds({ reportedResetAt: null })).toEqual([])
  })

  it('B2 counts resets and failed verifications by any agent in the last 24 hours', () => {
    const signals = riskSignals(
      { ...calm, recentResets: ['2026-11-27T09:00:00Z', '2026-11-27T10:00:00Z'], recentFailedVerifications: 1 },
      now,
    )
    expect(signals.map((s) => s.kind)).toEqual(['recent_resets', 'recent_failed_verifications'])
    expect(signals[0]!.reason).toMatch(/^2 resets .*last 24 hours/)
    expect(signals[1]!.reason).toMatch(/^1 failed verification /)
  })

  it("B2 flags a user other than the record's caller, and not a record with no matched caller", () => {
    expect(kinds({ userId: 'user-b' })).toEqual(['not_the_caller'])
    expect(kinds({ userId: 'user-b', recordCallerId: null })).toEqual([])
  })
})
