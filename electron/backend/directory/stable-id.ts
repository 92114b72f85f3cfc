// The stable id of a directory entry as DirectoryUser.id: entryUUID (RFC 4530, already a string)
// or AD's objectGUID (16 bytes) in the string form AD's own tools show. AD stores the first three
// fields of the GUID little-endian, so the byte order differs from the printed order.
import { z } from 'zod'

const guidText = z.guid()
// Printed position i of the 32 hex digits takes its byte from stored position ORDER[i].
const ORDER = [3, 2, 1, 0, 5, 4, 7, 6, 8, 9, 10, 11, 12, 13, 14, 15]

export function guidFromBytes(bytes: Buffer): string {
  const hex = ORDER.map((i) => bytes[i]!.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** The 16 stored bytes of a printed GUID, or null when the text is not a GUID. */
export function guidToBytes(text: string): Buffer | null {
  if (!guidText.safeParse(text).success) return null
  const printed = Buffer.from(text.replaceAll('-', ''), 'hex')
  const bytes = Buffer.alloc(16)
  ORDER.forEach((stored, i) => (bytes[stored] = printed[i]!))
  return bytes
}

/** An entryUUID as the directory prints it, or null when the text is not one. */
export const entryUuid = (text: string): string | null => (guidText.safeParse(text).success ? text.toLowerCase() : null)
