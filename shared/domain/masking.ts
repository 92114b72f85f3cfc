// How a phone number is shown where the full value is not needed: the backend's flow view and
// sent-to lists, and the console's presenter mode, show it the same way.

/** `+1 415 555 0101` → `•••• 0101`; fewer than four digits show none. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  return digits.length >= 4 ? `•••• ${digits.slice(-4)}` : '••••'
}
