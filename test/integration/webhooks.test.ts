// G6: record events reach a receiver on loopback from the durable outbox — signed, once each,
// after the commit that wrote them, retried while the receiver is down, never for a rolled-back
// change, and with no secret inside. On SQLite and PostgreSQL alike.
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import { WebhookReceiver } from '../helpers/webhook-receiver'
import { addWorkNote } from '../../electron/backend/records/work-notes'
import { webhookEventTypes } from '../../shared/domain/integrations'
import type { Session } from '../../electron/backend/operations'

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`G6 webhooks on ${variant.name}`, () => {
    let h: Harness
    let admin: Session
    let desk: Session
    let recordId: string
    let recordNumber: string
    let webhookId: string
    const receiver = new WebhookReceiver()
    const secrets: string[] = []

    /** A flow on the desk's record: verify by confirmation, optionally reset, then Exit. */
    const flow = async (reset: boolean, passwordShared: boolean) => {
      const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      await h.call(desk, 'verify:confirmPersonalData', { flowId: f.id, confirmed: true })
      if (reset) secrets.push((await h.call(desk, 'reset:run', { flowId: f.id, method: 'generate' })).generatedPassword!)
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared })
    }
    const deliveries = () => h.backend.store.db.selectFrom('webhook_deliveries').selectAll().execute()

    beforeAll(async () => {
      await receiver.start()
      // A real clock: the worker's backoff is measured in real milliseconds here.
      h = await startHarness(variant, {
        now: () => new Date(),
        webhooks: { pollMs: 100, backoffBaseMs: 100, backoffMaxMs: 400, requestTimeoutMs: 2_000, maxAttempts: 30 },
      })
      admin = await h.signIn('admin')
      desk = await h.signIn('desk')
      const record = (await h.call(desk, 'records:list', { kind: 'incident', filter: 'assigned_to_me', limit: 1 })).rows[0]!
      recordId = record.id
      recordNumber = record.number
      const saved = await h.call(admin, 'admin:webhooks:save', { name: 'ITSM', url: receiver.url, events: [...webhookEventTypes] })
      expect(saved.secret).toMatch(/^whsec_/)
      receiver.secret = saved.secret!
      secrets.push(saved.secret!)
      webhookId = saved.webhook.id
    })
    afterAll(async () => {
      await h?.dispose()
      await receiver.stop()
    })

    it('each event of a reset and its Exit arrives once, signed, with the record number and no secret', async () => {
      await flow(true, true)
      await receiver.waitFor(() => receiver.acknowledged().size >= 4)
      // Give a duplicate the time to show up if there were one.
      await new Promise((r) => setTimeout(r, 300))
      expect(receiver.received).toHaveLength(4)
      expect([...receiver.acknowledged().values()]).toEqual([1, 1, 1, 1])
      expect(receiver.received.every((r) => r.signatureValid)).toBe(true)
      expect(receiver.received.map((r) => r.payload.type).sort()).toEqual([
        'flow.closed',
        'reset.done',
        'work_note.added',
        'work_note.added',
      ])
      for (const r of receiver.received) {
        expect(r.payload.record).toEqual({ number: recordNumber, kind: 'incident' })
        expect(r.headers['x-resetdesk-event-id']).toBe(r.payload.id)
        for (const secret of secrets) expect(r.body).not.toContain(secret)
      }
      expect(receiver.received.find((r) => r.payload.type === 'flow.closed')!.payload.data).toMatchObject({
        passwordShared: true,
        resets: 1,
      })
      expect(receiver.received.find((r) => r.payload.type === 'reset.done')!.payload.data).toMatchObject({
        method: 'generate',
        userId: 'user-alex',
      })
      const notes = receiver.received.filter((r) => r.payload.type === 'work_note.added').map((r) => String(r.payload.data.text))
      expect(notes.some((t) => t.includes('Password shared with the user: yes'))).toBe(true)
      await expect
        .poll(async () => (await h.call(admin, 'admin:webhooks:deliveries', { webhookId, state: 'delivered' })).total, { timeout: 5_000 })
        .toBe(4)
      const log = await h.call(admin, 'admin:webhooks:deliveries', { webhookId })
      expect(log.total).toBe(4)
      expect(log.rows.every((d) => d.state === 'delivered' && d.attempts === 1 && d.lastStatus === 200)).toBe(true)
    })

    it('while the receiver is down the events wait, retried with backoff, and arrive once it is back', async () => {
      const before = receiver.received.length
      await receiver.stop()
      // A flow that changed nothing: its close is an event, but it leaves no work note to send.
      await flow(false, false)
      // Attempts fail (connection refused) and are scheduled again; nothing is lost.
      await expect
        .poll(async () => (await deliveries()).filter((d) => d.state === 'pending' && d.attempts >= 2).length, { timeout: 10_000 })
        .toBe(1)
      const waiting = (await deliveries()).filter((d) => d.state === 'pending')
      expect(waiting.map((d) => d.event_type)).toEqual(['flow.closed'])
      expect(waiting.every((d) => d.last_error === 'ECONNREFUSED' && d.next_attempt_at > d.created_at)).toBe(true)
      await receiver.start()
      await receiver.waitFor(() => receiver.received.length >= before + 1)
      // The row is marked once the receiver's answer is back, a moment after it got the request.
      await expect.poll(async () => (await deliveries()).every((d) => d.state === 'delivered'), { timeout: 5_000 }).toBe(true)
      const closed = receiver.received.slice(before).find((r) => r.payload.type === 'flow.closed')!
      expect(closed.payload.data).toMatchObject({ passwordShared: false, resets: 0 })
      expect(receiver.received.slice(before).map((r) => r.payload.type)).toEqual(['flow.closed'])
      expect([...receiver.acknowledged().values()].every((n) => n === 1)).toBe(true)
    })

    it('a rolled-back change enqueues nothing', async () => {
      const count = (await deliveries()).length
      await expect(
        h.backend.store.db.transaction().execute(async (trx) => {
          await addWorkNote(h.backend.ctx, trx, recordId, 'Test', 'a note that never happened')
          throw new Error('rolled back')
        }),
      ).rejects.toThrow('rolled back')
      expect((await deliveries()).length).toBe(count)
      // The same note committed is enqueued and delivered.
      await h.backend.store.db.transaction().execute((trx) => addWorkNote(h.backend.ctx, trx, recordId, 'Test', 'a committed note'))
      await receiver.waitFor(() => receiver.received.some((r) => r.payload.data.text === 'a committed note'))
    })

    it('a delivery that keeps failing is marked failed with its last status; an admin retry delivers it', async () => {
      const failing = await h.call(admin, 'admin:webhooks:save', {
        name: 'Fragile',
        url: `${receiver.url}?fragile=1`,
        events: ['work_note.added'],
      })
      // A worker that gives up after two attempts takes over from the backend's own (polling only).
      await h.backend.webhooks!.stop()
      const { WebhookWorker } = await import('../../electron/backend/integrations/webhook-worker')
      const worker = new WebhookWorker(
        {
          store: h.backend.store,
          storeConfig: { kind: 'sqlite', file: '' },
          keys: h.backend.ctx.keys,
          now: () => new Date(),
          log: h.backend.ctx.log,
        },
        { pollMs: 50, backoffBaseMs: 50, maxAttempts: 2 },
      )
      receiver.mode = 'fail'
      receiver.secret = 'not the secret'
      worker.start()
      try {
        await h.backend.store.db.transaction().execute((trx) => addWorkNote(h.backend.ctx, trx, recordId, 'Test', 'fragile note'))
        await expect
          .poll(async () => (await h.call(admin, 'admin:webhooks:deliveries', { state: 'failed' })).total, { timeout: 10_000 })
          .toBe(2)
        const failed = (await h.call(admin, 'admin:webhooks:deliveries', { state: 'failed' })).rows
        expect(failed.every((d) => d.attempts === 2 && d.lastStatus === 500 && d.lastError === 'http_500')).toBe(true)
        expect((await h.call(admin, 'admin:webhooks:list', {})).find((w) => w.id === failing.webhook.id)!.failed).toBe(1)
        receiver.mode = 'ok'
        receiver.secret = secrets.find((s) => s.startsWith('whsec_'))!
        const toRetry = failed.find((d) => d.webhookId === webhookId)!
        expect((await h.call(admin, 'admin:webhooks:retry', { deliveryId: toRetry.id })).state).toBe('pending')
        await expect
          .poll(
            async () =>
              (await h.call(admin, 'admin:webhooks:deliveries', { webhookId, state: 'delivered' })).rows.some((d) => d.id === toRetry.id),
            { timeout: 10_000 },
          )
          .toBe(true)
        expect((await h.call(admin, 'audit:list', { limit: 10 })).rows.some((r) => r.action === 'admin.webhooks.retry')).toBe(true)
      } finally {
        await worker.stop()
        receiver.mode = 'ok'
      }
    })

    it('the signing secret is stored sealed and audited nowhere; rotation shows a new one once', async () => {
      const rotated = await h.call(admin, 'admin:webhooks:save', {
        id: webhookId,
        name: 'ITSM',
        url: receiver.url,
        events: ['work_note.added'],
        rotateSecret: true,
      })
      expect(rotated.secret).toMatch(/^whsec_/)
      expect(rotated.secret).not.toBe(secrets[0])
      secrets.push(rotated.secret!)
      const unchanged = await h.call(admin, 'admin:webhooks:save', {
        id: webhookId,
        name: 'ITSM',
        url: receiver.url,
        events: ['work_note.added'],
      })
      expect(unchanged.secret).toBeNull()
      let dump = ''
      for (const t of ['webhook_endpoints', 'webhook_deliveries', 'audit'])
        dump += JSON.stringify((await sql`select * from ${sql.table(t)}`.execute(h.backend.store.db)).rows)
      for (const secret of secrets) expect(dump).not.toContain(secret)
      for (const line of h.logLines) for (const secret of secrets) expect(line).not.toContain(secret)
      const changes = (await h.call(admin, 'audit:list', { limit: 5 })).rows
        .filter((r) => r.action === 'admin.webhooks.update')
        .map((r) => JSON.parse(r.detail))
      expect(changes).toContainEqual({
        before: expect.objectContaining({ events: [...webhookEventTypes] }),
        after: expect.objectContaining({ events: ['work_note.added'], signingKeyRotated: true }),
      })
    })
  })
}
