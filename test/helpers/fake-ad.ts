// An Active Directory stand-in on loopback LDAPS for layout tests: an in-memory tree of people
// and groups that answers simple bind, search (and, or, not, equality, substrings, presence, and
// AD's in-chain extensible match) and modify (unicodePwd, lockoutTime, pwdLastSet), recording
// every filter and modify it received, decoded from the wire with the test's own BER reader.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createServer, type TLSSocket } from 'node:tls'
import type { AddressInfo } from 'node:net'
import { sameDn } from '../../electron/backend/directory/dn'
import { children, decodeModify, int, readInt, readTlv, result, seq, str, tlv, type DecodedModify, type Tlv } from './ber'

export interface AdEntry {
  dn: string
  attrs: Record<string, (string | Buffer)[]>
  /** The account's password (what unicodePwd sets); groups have none. */
  password?: string
}

/** A decoded search filter, as plain data the test can assert on. */
export type WireFilter =
  | { and: WireFilter[] }
  | { or: WireFilter[] }
  | { not: WireFilter }
  | { eq: [string, Buffer] }
  | { sub: [string, string[]] }
  | { present: string }
  | { ext: { rule: string; type: string; value: string } }

export interface FakeAd {
  port: number
  ca: string
  entries: AdEntry[]
  searches: { base: string; filter: WireFilter }[]
  modifies: DecodedModify[]
  binds: string[]
  close(): Promise<void>
}

const IN_CHAIN = '1.2.840.113556.1.4.1941'

function decodeFilter(t: Tlv): WireFilter {
  switch (t.tag) {
    case 0xa0:
      return { and: children(t.value).map(decodeFilter) }
    case 0xa1:
      return { or: children(t.value).map(decodeFilter) }
    case 0xa2:
      return { not: decodeFilter(children(t.value)[0]!) }
    case 0xa3: {
      const [a, v] = children(t.value)
      return { eq: [a!.value.toString('utf8'), Buffer.from(v!.value)] }
    }
    case 0xa4: {
      const [a, parts] = children(t.value)
      return { sub: [a!.value.toString('utf8'), children(parts!.value).map((p) => p.value.toString('utf8'))] }
    }
    case 0x87:
      return { present: t.value.toString('utf8') }
    case 0xa9: {
      const parts = Object.fromEntries(children(t.value).map((p) => [p.tag, p.value.toString('utf8')]))
      return { ext: { rule: parts[0x81] ?? '', type: parts[0x82] ?? '', value: parts[0x83] ?? '' } }
    }
    default:
      throw new Error(`filter tag ${t.tag.toString(16)} not supported by the fake`)
  }
}

const valuesOf = (e: AdEntry, name: string) => Object.entries(e.attrs).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1] ?? []
const asText = (v: string | Buffer) => (typeof v === 'string' ? v : v.toString('utf8'))

/** A self-signed certificate for 127.0.0.1, made by openssl: a fake directory's TLS, trusted by its `ca`. */
export function localhostCertificate(): { cert: string; key: string } {
  const dir = mkdtempSync(join(tmpdir(), 'resetdesk-cert-'))
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
    { stdio: 'pipe' },
  )
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8')
  const key = readFileSync(join(dir, 'key.pem'), 'utf8')
  rmSync(dir, { recursive: true, force: true })
  return { cert, key }
}

