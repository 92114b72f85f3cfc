// The blocklist of common and breached passwords (S7), from zxcvbn-ts's common password list
// (about 49k entries drawn from breach corpora). Backend only: it is too large for the renderer.
import { dictionary } from '@zxcvbn-ts/language-common'
import type { Blocklist } from './password-policy'

let common: Set<string> | undefined

export const isBlocklisted: Blocklist = (password) => {
  common ??= new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()))
  const folded = password.toLowerCase()
  // A listed password with only digits or symbols appended ("password123!") is just as guessable.
  return common.has(folded) || common.has(folded.replace(/[\d\W_]+$/u, ''))
}
