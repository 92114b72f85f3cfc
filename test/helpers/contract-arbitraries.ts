// fast-check arbitraries for the contract's inputs, built from each zod schema's JSON Schema (the
// same rendering the OpenAPI document uses), and mutations that break them. Covers the keywords
// z.toJSONSchema emits for this contract; an unknown one fails loudly rather than generating junk.
import fc from 'fast-check'
import { z } from 'zod'

export type JsonSchema = Record<string, any>

export function inputJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema
}

/** Any string of UTF-16 length within [min, max], never a NUL (NUL is a mutation, below). */
function text(min: number, max: number): fc.Arbitrary<string> {
  const cap = Math.min(max, min + 40)
  return fc
    .oneof(
      fc.string({ unit: 'binary', minLength: min, maxLength: cap }),
      fc.string({ unit: 'grapheme-ascii', minLength: min, maxLength: cap }),
    )
    .map((s) => s.replaceAll('\u0000', ' '))
    .filter((s) => s.length >= min && s.length <= max)
}

export function arbitraryFor(schema: JsonSchema): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if (schema.oneOf || schema.anyOf) return fc.oneof(...(schema.oneOf ?? schema.anyOf).map(arbitraryFor))
  switch (schema.type) {
    case 'string': {
      if (schema.format === 'date-time')
        return fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((d) => d.toISOString())
      if (schema.pattern)
        return fc
          .stringMatching(new RegExp(schema.pattern))
          .filter((s) => !s.includes('\u0000') && s.length <= (schema.maxLength ?? Infinity))
      return text(schema.minLength ?? 0, schema.maxLength ?? 200)
    }
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -(2 ** 31), max: schema.maximum ?? 2 ** 31 - 1 })
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e9, max: schema.maximum ?? 1e9, noNaN: true, noDefaultInfinity: true })
    case 'boolean':
      return fc.boolean()
    case 'null':
      return fc.constant(null)
    case 'array':
      return fc.array(arbitraryFor(schema.items ?? {}), { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 5, 5) })
    case 'object': {
      if (schema.propertyNames || (schema.additionalProperties && typeof schema.additionalProperties === 'object')) {
        return fc.dictionary(
          arbitraryFor(schema.propertyNames ?? { type: 'string', maxLength: 8 }) as fc.Arbitrary<string>,
          arbitraryFor(schema.additionalProperties),
          { maxKeys: 3 },
        )
      }
      const props: Record<string, JsonSchema> = schema.properties ?? {}
      const required = new Set<string>(schema.required ?? [])
      return fc.record(Object.fromEntries(Object.entries(props).map(([k, v]) => [k, arbitraryFor(v)])), {
        requiredKeys: [...required].filter((k) => k in props) as never,
      })
    }
  }
  if (Object.keys(schema).filter((k) => k !== '$schema').length === 0) return fc.jsonValue()
  throw new Error(`no arbitrary for JSON Schema ${JSON.stringify(schema)}`)
}

type Path = (string | number)[]
function leaves(value: unknown, path: Path = []): { path: Path; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]))
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]))
  return [{ path, value }]
}
function setAt(value: unknown, path: Path, next: unknown): unknown {
  if (path.length === 0) return next
  const copy: any = Array.isArray(value) ? [...value] : { ...(value as object) }
  copy[path[0]!] = setAt(copy[path[0]!], path.slice(1), next)
  return copy
}

/** Values no contract input may accept: a NUL in a string, a number beyond the store's integers. */
export const edgeNumbers = [2 ** 31, -(2 ** 31) - 1, 2 ** 53, 1e300, -1e300]

/** Mutations of a valid input: edges F7 names first, then shape breakers. */
export function mutationOf(valid: unknown): fc.Arbitrary<{ kind: string; value: unknown }> {
  const all = leaves(valid)
  const strings = all.filter((l) => typeof l.value === 'string')
  const numbers = all.filter((l) => typeof l.value === 'number')
  const keys = valid !== null && typeof valid === 'object' ? Object.keys(valid) : []
  const options: fc.Arbitrary<{ kind: string; value: unknown }>[] = [
    fc.constantFrom(null, [], 'text', 42, true).map((value) => ({ kind: 'not an object', value })),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 8 }), fc.jsonValue())
      .map(([k, v]) => ({ kind: 'extra key', value: { ...(valid as object), [`x_${k}`]: v } })),
    fc.jsonValue().map((v) => ({ kind: 'NUL key', value: { ...(valid as object), ['a\u0000b']: v } })),
  ]
  if (strings.length) {
    options.push(
      fc.tuple(fc.constantFrom(...strings), fc.nat()).map(([leaf, at]) => {
        const s = leaf.value as string
        const i = at % (s.length + 1)
        return { kind: 'NUL in string', value: setAt(valid, leaf.path, `${s.slice(0, i)}\u0000${s.slice(i)}`) }
      }),
      fc.constantFrom(...strings).map((leaf) => ({ kind: 'oversized string', value: setAt(valid, leaf.path, 'a'.repeat(20_000)) })),
    )
  }
  if (numbers.length) {
    options.push(
      fc
        .tuple(fc.constantFrom(...numbers), fc.constantFrom(...edgeNumbers))
        .map(([leaf, n]) => ({ kind: 'number out of range', value: setAt(valid, leaf.path, n) })),
    )
  }
  if (keys.length) {
    options.push(
      fc
        .tuple(fc.constantFrom(...keys), fc.constantFrom(null, [], {}, 'text', -1, 1.5, false))
        .map(([k, v]) => ({ kind: 'wrong type', value: { ...(valid as object), [k]: v } })),
      fc.constantFrom(...keys).map((k) => {
        const { [k]: _dropped, ...rest } = valid as Record<string, unknown>
        return { kind: 'key dropped', value: rest }
      }),
    )
  }
  return fc.oneof(...options)
}

/** The kinds of mutation that are invalid whatever the schema: the server must refuse them. */
export const alwaysInvalid = new Set(['not an object', 'extra key', 'NUL key', 'NUL in string', 'oversized string', 'number out of range'])
