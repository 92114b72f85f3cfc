// R3/G5: how the record view names a caller that is a directory reference.
import { describe, expect, it } from 'vitest'
import { callerLabel } from '../../../renderer/src/features/records/caller-label'

describe('callerLabel', () => {
  it('names a resolved caller as the directory does today, and the recorded name when it changed', () => {
    expect(callerLabel({ status: 'resolved', id: 'u1', nameAtTime: 'Casey Singh', currentName: 'Casey Singh' })).toBe('Casey Singh')
    expect(callerLabel({ status: 'resolved', id: 'u1', nameAtTime: 'Casey Singh', currentName: 'Casey Singh-Ortiz' })).toBe(
      'Casey Singh-Ortiz (recorded as Casey Singh)',
    )
  })
  it('says when the caller is gone from the directory, was never matched, or could not be checked', () => {
    expect(callerLabel({ status: 'not_found', id: 'u1', nameAtTime: 'Casey Singh', currentName: null })).toBe(
      'Casey Singh (not found in the directory)',
    )
    expect(callerLabel({ status: 'unmatched', id: null, nameAtTime: 'j.smith@partner.example', currentName: null })).toBe(
      'j.smith@partner.example (not matched to a directory user)',
    )
    expect(callerLabel({ status: 'unavailable', id: 'u1', nameAtTime: 'Casey Singh', currentName: null })).toBe(
      'Casey Singh (directory unavailable, not checked)',
    )
    expect(callerLabel({ status: 'unmatched', id: null, nameAtTime: null, currentName: null })).toBe(
      'Unknown caller (not matched to a directory user)',
    )
  })
})
