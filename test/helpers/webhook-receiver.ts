// A webhook receiver on loopback, as a desk's ITSM would run one: it checks each request's
// signature (HMAC-SHA256 over `${timestamp}.${body}`) and counts what it acknowledged. It can
// answer, fail (500), hang (accept and never answer) or be down (its port closed) and come back.
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { WebhookPayload } from '../../shared/domain/integrations'

export interface Received {
  payload: WebhookPayload
  body: string
  headers: IncomingMessage['headers']
  signatureValid: boolean
  /** What this receiver answered: 200, 500, or null (hung up on). */
  answered: number | null
}

export type ReceiverMode = 'ok' | 'fail' | 'hang'

export function verifySignature(secret: string, headers: IncomingMessage['headers'], body: string): boolean {
  const timestamp = String(headers['x-resetdesk-timestamp'] ?? '')
  const given = Buffer.from(String(headers['x-resetdesk-signature'] ?? ''))
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`)
  return timestamp !== '' && given.length === expected.length && timingSafeEqual(given, expected)
}

export class WebhookReceiver {
  readonly received: Received[] = []
  mode: ReceiverMode = 'ok'
  secret = ''
  private server: Server | null = null
  private hung: ServerResponse[] = []
  port = 0

  get url() {
    return `http://127.0.0.1:${this.port}/hooks/resetdesk`
  }

  /** Starts (again) on the same port once it has one. */
  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = ''
      req.setEncoding('utf8')
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        const entry: Received = {
          payload: JSON.parse(body) as WebhookPayload,
          body,
          headers: req.headers,
          signatureValid: verifySignature(this.secret, req.headers, body),
          answered: null,
        }
        this.received.push(entry)
        if (this.mode === 'hang') {
          this.hung.push(res)
          return
        }
        entry.answered = this.mode === 'ok' && entry.signatureValid ? 200 : 500
        res.writeHead(entry.answered).end()
      })
    })
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as AddressInfo).port
    this.server = server
  }

  async stop(): Promise<void> {
    for (const res of this.hung.splice(0)) res.destroy()
    const server = this.server
    this.server = null
    if (!server) return
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }

  /** Event ids this receiver acknowledged with a 2xx, with how many times each. */
  acknowledged(): Map<string, number> {
    const counts = new Map<string, number>()
    for (const r of this.received) if (r.answered === 200) counts.set(r.payload.id, (counts.get(r.payload.id) ?? 0) + 1)
    return counts
  }

  async waitFor(predicate: () => boolean, timeoutMs = 20_000, what = 'webhook deliveries'): Promise<void> {
    const until = Date.now() + timeoutMs
    while (!predicate()) {
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}; received ${this.received.length}`)
      await new Promise((r) => setTimeout(r, 25))
    }
  }
}
