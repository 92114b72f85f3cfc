// B4 presenter mode: how secrets and personal data look on a shared screen. Pure functions, so
// what a screen share can show is unit-tested. Masks have a fixed length: they give away neither
// the value nor its length.

import { maskPhone } from '../../../shared/domain/masking'

export type SensitiveKind = 'email' | 'phone' | 'secret' | 'text'

export const secretMask = '••••••••'

/** The same phone mask as the backend's: the last four digits. */
export { maskPhone }

/** `alex.morgan@example.com` → `a•••@example.com`; not an address at all → fully masked. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at <= 0 || at === email.length - 1) return secretMask
  return `${email.slice(0, 1)}•••@${email.slice(at + 1)}`
}

/** Passwords, codes, answers, links: nothing of them, not even the length. */
export function maskSecret(): string {
  return secretMask
}

/** A link keeps where it goes (origin), never its path or query (where tokens live). */
function maskUrl(url: string): string {
  try {
    return `${new URL(url).origin}/${secretMask}`
  } catch {
    return secretMask
  }
}

const urlPattern = /\bhttps?:\/\/[^\s<>"']+/gi
const emailPattern = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g
/** Verification codes and anything like them: six or more digits in a row. */
const codePattern = /(?<!\d)\d{6,}(?!\d)/g
/** Phone numbers as people write them: digits with spaces, dots, dashes, brackets, a leading +. */
const phonePattern = /\+?\(?\d[\d\s().-]{5,}\d/g

/**
 * Free text (a message body, a description, a work note) with every link, email address, code
 * and phone number in it masked; the rest stays readable for the walkthrough. Links first (a
 * token may contain digits or an @), then codes before phones (a 12-digit code must not keep its
 * last four digits as a phone would).
 */
export function maskFreeText(text: string): string {
  return text
    .replace(urlPattern, maskUrl)
    .replace(emailPattern, maskEmail)
    .replace(codePattern, () => '••••••')
    .replace(phonePattern, (m) => (m.replace(/\D/g, '').length >= 7 ? maskPhone(m) : m))
}

/** The masked rendition of a value of the given kind. */
export function maskValue(kind: SensitiveKind, value: string): string {
  switch (kind) {
    case 'email':
      return maskEmail(value)
    case 'phone':
      return maskPhone(value)
    case 'secret':
      return maskSecret()
    case 'text':
      return maskFreeText(value)
  }
}
