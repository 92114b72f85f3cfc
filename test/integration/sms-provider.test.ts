// Issue 4 / R5.2: an HTTP SMS provider API (JSON or form, with a token) receives one request per
// registered mobile, all with the same code; a refusing provider uses no attempt.
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink'
import { SmtpNotifier } from '../../electron/backend/notify/smtp-notifier'
import { HttpSmsProvider, type SmsProviderConfig } from '../../electron/backend/notify/sms-provider'
import type { Session } from '../../electron/backend/operations'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!
const TOKEN = 'sms-provider-test-token'

interface Received {
  headers: IncomingMessage['headers']
  body: string
}

describe('HTTP SMS provider', () => {
  let sink: SmtpSink
  const received: Received[] = []
  let status = 200
  let providerUrl = ''
  const provider = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify({ id: received.length }))
    })
  })

  beforeAll(async () => {
    sink = await startSmtpSink()
    await new Promise<void>((ok) => provider.listen(0, '127.0.0.1', ok))
    providerUrl = `http://127.0.0.1:${(provider.address() as AddressInfo).port}/v1/messages`
  })
  afterAll(async () => {
    await sink?.close()
    await new Promise<void>((ok) => provider.close(() => ok()))
  })

  async function harness(sms: Partial<SmsProviderConfig>): Promise<{ h: Harness; desk: Session; recordId: string }> {
    const notifier = new SmtpNotifier(
      { host: '127.0.0.1', port: sink.port, secure: false, from: 'desk@example.com', timeoutMs: 3000 },
      new HttpSmsProvider({ url: providerUrl, format: 'json', token: TOKEN, timeoutMs: 3000, ...sms }),
    )
    const h = await startHarness(sqlite, { notifier })
    const desk = await h.signIn('desk')
    return { h, desk, recordId: await assignedRecord(h, desk) }
  }

  it('R5.2 (JSON) one request per mobile, each with the token and the same code; no carrier is asked for', async () => {
    const { h, desk, recordId } = await harness({ format: 'json' })
    try {
      received.length = 0
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-sms' })
      expect(flow.smsProviderConfigured).toBe(true)
      await h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'sms_code' })
      expect(received).toHaveLength(2)
      const bodies = received.map((r) => JSON.parse(r.body) as { to: string; text: string })
      expect(bodies.map((b) => b.to).sort()).toEqual(['+1 415 555 0101', '+1 415 555 0102'])
      for (const r of received) {
        expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`)
        expect(r.headers['content-type']).toBe('application/json')
      }
      const codes = bodies.map((b) => b.text.match(/\b(\d{6,12})\b/)![1])
      expect(codes[0]).toBe(codes[1])
      const view = await h.call(desk, 'verify:checkCode', { flowId: flow.id, method: 'sms_code', code: codes[0]! })
      expect(view.verified).toBe(true)
      expect(h.logLines.join('\n')).not.toContain(TOKEN)
    } finally {
      await h.dispose()
    }
  })

  it('R5.2 (form) the configured field names and header are used', async () => {
    const { h, desk, recordId } = await harness({
      format: 'form',
      toField: 'To',
      textField: 'Body',
      from: 'ResetDesk',
      fromField: 'From',
      authHeader: 'x-api-key',
      authScheme: '',
    })
    try {
      received.length = 0
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-sms' })
      await h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'sms_code' })
      expect(received).toHaveLength(2)
      const forms = received.map((r) => new URLSearchParams(r.body))
      expect(forms.map((f) => f.get('To')).sort()).toEqual(['+1 415 555 0101', '+1 415 555 0102'])
      expect(forms.every((f) => f.get('From') === 'ResetDesk')).toBe(true)
      expect(
        received.every((r) => r.headers['x-api-key'] === TOKEN && r.headers['content-type'] === 'application/x-www-form-urlencoded'),
      ).toBe(true)
      expect(forms[0]!.get('Body')!.match(/\d{6,12}/)![0]).toBe(forms[1]!.get('Body')!.match(/\d{6,12}/)![0])
    } finally {
      await h.dispose()
    }
  })

  it('R5 a provider that refuses (HTTP 503) is DELIVERY_FAILED and uses no attempt', async () => {
    const { h, desk, recordId } = await harness({ format: 'json' })
    try {
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-sms' })
      status = 503
      const e = await errorOf(h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'sms_code' })).finally(() => {
        status = 200
      })
      expect(e.code).toBe('DELIVERY_FAILED')
      const view = await h.call(desk, 'flow:get', { flowId: flow.id })
      expect(view.methods.find((m) => m.method === 'sms_code')!.attemptsLeft).toBe(3)
    } finally {
      await h.dispose()
    }
  })
})
