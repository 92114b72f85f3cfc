// R6.2 passphrase option: words from the BIP-39 English list (2048 words, each told apart by its
// first four letters, no homophone pairs), drawn uniformly from a CSPRNG. Easier to read over a
// phone than random characters, and as strong: enough words to reach the policy's entropy floor.
import { randomInt } from 'node:crypto'
import { wordlist } from '@scure/bip39/wordlists/english.js'
import type { PolicySettings } from '../../../shared/domain/types'
import { policyMinimumEntropyBits, uniformEntropyBits } from '../../../shared/policy/entropy'

export const PASSPHRASE_SEPARATOR = '-'

export function passphraseWordCount(policy: Pick<PolicySettings, 'minLength'>): number {
  return Math.ceil(policyMinimumEntropyBits(policy) / Math.log2(wordlist.length))
}

export function passphraseEntropyBits(words: number): number {
  return uniformEntropyBits(words, wordlist.length)
}

/**
 * `accept` is the policy check (length, blocklist, no user name); a rejected draw is redrawn.
 * AD complexity needs upper case and a digit, so there the words are capitalised and a digit
 * (from a CSPRNG; it only adds entropy) ends the phrase.
 */
export function generatePassphrase(
  policy: PolicySettings,
  accept: (candidate: string) => boolean,
  random: (n: number) => number = randomInt,
): string {
  const count = passphraseWordCount(policy)
  for (;;) {
    const words = Array.from({ length: count }, () => wordlist[random(wordlist.length)]!)
    const phrase = policy.adComplexity
      ? words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(PASSPHRASE_SEPARATOR) + PASSPHRASE_SEPARATOR + String(random(10))
      : words.join(PASSPHRASE_SEPARATOR)
    if (phrase.length <= policy.maxLength && accept(phrase)) return phrase
  }
}
