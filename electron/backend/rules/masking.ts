// What the agent sees of contact details where the full value is not needed.
export function maskEmail(email: string | null): string | null {
  if (!email) return null
  const [local = '', domain = ''] = email.split('@')
  return `${local.slice(0, 1)}${'•'.repeat(Math.max(2, Math.min(local.length - 1, 6)))}@${domain}`
}

export { maskPhone } from '../../../shared/domain/masking'
