// F7: every input the contract declares is bounded — each string by a length (or an enum, a const
// or a fixed-length pattern), each number by a minimum and a maximum within the store's integers —
// so a channel added later cannot take an oversized string or an overflowing number.
import { describe, expect, it } from 'vitest'
import { channels, contract, inputIntMax } from '../../../shared/ipc/contract'
import { inputJsonSchema, type JsonSchema } from '../../helpers/contract-arbitraries'

function unbounded(node: JsonSchema, path: string, found: string[]): string[] {
  if (Array.isArray(node)) node.forEach((n, i) => unbounded(n, `${path}[${i}]`, found))
  else if (node && typeof node === 'object') {
    const fixed = node.enum !== undefined || node.const !== undefined || node.format === 'date-time'
    if (node.type === 'string' && !fixed && node.maxLength === undefined && !/\{\d+(,\d+)?\}\$$/.test(node.pattern ?? ''))
      found.push(`${path}: string without maxLength`)
    if (
      (node.type === 'integer' || node.type === 'number') &&
      (node.minimum === undefined || node.maximum === undefined || node.maximum > inputIntMax || node.minimum < -inputIntMax)
    )
      found.push(`${path}: number without both bounds`)
    if (node.type === 'array' && node.maxItems === undefined) found.push(`${path}: array without maxItems`)
    for (const [k, v] of Object.entries(node)) unbounded(v as JsonSchema, `${path}.${k}`, found)
  }
  return found
}

describe('F7 contract bounds', () => {
  it('every string, number and array in every input is bounded', () => {
    const found = channels.flatMap((c) => unbounded(inputJsonSchema(contract[c].input), c, []))
    expect(found).toEqual([])
  })

  it('every input refuses a NUL byte and an out-of-range number, whatever its own schema says', () => {
    for (const c of channels) {
      const input = contract[c].input
      expect(input.safeParse({ '\u0000': 1 }).success, c).toBe(false)
    }
    expect(contract['users:search'].input.safeParse({ q: 'a\u0000' }).success).toBe(false)
    expect(contract['records:list'].input.safeParse({ kind: 'incident', q: 'ok' }).success).toBe(true)
  })

  it('a day to search the audit by is a calendar day (an impossible one once reached the store as an invalid date)', () => {
    const search = contract['audit:search'].input
    for (const day of ['0000-50-00', '2026-02-30', '2026-13-01', '2026-1-01'])
      expect(search.safeParse({ to: day }).success, day).toBe(false)
    for (const day of ['2024-02-29', '2026-12-31']) expect(search.safeParse({ from: day, to: day }).success, day).toBe(true)
  })
})
