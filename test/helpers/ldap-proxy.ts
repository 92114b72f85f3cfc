// F8: a TCP proxy on loopback between the backend and slapd that understands just enough LDAP
// (BER framing of LDAPMessage) to act on the ModifyRequest: let it through and drop the reply
// (the directory applied the change, the client never hears it), drop the request itself, or let
// it through and hold the reply (the client waits until it is killed).
import { createServer, connect, type Socket } from 'node:net'

export type ProxyMode = 'pass' | 'drop_reply_after_modify' | 'drop_modify' | 'hold_modify' | 'hold_reply_after_modify' | 'refuse'

const MODIFY_REQUEST = 0x66 // [APPLICATION 6], constructed

/** Splits complete LDAPMessages (SEQUENCE, then messageID INTEGER, then the protocolOp tag) off a buffer. */
function takeMessages(buffer: Buffer): { messages: { bytes: Buffer; op: number }[]; rest: Buffer } {
  const messages: { bytes: Buffer; op: number }[] = []
  let offset = 0
  for (;;) {
    if (buffer.length - offset < 2) break
    let len = buffer[offset + 1]!
    let header = 2
    if (len & 0x80) {
      const n = len & 0x7f
      if (buffer.length - offset < 2 + n) break
      len = 0
      for (let i = 0; i < n; i++) len = len * 256 + buffer[offset + 2 + i]!
      header = 2 + n
    }
    if (buffer.length - offset < header + len) break
    const idLen = buffer[offset + header + 1]!
    const op = buffer[offset + header + 2 + idLen]!
    messages.push({ bytes: buffer.subarray(offset, offset + header + len), op })
    offset += header + len
  }
  return { messages, rest: buffer.subarray(offset) }
}

export interface LdapProxy {
  url: string
  mode: ProxyMode
  /** Modify requests seen (forwarded or not). */
  modifies: number
  /** The mode after a reply was dropped (e.g. 'refuse': the directory then gone altogether). */
  afterDrop: ProxyMode | null
  close(): Promise<void>
}

export async function startLdapProxy(target: string): Promise<LdapProxy> {
  const { hostname, port } = new URL(target)
  const sockets = new Set<Socket>()
  const proxy: LdapProxy = { url: '', mode: 'pass', modifies: 0, afterDrop: null, close: async () => {} }
  const server = createServer((client) => {
    sockets.add(client)
    if (proxy.mode === 'refuse') {
      client.destroy()
      return
    }
    const upstream = connect(Number(port), hostname)
    sockets.add(upstream)
    let pending: Buffer = Buffer.alloc(0)
    let modifySent = false
    let holding = false
    const end = () => {
      client.destroy()
      upstream.destroy()
    }
    client.on('data', (chunk) => {
      const { messages, rest } = takeMessages(Buffer.concat([pending, chunk]))
      pending = rest
      for (const m of messages) {
        if (m.op === MODIFY_REQUEST && proxy.mode !== 'pass') {
          proxy.modifies++
          if (proxy.mode === 'drop_modify') return end()
          if (proxy.mode === 'hold_modify') {
            // Swallowed: slapd never sees it, the client waits for an answer that never comes.
            holding = true
            continue
          }
          modifySent = true
          if (proxy.mode === 'hold_reply_after_modify') holding = true
        }
        upstream.write(m.bytes)
      }
    })
    upstream.on('data', (chunk) => {
      if (holding) return
      if (modifySent && proxy.mode === 'drop_reply_after_modify') {
        if (proxy.afterDrop) proxy.mode = proxy.afterDrop
        return end()
      }
      client.write(chunk)
    })
    client.on('error', end)
    upstream.on('error', end)
    client.on('close', () => {
      if (!holding) upstream.destroy()
    })
    upstream.on('close', () => {
      if (!holding) client.destroy()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address() as { port: number }
  proxy.url = `ldap://127.0.0.1:${address.port}`
  proxy.close = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy()
      server.close(() => resolve())
    })
  return proxy
}
