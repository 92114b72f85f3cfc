// Issue 11 item 4 (F4) and R5 under attack: every limit checked under the lock that serialises
// it, from fresh rows; nothing sent before it is reserved; a failed delivery hands the send back.
// On the code before this fix, 10 concurrent sends all went out (limit 4, pause 30 s).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, latestCode, startHarness, type Harness } from '../helpers/backend-harness'
import { createBackend, type Backend } from '../../electron/backend/index'
import type { Notifier, OutboundMessage } from '../../electron/backend/notify/notifier'
import type { Session } from '../../electron/backend/operations'
import { contract, type Channel, type InputOf, type OutputOf } from '../../shared/ipc/contract'

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`F4 limits under concurrency on ${variant.name}`, () => {
    let h: Harness
    let desk: Session
    let recordId: string
    beforeAll(async () => {
      h = await startHarness(variant, { sweepEverySeconds: 0 })
      desk = await h.signIn('desk')
      recordId = await assignedRecord(h, desk)
    })
    afterAll(() => h?.dispose())

    const codesSentTo = async (userId: string) =>
      (await h.call(desk, 'demo:mailbox', { userId })).filter((m) => m.body.includes('verification code')).length

    it('R5/F4: ten concurrent "send code" calls send exactly one code; the pause and the limit hold', async () => {
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' })),
      )
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code)
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
      expect(refused).toEqual(Array(9).fill('RESEND_TOO_SOON'))
      expect(await codesSentTo('user-alex')).toBe(1)
      // After the pause, the rest of the limit (4 sends in all), and not one more, even at once.
      for (let round = 0; round < 4; round++) {
        h.clock.advance(31_000)
        await Promise.allSettled(
          Array.from({ length: 5 }, () => h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' })),
        )
      }
      expect(await codesSentTo('user-alex')).toBe(4)
      const row = await h.backend.store.db.selectFrom('flows').select('sends').where('id', '=', flow.id).executeTakeFirstOrThrow()
      expect(row.sends).toBe(4)
      h.clock.advance(31_000)
      expect((await errorOf(h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' }))).code).toBe('MAX_RESENDS')
      // Only the newest code is active.
      const active = await h.backend.store.db
        .selectFrom('codes')
        .select('id')
        .where('flow_id', '=', flow.id)
        .where('state', '=', 'active')
        .execute()
      expect(active).toHaveLength(1)
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
    })

    it('R5: twenty concurrent wrong codes and one right one: never more than three attempts counted', async () => {
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-harper-schmidt', processId: 'proc-standard' })
      await h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' })
      const code = await latestCode(h, desk, 'user-harper-schmidt')
      const wrong = String((Number(code) + 1) % 10 ** code.length).padStart(code.length, '0')
      const calls = Array.from({ length: 21 }, (_, i) =>
        h.call(desk, 'verify:checkCode', { flowId: flow.id, method: 'email_code', code: i === 10 ? code : wrong }),
      )
      const results = await Promise.allSettled(calls)
      const attempts = await h.backend.store.db.selectFrom('attempts').select(['success']).where('flow_id', '=', flow.id).execute()
      const failed = attempts.filter((a) => a.success === 0).length
      const passed = attempts.filter((a) => a.success === 1).length
      expect(failed).toBeLessThanOrEqual(3)
      expect(passed).toBeLessThanOrEqual(1)
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(passed)
      // Every refusal is a catalogue error that says why (closed, wrong, or the code spent/void).
      for (const r of results)
        if (r.status === 'rejected') expect(['MAX_ATTEMPTS', 'CODE_INCORRECT', 'CODE_EXPIRED']).toContain(r.reason.code)
      const audited = await h.backend.store.db
        .selectFrom('audit')
        .select('outcome')
        .where('flow_id', '=', flow.id)
        .where('action', '=', 'verify.check')
        .execute()
      expect(audited).toHaveLength(failed + passed)
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
    })

    it('R5: a failed delivery consumes no send and no pause, and its code never becomes valid', async () => {
      let fail = true
      const inner = h.backend.ctx.notifier
      const flaky: Notifier = {
        smsProviderConfigured: inner.smsProviderConfigured,
        deliver: async (m: OutboundMessage) => {
          if (fail) throw new Error('smtp down')
          return inner.deliver(m)
        },
      }
      h.backend.ctx.notifier = flaky
      try {
        const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-blair', processId: 'proc-standard' })
        expect((await errorOf(h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' }))).code).toBe('DELIVERY_FAILED')
        const row = await h.backend.store.db
          .selectFrom('flows')
          .select(['sends', 'last_send_at'])
          .where('id', '=', flow.id)
          .executeTakeFirstOrThrow()
        expect(row).toEqual({ sends: 0, last_send_at: null })
        expect(await h.backend.store.db.selectFrom('codes').select('id').where('flow_id', '=', flow.id).execute()).toHaveLength(0)
        fail = false
        // No pause to wait out: the failed send never happened.
        const sent = await h.call(desk, 'verify:sendCode', { flowId: flow.id, method: 'email_code' })
        expect(sent.flow.methods.find((m) => m.method === 'email_code')!.sendsLeft).toBe(3)
        await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: false })
      } finally {
        h.backend.ctx.notifier = inner
      }
    })
  })
}

// Two backends with their own pools on one PostgreSQL database: what two replicas are, minus the
// HTTP hop (test/integration/replicas.test.ts covers that hop). Before the fix: 23 sends.
const pg = storeVariants.find((v) => v.name === 'postgres')!
describe.skipIf(pg.skip !== null)('F4 sends across two replicas on one PostgreSQL', () => {
  let a: Backend
  let b: Backend
  let dispose: () => Promise<void>
  beforeAll(async () => {
    const store = await pg.create()
    dispose = store.dispose
    const sent: OutboundMessage[] = []
    const notifier: Notifier = { smsProviderConfigured: true, deliver: async (m) => void sent.push(m) }
    a = await createBackend({
      store: store.config,
      demo: true,
      hashCost: { N: 1024 },
      notifier,
      sweepEverySeconds: 0,
      log: { info: () => {}, error: () => {} },
    })
    b = await createBackend({
      store: store.config,
      hashCost: { N: 1024 },
      notifier,
      sweepEverySeconds: 0,
      log: { info: () => {}, error: () => {} },
    })
    ;(a as Backend & { sent: OutboundMessage[] }).sent = sent
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await dispose?.()
  })
  const call = <C extends Channel>(backend: Backend, s: Session, c: C, input: InputOf<C>) =>
    (backend.ops[c] as (s: Session, i: unknown) => Promise<OutputOf<C>>)(s, contract[c].input.parse(input))

  it('ten concurrent SMS sends split over two replicas send one code to each mobile, once', async () => {
    const sa: Session = { agentId: null }
    const sb: Session = { agentId: null }
    await call(a, sa, 'session:signIn', { username: 'desk', password: 'desk-demo-2026' })
    await call(b, sb, 'session:signIn', { username: 'desk', password: 'desk-demo-2026' })
    const recordId = (await call(a, sa, 'records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 1 })).rows[0]!.id
    const flow = await call(a, sa, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        i % 2
          ? call(a, sa, 'verify:sendCode', { flowId: flow.id, method: 'sms_code' })
          : call(b, sb, 'verify:sendCode', { flowId: flow.id, method: 'sms_code' }),
      ),
    )
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const sent = (a as Backend & { sent: OutboundMessage[] }).sent.filter((m) => m.channel === 'sms')
    expect(sent).toHaveLength(flow.user.mobiles.length)
    const row = await a.store.db.selectFrom('flows').select('sends').where('id', '=', flow.id).executeTakeFirstOrThrow()
    expect(row.sends).toBe(1)
  })
})
