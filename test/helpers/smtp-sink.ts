// A real SMTP server on loopback (smtp-server) that keeps what it receives, with just enough MIME
// decoding to read nodemailer's text and HTML parts back.
import { SMTPServer } from 'smtp-server'
import type { AddressInfo } from 'node:net'

export interface ReceivedMail {
  from: string
  to: string[]
  raw: string
  subject: string
  text: string
  html: string | null
}

export interface SmtpSink {
  port: number
  mails: ReceivedMail[]
  /** Refuse every recipient with 550 from now on (or stop refusing). */
  refuse(on: boolean): void
  waitFor(predicate: (m: ReceivedMail) => boolean, timeoutMs?: number): Promise<ReceivedMail>
  close(): Promise<void>
}

function decodeQuotedPrintable(s: string): string {
  const bytes = s.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
  return Buffer.from(bytes, 'latin1').toString('utf8')
}

function decodePart(headers: string, body: string): string {
  const encoding = headers.match(/content-transfer-encoding:\s*([\w-]+)/i)?.[1]?.toLowerCase()
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body)
  return body
}

/** The text/plain and text/html bodies of a (possibly multipart) message. */
export function mimeParts(raw: string): { subject: string; text: string; html: string | null } {
  const split = (s: string) => {
    const i = s.search(/\r?\n\r?\n/)
    return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i).replace(/^\r?\n\r?\n/, '')]
  }
  const [head, body] = split(raw) as [string, string]
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ')
  const subject = unfolded.match(/^subject:\s*(.*)$/im)?.[1]?.trim() ?? ''
  const boundary = unfolded.match(/boundary="?([^";\r\n]+)"?/i)?.[1]
  let text = ''
  let html: string | null = null
  const parts = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw]
  for (const part of parts) {
    const [h, b] = split(part.replace(/^\r?\n/, '')) as [string, string]
    const content = decodePart(h, b.replace(/\r?\n$/, ''))
    if (/content-type:\s*text\/html/i.test(h)) html = content
    else if (/content-type:\s*text\/plain/i.test(h) || !/content-type:/i.test(h)) text = content
  }
  return { subject, text: text.replace(/\r\n/g, '\n'), html }
}

export async function startSmtpSink(opts: { user?: string; password?: string } = {}): Promise<SmtpSink> {
  const mails: ReceivedMail[] = []
  let refusing = false
  const waiters: (() => void)[] = []
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    authOptional: !opts.user,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.password) cb(null, { user: auth.username })
      else cb(new Error('Invalid username or password'))
    },
    onRcptTo(_address, _session, cb) {
      if (refusing) {
        const e = new Error('mailbox unavailable') as Error & { responseCode: number }
        e.responseCode = 550
        cb(e)
      } else cb()
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8')
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw,
          ...mimeParts(raw),
        })
        for (const w of waiters.splice(0)) w()
        cb()
      })
    },
    logger: false,
  })
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok))
  const port = (server.server.address() as AddressInfo).port
  return {
    port,
    mails,
    refuse(on) {
      refusing = on
    },
    async waitFor(predicate, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const hit = mails.find(predicate)
        if (hit) return hit
        if (Date.now() > deadline) throw new Error('no matching mail arrived')
        await new Promise<void>((ok) => {
          waiters.push(ok)
          setTimeout(ok, 100)
        })
      }
    },
    close: () => new Promise<void>((ok) => server.close(() => ok())),
  }
}
