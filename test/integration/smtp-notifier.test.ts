// Issue 4: email over SMTP (nodemailer) against a real SMTP server on loopback: codes (R5.1),
// carrier email-to-SMS gateways (R5.2), after-reset notices (B11), and delivery failures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { startSmtpSink, type SmtpSink } from '../helpers/smtp-sink'
import { freePort } from '../helpers/service'
import { SmtpNotifier } from '../../electron/backend/notify/smtp-notifier'
import type { Session } from '../../electron/backend/operations'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!
const SMTP_USER = 'resetdesk'
const SMTP_PASSWORD = 'smtp-test-secret'

describe('SMTP notifier against a real SMTP server on loopback', () => {
  let sink: SmtpSink
  let h: Harness
  let desk: Session
  let recordId: string

  beforeAll(async () => {
    sink = await startSmtpSink({ user: SMTP_USER, password: SMTP_PASSWORD })
    const notifier = new SmtpNotifier({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      user: SMTP_USER,
      password: SMTP_PASSWORD,
      from: 'Service Desk <desk@example.com>',
      timeoutMs: 3000,
    })
    h = await startHarness(sqlite, { notifier })
    desk = await h.signIn('desk')
    recordId = await assignedRecord(h, desk)
  })
  afterAll(async () => {
    await h?.dispose()
    await sink?.close()
  })

  const attemptsLeft = async (flowId: string, method: string) =>
    (await h.call(desk, 'flow:get', { flowId })).methods.find((m) => m.method === method)!.attemptsLeft

  it('R5.1 the code email arrives with the code in text and HTML, and the code passes', async () => {
    const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
    const before = sink.mails.length
    const sent = await h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' })
    expect(sent.sentTo).toHaveLength(1)
    const mail = await sink.waitFor((m) => sink.mails.indexOf(m) >= before && m.to.includes('alex.morgan@example.com'))
    expect(mail.subject).toBe('Your verification code')
    const code = mail.text.match(/\b(\d{6,12})\b/)![1]!
    expect(mail.html).toContain(code)
    // The only secret in a code message is the code: no link, nothing else.
    expect(mail.text).not.toMatch(/https?:/)
    expect(mail.html).not.toMatch(/https?:|<img|<script/i)
    const view = await h.call(desk, 'verify:checkCode', { flowId: flow.id, method: 'email_code', code })
    expect(view.methods.find((m) => m.method === 'email_code')!.passed).toBe(true)
    await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
  })

  it('R5 a refused delivery (SMTP 550) is DELIVERY_FAILED and consumes no attempt', async () => {
    const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-blair', processId: 'proc-standard' })
    const left = await attemptsLeft(flow.id, 'email_code')
    sink.refuse(true)
    try {
      const e = await errorOf(h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' }))
      expect(e.code).toBe('DELIVERY_FAILED')
    } finally {
      sink.refuse(false)
    }
    expect(await attemptsLeft(flow.id, 'email_code')).toBe(left)
    const codes = await h.backend.store.db.selectFrom('codes').select('id').where('flow_id', '=', flow.id).execute()
    expect(codes).toEqual([]) // no code exists that was never delivered
    expect(h.logLines.join('\n')).not.toContain('blair.chen@example.com')
    // Once the server takes mail again, the same flow sends.
    await h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' })
    await sink.waitFor((m) => m.to.includes('blair.chen@example.com'))
    await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
  })

  it('R5 a wrong SMTP password or a mail server that is down is DELIVERY_FAILED with no attempt used', async () => {
    const wrong = new SmtpNotifier({
      host: '127.0.0.1',
      port: sink.port,
      secure: false,
      user: SMTP_USER,
      password: 'nope',
      from: 'desk@example.com',
      timeoutMs: 3000,
    })
    await expect(wrong.deliver({ channel: 'email', userId: null, to: 'x@example.com', subject: 's', text: 't' })).rejects.toThrow(
      /smtp delivery failed: EAUTH/,
    )
    const down = new SmtpNotifier({ host: '127.0.0.1', port: await freePort(), secure: false, from: 'desk@example.com', timeoutMs: 3000 })
    await expect(down.deliver({ channel: 'email', userId: null, to: 'x@example.com', subject: 's', text: 't' })).rejects.toThrow(
      /smtp delivery failed: (ESOCKET|ECONNECTION)/,
    )
  })

  it('R5.2 without an SMS provider the same code goes to every mobile through its carrier gateway', async () => {
    const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-sms' })
    const needCarrier = await errorOf(h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'sms_code' }))
    expect(needCarrier.code).toBe('SMS_CARRIER_NEEDED')
    const before = sink.mails.length
    await h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'sms_code', carriers: { '0': 'att', '1': 'verizon' } })
    const att = await sink.waitFor((m) => sink.mails.indexOf(m) >= before && m.to.includes('14155550101@txt.att.net'))
    const vz = await sink.waitFor((m) => sink.mails.indexOf(m) >= before && m.to.includes('14155550102@vtext.com'))
    const codeOf = (text: string) => text.match(/\b(\d{6,12})\b/)![1]
    expect(codeOf(att.text)).toBe(codeOf(vz.text))
    expect(att.html).toBeNull() // a text message is text only
    expect(att.subject).toBe('')
    const view = await h.call(desk, 'verify:checkCode', { flowId: flow.id, method: 'sms_code', code: codeOf(att.text)! })
    expect(view.verified).toBe(true)
    await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
  })

  it('B11 after a reset the user is told at every registered address; a failed notice does not undo the reset', async () => {
    const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
    await h.call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
    const before = sink.mails.length
    const done = await h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })
    const notice = await sink.waitFor((m) => sink.mails.indexOf(m) >= before && m.subject === 'Your password was reset')
    expect(notice.to).toEqual(['alex.morgan@example.com'])
    expect(notice.text).not.toContain(done.generatedPassword!)
    expect(notice.html).not.toContain(done.generatedPassword!)
    await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })

    const again = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
    await h.call(desk, 'verify:confirmPersonalData', { flowId: again.id, confirmed: true })
    sink.refuse(true)
    try {
      const ok = await h.call(desk, 'reset:run', { flowId: again.id, method: 'generate' })
      expect(ok.flow.state).toBe('reset')
    } finally {
      sink.refuse(false)
    }
    const notices = await h.backend.store.db
      .selectFrom('audit')
      .select(['outcome'])
      .where('flow_id', '=', again.id)
      .where('action', '=', 'reset.notice')
      .execute()
    expect(notices).toEqual([{ outcome: 'failed' }])
    const resets = await h.backend.store.db.selectFrom('resets').select('status').where('flow_id', '=', again.id).execute()
    expect(resets).toEqual([{ status: 'done' }])
    await h.call(desk, 'flow:close', { flowId: again.id, passwordShared: true })
  })
})
