// One contract suite, two transports: the embedded backend (as main's IPC router calls it) and
// the standalone server over HTTP (as main calls it in remote mode). Same inputs, same answers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import { embeddedTransport, httpTransport, type Caller, type Transport } from '../helpers/transports'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!

for (const kind of ['embedded', 'http'] as const) {
  describe(`the contract over ${kind}`, () => {
    let h: Harness
    let transport: Transport
    let desk: Caller
    beforeAll(async () => {
      h = await startHarness(sqlite)
      transport = kind === 'embedded' ? embeddedTransport(h) : await httpTransport(h)
      desk = transport.connect()
      await desk.call('session:signIn', { username: 'desk', password: 'desk-demo-2026' })
    })
    afterAll(async () => {
      await transport?.close()
      await h?.dispose()
    })

    it('signs agents in and refuses wrong credentials', async () => {
      const stranger = transport.connect()
      expect((await errorOf(stranger.call('session:signIn', { username: 'desk', password: 'wrong' }))).code).toBe('INVALID_CREDENTIALS')
      expect((await errorOf(stranger.call('records:list', { kind: 'incident' }))).code).toBe('NOT_SIGNED_IN')
      expect(await desk.call('session:current', {})).toMatchObject({ username: 'desk', roles: ['password_reset_service_desk'] })
    })

    it('validates input with the contract', async () => {
      expect((await errorOf(desk.callRaw('records:list', { kind: 'problem' }))).code).toBe('INVALID_INPUT')
      expect((await errorOf(desk.callRaw('verify:checkCode', { flowId: 'f', method: 'email_code', code: '12ab' }))).code).toBe(
        'INVALID_INPUT',
      )
    })

    it('runs a whole reset flow: code by email, generated password, exit with a work note', async () => {
      const list = await desk.call('records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 5 })
      expect(list.rows.length).toBe(5)
      const recordId = list.rows[0]!.id
      const options = await desk.call('processes:forUser', { userId: 'user-alex' })
      expect(options.map((o) => o.process.id).sort()).toEqual(['proc-sms', 'proc-standard'])
      const flow = await desk.call('flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      const sent = await desk.call('verify:sendCode', { flowId: flow.id, method: 'email_code' })
      expect(sent.sentTo).toEqual(['a••••••@example.com'])
      const mail = await desk.call('demo:mailbox', { userId: 'user-alex' })
      const code = mail.find((m) => m.body.includes('verification code'))!.body.match(/\d{6}/)![0]
      const wrong = await errorOf(
        desk.call('verify:checkCode', { flowId: flow.id, method: 'email_code', code: code === '000000' ? '000001' : '000000' }),
      )
      expect([wrong.code, wrong.details.attemptsLeft]).toEqual(['CODE_INCORRECT', 2])
      expect((await desk.call('verify:checkCode', { flowId: flow.id, method: 'email_code', code })).verified).toBe(true)
      const reset = await desk.call('reset:run', { flowId: flow.id, method: 'generate' })
      expect(reset.generatedPassword).toMatch(/^.{16,}$/)
      expect(await h.backend.local.verifyPassword('alex.morgan', reset.generatedPassword!)).toBe(true)
      expect(await desk.call('flow:close', { flowId: flow.id, passwordShared: true })).toEqual({ closed: true })
      const record = await desk.call('records:get', { recordId })
      expect(record.activity.some((a) => a.kind === 'work_note' && a.text.includes('Password reset for Alex Morgan'))).toBe(true)
    })

    it('enforces R1 and the admin-only audit in the backend', async () => {
      const notMine = await h.backend.store.db
        .selectFrom('records')
        .select('id')
        .where('assigned_to', '=', 'agent-tess')
        .executeTakeFirstOrThrow()
      expect((await errorOf(desk.call('flow:start', { recordId: notMine.id, userId: 'user-alex', processId: 'proc-standard' }))).code).toBe(
        'NOT_ASSIGNED',
      )
      expect((await errorOf(desk.call('audit:verify', {}))).code).toBe('FORBIDDEN')
      const admin = transport.connect()
      await admin.call('session:signIn', { username: 'admin', password: 'admin-demo-2026' })
      expect(await admin.call('audit:verify', {})).toMatchObject({ ok: true, brokenAt: null })
      await admin.call('session:signOut', {})
      expect((await errorOf(admin.call('audit:verify', {}))).code).toBe('NOT_SIGNED_IN')
    })
  })
}
