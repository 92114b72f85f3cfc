// S7: NIST SP 800-63B-4 — length first, a blocklist of common and breached passwords, no user
// name inside; composition rules only where a credential store needs them (AD complexity).
// Pure and light so the renderer can show live feedback; the blocklist is passed in because the
// list is large and only the backend loads it (see blocklist.ts).
import type { PolicySettings } from '../domain/types'

export type PolicyRule = 'min_length' | 'max_length' | 'blocklisted' | 'contains_user_name' | 'ad_complexity'
export interface PolicyFailure {
  rule: PolicyRule
  message: string
}
export interface PolicySubject {
  username: string
  displayName: string
}
export type Blocklist = (password: string) => boolean

export function checkPassword(
  password: string,
  policy: PolicySettings,
  subject: PolicySubject,
  isBlocklisted: Blocklist = () => false,
): PolicyFailure[] {
  const failures: PolicyFailure[] = []
  // Length counts Unicode code points, not UTF-16 units (NIST: each code point is one character).
  const length = [...password].length
  if (length < policy.minLength) {
    failures.push({ rule: 'min_length', message: `Use at least ${policy.minLength} characters.` })
  }
  if (length > policy.maxLength) {
    failures.push({ rule: 'max_length', message: `Use at most ${policy.maxLength} characters.` })
  }
  if (password.length > 0 && isBlocklisted(password)) {
    failures.push({ rule: 'blocklisted', message: 'This password is too common or has appeared in a breach.' })
  }
  if (userNameTokens(subject).some((t) => password.toLowerCase().includes(t))) {
    failures.push({ rule: 'contains_user_name', message: "Do not include the user's name or user name." })
  }
  if (policy.adComplexity && complexityClasses(password) < 3) {
    failures.push({
      rule: 'ad_complexity',
      message: 'Use three of: upper-case letters, lower-case letters, digits, symbols.',
    })
  }
  return failures
}

/** The user name and each part of the display name of three or more characters (as AD does). */
function userNameTokens(subject: PolicySubject): string[] {
  const parts = [subject.username, ...subject.displayName.split(/[\s,.\-_#\t]+/)]
  return parts.map((p) => p.toLowerCase()).filter((p) => p.length >= 3)
}

export function complexityClasses(password: string): number {
  return [/\p{Lu}/u, /\p{Ll}/u, /\p{Nd}/u, /[^\p{L}\p{Nd}]/u].filter((re) => re.test(password)).length
}
