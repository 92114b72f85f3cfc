// Exhaustive switches over a union: the compiler refuses a case left out, and a value that
// arrives anyway (from outside the types) fails loudly instead of falling through.
export const assertNever = (x: never): never => {
  throw new Error(`unexpected ${String(x)}`)
}
