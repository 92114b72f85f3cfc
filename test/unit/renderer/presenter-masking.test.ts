// B4 presenter mode: what a shared screen may show of secrets and personal data.
import { afterEach, describe, expect, it } from 'vitest'
import { maskEmail, maskFreeText, maskPhone, maskSecret, maskValue, secretMask } from '../../../renderer/src/components/masking'
import { isPresenterShortcut } from '../../../renderer/src/components/PresenterToggle'
import { usePresenterStore } from '../../../renderer/src/stores/presenter-store'

describe('B4 masking of personal data and secrets', () => {
  it('B4 an email keeps its first letter and domain, never the rest of the local part or its length', () => {
    expect(maskEmail('alex.morgan@example.com')).toBe('a•••@example.com')
    expect(maskEmail('j@example.com')).toBe('j•••@example.com')
    expect(maskEmail('not an address')).toBe(secretMask)
    expect(maskEmail('@example.com')).toBe(secretMask)
  })

  it('B4 a phone number keeps only its last four digits, however it is written', () => {
    expect(maskPhone('+1 415 555 0101')).toBe('•••• 0101')
    expect(maskPhone('(415) 555-0101')).toBe('•••• 0101')
    // The backend's own mask passes through unchanged.
    expect(maskPhone('•••• 0101')).toBe('•••• 0101')
    expect(maskPhone('12')).toBe('••••')
  })

  it('B4 a secret shows nothing of itself, not even its length', () => {
    expect(maskSecret()).toBe(secretMask)
    expect(maskValue('secret', 'Kx7-short')).toBe(maskValue('secret', 'a-much-longer-generated-password-2026'))
    expect(maskValue('secret', 'hunter2hunter2')).not.toMatch(/[a-z0-9]/i)
  })

  it('B4 a code message keeps its words and loses its code', () => {
    const body =
      'Your ResetDesk verification code is 482913. It is valid for 10 minutes. Read it to the service desk agent only if you called them yourself.'
    const masked = maskFreeText(body)
    expect(masked).not.toContain('482913')
    expect(masked).toContain('Your ResetDesk verification code is ••••••.')
    expect(masked).toContain('valid for 10 minutes')
  })

  it('B4 a 12-digit code is masked whole, not as a phone number showing its last four', () => {
    expect(maskFreeText('code 123456789012.')).toBe('code ••••••.')
  })

  it('B4 a reset link keeps where it goes and loses its token', () => {
    const body = 'It works once and expires in 30 minutes:\n\nhttps://reset.corp.example/reset?token=AbC123_x-9@z\n\nIf you did not ask'
    const masked = maskFreeText(body)
    expect(masked).toContain(`https://reset.corp.example/${secretMask}`)
    expect(masked).not.toContain('AbC123')
    expect(masked).toContain('If you did not ask')
  })

  it('B4 email addresses and phone numbers inside free text are masked; dates and times are not', () => {
    const text = 'Caller alex.morgan@example.com rang from +1 415 555 0101 (or 4155550102) on Tue, 01 Jul 2026 10:00:00 GMT.'
    const masked = maskFreeText(text)
    expect(masked).not.toContain('alex.morgan')
    expect(masked).toContain('a•••@example.com')
    expect(masked).not.toMatch(/415\s?555/)
    expect(masked).toContain('•••• 0101')
    expect(masked).toContain('01 Jul 2026 10:00:00 GMT')
  })

  it('B4 an email-to-SMS gateway address is masked as an address', () => {
    expect(maskFreeText('4155550101@txt.att.net')).toBe('4•••@txt.att.net')
  })

  it('B4 text with nothing sensitive is left as it is', () => {
    const text = 'Password reset for Alex Morgan with Standard password reset. Resets in this flow: 1.'
    expect(maskFreeText(text)).toBe(text)
  })
})

describe('B4 presenter mode switch', () => {
  afterEach(() => usePresenterStore.getState().setOn(false))

  it('B4 toggles on and off, starting off', () => {
    expect(usePresenterStore.getState().on).toBe(false)
    usePresenterStore.getState().toggle()
    expect(usePresenterStore.getState().on).toBe(true)
    usePresenterStore.getState().toggle()
    expect(usePresenterStore.getState().on).toBe(false)
  })

  it('B4 Ctrl+Shift+P is the shortcut, in either case; other chords are not', () => {
    const k = (key: string, m: Partial<{ ctrlKey: boolean; shiftKey: boolean; altKey: boolean; metaKey: boolean }> = {}) => ({
      key,
      ctrlKey: true,
      shiftKey: true,
      altKey: false,
      metaKey: false,
      ...m,
    })
    expect(isPresenterShortcut(k('P'))).toBe(true)
    expect(isPresenterShortcut(k('p'))).toBe(true)
    expect(isPresenterShortcut(k('P', { shiftKey: false }))).toBe(false)
    expect(isPresenterShortcut(k('P', { altKey: true }))).toBe(false)
    expect(isPresenterShortcut(k('P', { ctrlKey: false }))).toBe(false)
    expect(isPresenterShortcut(k('O'))).toBe(false)
  })
})
