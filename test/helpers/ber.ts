// A minimal BER reader/writer (definite lengths only, as LDAP uses) for the loopback Active
// Directory stand-ins: the tests decode what ldapts sent with this, not with ldapts, whose encoder
// is what is being checked.
export interface Tlv {
  tag: number
  value: Buffer
  end: number
}

export function readTlv(buf: Buffer, at: number): Tlv {
  const tag = buf[at]!
  let len = buf[at + 1]!
  let start = at + 2
  if (len & 0x80) {
    const n = len & 0x7f
    len = 0
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i]!
    start += n
  }
  return { tag, value: buf.subarray(start, start + len), end: start + len }
}

export function children(buf: Buffer): Tlv[] {
  const out: Tlv[] = []
  for (let at = 0; at < buf.length;) {
    const t = readTlv(buf, at)
    out.push(t)
    at = t.end
  }
  return out
}

export function tlv(tag: number, content: Buffer): Buffer {
  const len = content.length
  const head =
    len < 128 ? Buffer.from([tag, len]) : len < 256 ? Buffer.from([tag, 0x81, len]) : Buffer.from([tag, 0x82, len >> 8, len & 0xff])
  return Buffer.concat([head, content])
}
export const int = (n: number) => tlv(0x02, n < 128 ? Buffer.from([n]) : Buffer.from([n >> 8, n & 0xff]))
export const str = (s: string | Buffer) => tlv(0x04, typeof s === 'string' ? Buffer.from(s, 'utf8') : s)
export const seq = (...parts: Buffer[]) => tlv(0x30, Buffer.concat(parts))
export const result = (msgId: number, op: number, code = 0) =>
  seq(int(msgId), tlv(op, Buffer.concat([tlv(0x0a, Buffer.from([code])), str(''), str('')])))
/** A message id as sent (one or two bytes here). */
export const readInt = (b: Buffer) => b.reduce((n, x) => n * 256 + x, 0)

export interface DecodedChange {
  operation: number
  type: string
  values: Buffer[]
}
export interface DecodedModify {
  dn: string
  changes: DecodedChange[]
}

export function decodeModify(op: Buffer): DecodedModify {
  const [dn, changeSeq] = children(op)
  return {
    dn: dn!.value.toString('utf8'),
    changes: children(changeSeq!.value).map((c) => {
      const [operation, modification] = children(c.value)
      const [type, vals] = children(modification!.value)
      if (vals!.tag !== 0x31) throw new Error('modification values are not a SET OF')
      return { operation: operation!.value[0]!, type: type!.value.toString('utf8'), values: children(vals!.value).map((v) => v.value) }
    }),
  }
}
