// R6.2: how strong a generated password must be. The floor is the strength of a random password of
// the policy's minimum length over the generator's alphabet without look-alikes (55 characters),
// so choosing a passphrase for the phone never gives a weaker password than the characters would.
export const LOOKALIKE_FREE_ALPHABET_SIZE = 55

export function policyMinimumEntropyBits(policy: { minLength: number }): number {
  return policy.minLength * Math.log2(LOOKALIKE_FREE_ALPHABET_SIZE)
}

/** Bits of a secret made of `picks` independent uniform draws from `choices` options each. */
export function uniformEntropyBits(picks: number, choices: number): number {
  return picks * Math.log2(choices)
}