export async function startFakeAd(entries: AdEntry[], service: { dn: string; password: string }): Promise<FakeAd> {
  const { cert, key } = localhostCertificate()
  const state: FakeAd = { port: 0, ca: cert, entries, searches: [], modifies: [], binds: [], close: async () => {} }
  const byDn = (dn: string) => state.entries.find((e) => sameDn(e.dn, dn))

  /** Whether `memberDn` is in `group` at any depth (what AD's in-chain rule answers). */
  const inChain = (group: AdEntry, memberDn: string, seen = new Set<AdEntry>()): boolean => {
    if (seen.has(group)) return false
    seen.add(group)
    return valuesOf(group, 'member')
      .map(asText)
      .some((m) => sameDn(m, memberDn) || (byDn(m) ? inChain(byDn(m)!, memberDn, seen) : false))
  }
  const matches = (e: AdEntry, f: WireFilter): boolean => {
    if ('and' in f) return f.and.every((x) => matches(e, x))
    if ('or' in f) return f.or.some((x) => matches(e, x))
    if ('not' in f) return !matches(e, f.not)
    if ('present' in f) return f.present.toLowerCase() === 'objectclass' || valuesOf(e, f.present).length > 0
    if ('eq' in f) {
      const [name, want] = f.eq
      return valuesOf(e, name).some((v) =>
        typeof v === 'string' ? v.toLowerCase() === want.toString('utf8').toLowerCase() : v.equals(want),
      )
    }
    if ('sub' in f) return valuesOf(e, f.sub[0]).some((v) => f.sub[1].every((part) => asText(v).toLowerCase().includes(part.toLowerCase())))
    if (f.ext.rule === IN_CHAIN && f.ext.type.toLowerCase() === 'member') return inChain(e, f.ext.value)
    throw new Error(`extensible rule ${f.ext.rule} not supported by the fake`)
  }

  const server = createServer({ cert, key }, (socket: TLSSocket) => {
    let pending = Buffer.alloc(0)
    socket.on('error', () => {})
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      for (;;) {
        if (pending.length < 2) return
        const msg = readTlv(pending, 0)
        if (msg.end > pending.length) return
        pending = pending.subarray(msg.end)
        const [id, op] = children(msg.value)
        const msgId = readInt(id!.value)
        switch (op!.tag) {
          case 0x60: {
            // BindRequest: version, name, [0] simple password
            const [, name, pw] = children(op!.value)
            const dn = name!.value.toString('utf8')
            const password = pw!.value.toString('utf8')
            state.binds.push(dn)
            const entry = byDn(dn)
            const locked = entry ? Number(asText(valuesOf(entry, 'lockoutTime')[0] ?? '0')) > 0 : false
            const ok =
              password !== '' &&
              ((sameDn(dn, service.dn) && password === service.password) || (!!entry && !locked && entry.password === password))
            socket.write(result(msgId, 0x61, ok ? 0 : 49))
            break
          }
          case 0x63: {
            // SearchRequest: base, scope, deref, size, time, typesOnly, filter, attributes
            const parts = children(op!.value)
            const base = parts[0]!.value.toString('utf8')
            const filter = decodeFilter(parts[6]!)
            state.searches.push({ base, filter })
            const under = (dn: string) => {
              const b = base.toLowerCase()
              return dn.toLowerCase().endsWith(b)
            }
            for (const e of state.entries.filter((x) => under(x.dn) && matches(x, filter))) {
              const attrs = Object.entries(e.attrs).map(([k, vs]) => seq(str(k), tlv(0x31, Buffer.concat(vs.map((v) => str(v))))))
              socket.write(seq(int(msgId), tlv(0x64, Buffer.concat([str(e.dn), seq(...attrs)]))))
            }
            socket.write(result(msgId, 0x65))
            break
          }
          case 0x66: {
            // ModifyRequest: applied as AD would for the attributes ResetDesk writes
            const m = decodeModify(op!.value)
            state.modifies.push(m)
            const entry = byDn(m.dn)
            if (!entry) {
              socket.write(result(msgId, 0x67, 32))
              break
            }
            for (const c of m.changes) {
              if (c.type === 'unicodePwd') entry.password = c.values[0]!.toString('utf16le').slice(1, -1)
              else entry.attrs[c.type] = c.values.map((v) => v.toString('utf8'))
            }
            socket.write(result(msgId, 0x67))
            break
          }
          case 0x42: // UnbindRequest
            socket.end()
            return
          default:
            socket.write(result(msgId, 0x78, 2))
        }
      }
    })
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  state.port = (server.address() as AddressInfo).port
  state.close = () => new Promise<void>((ok) => server.close(() => ok()))
  return state
}
