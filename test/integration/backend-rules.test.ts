// The backend's reset rules, run against both stores (SQLite file and a real PostgreSQL).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, latestCode, startHarness, type Harness } from '../helpers/backend-harness'
import type { Session } from '../../electron/backend/operations'
import type { Notifier } from '../../electron/backend/notify/notifier'
import type { CredentialStore } from '../../electron/backend/credentials/credential-store'
import { AppError } from '../../shared/errors'
import { entryHash } from '../../electron/backend/audit/audit-chain'
import { asDatabaseOwner } from '../helpers/audit-tamper'

const HOUR = 3_600_000

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`backend rules on ${variant.name}`, () => {
    let h: Harness
    let desk: Session
    let admin: Session
    let recordId: string

    beforeAll(async () => {
      h = await startHarness(variant)
      desk = await h.signIn('desk')
      admin = await h.signIn('admin')
      recordId = await assignedRecord(h, desk)
    })
    afterAll(async () => h?.dispose())

    /** A flow verified by personal data confirmation (the quickest method). */
    async function verifiedFlow(userId: string, agent = desk, record = recordId) {
      const flow = await h.call(agent, 'flow:start', { recordId: record, userId, processId: 'proc-standard' })
      return h.call(agent, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
    }

    it('R4 allows exactly three resets in 24 hours under concurrency, then names when the next frees up', async () => {
      const flow = await verifiedFlow('user-alex')
      const firstAt = h.clock.now()
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, () => h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' })),
      )
      const done = results.filter((r) => r.status === 'fulfilled')
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)
      expect(done).toHaveLength(3)
      expect(refused).toHaveLength(7)
      for (const e of refused) expect(e.code).toBe('RATE_LIMITED')
      const resets = await h.backend.store.db.selectFrom('resets').select(['status']).where('user_id', '=', 'user-alex').execute()
      expect(resets).toHaveLength(3)
      expect(resets.every((r) => r.status === 'done')).toBe(true)

      // The fourth, 10 minutes later (inside the verification window, item 10), is refused with
      // the time the first one leaves the window.
      h.clock.advance(10 * 60_000)
      const fourth = await errorOf(h.call(desk, 'reset:run', { flowId: flow.id, method: 'generate' }))
      expect(fourth.code).toBe('RATE_LIMITED')
      expect(fourth.details.freesAt).toBe(new Date(firstAt.getTime() + 24 * HOUR).toISOString())
      const options = await h.call(desk, 'processes:forUser', { userId: 'user-alex' })
      const standard = options.find((o) => o.process.id === 'proc-standard')!
      expect(standard.usesLeft).toBe(0)
      expect(standard.nextFreeAt).toBe(fourth.details.freesAt)
      await h.call(desk, 'flow:close', { flowId: flow.id, passwordShared: true })

      // Once the window has passed, a new flow may reset again.
      h.clock.advance(24 * HOUR - 10 * 60_000)
      const again = await verifiedFlow('user-alex')
      const ok = await h.call(desk, 'reset:run', { flowId: again.id, method: 'generate' })
      expect(ok.generatedPassword).toBeTruthy()
      await h.call(desk, 'flow:close', { flowId: again.id, passwordShared: true })
    })

    it('R5 closes a code method after three wrong codes, and refuses the right code after that', async () => {
      const flow = await h.call(desk, 'flow:start', { recordId, userId: 'user-drew-x', processId: 'proc-standard' }).catch(() => null)
      expect(flow).toBeNull() // unknown user
      const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-jamie-garcia', processId: 'proc-standard' })
      await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
      const code = await latestCode(h, desk, 'user-jamie-garcia')
      const wrong = code === '000000' ? '111111' : '000000'
      const e1 = await errorOf(h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: wrong }))
      expect([e1.code, e1.details.attemptsLeft]).toEqual(['CODE_INCORRECT', 2])
      const e2 = await errorOf(h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: wrong }))
      expect([e2.code, e2.details.attemptsLeft]).toEqual(['CODE_INCORRECT', 1])
      const e3 = await errorOf(h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: wrong }))
      expect(e3.code).toBe('MAX_ATTEMPTS')
      expect(e3.details.closedUntil).toBe(new Date(h.clock.now().getTime() + 8 * HOUR).toISOString())
      const right = await errorOf(h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code }))
      expect(right.code).toBe('MAX_ATTEMPTS')
      // Attempts count across flows: a new flow does not restore them.
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })
      const f2 = await h.call(desk, 'flow:start', { recordId, userId: 'user-jamie-garcia', processId: 'proc-standard' })
      expect(f2.methods.find((m) => m.method === 'email_code')!.attemptsLeft).toBe(0)
      expect((await errorOf(h.call(desk, 'verify:sendCode', { flowId: f2.id, method: 'email_code' }))).code).toBe('MAX_ATTEMPTS')
      await h.call(desk, 'flow:close', { flowId: f2.id, passwordShared: false })
      const audit = await h.backend.store.db
        .selectFrom('audit')
        .select('outcome')
        .where('user_id', '=', 'user-jamie-garcia')
        .where('action', '=', 'verify.check')
        .orderBy('seq')
        .execute()
      expect(audit.map((a) => a.outcome)).toEqual(['failed', 'failed', 'failed_closed'])
    })

    it('R5 refuses an expired code and a code voided by a resend', async () => {
      const userId = 'user-parker-ivanova'
      const f = await h.call(desk, 'flow:start', { recordId, userId, processId: 'proc-standard' })
      await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
      const expired = await latestCode(h, desk, userId)
      h.clock.advance(10 * 60_000 + 1)
      expect((await errorOf(h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: expired }))).code).toBe(
        'CODE_EXPIRED',
      )

      await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
      const old = await latestCode(h, desk, userId)
      // A resend within the pause is refused; after it, a new code voids the old one.
      expect((await errorOf(h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' }))).code).toBe('RESEND_TOO_SOON')
      h.clock.advance(31_000)
      await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
      const fresh = await latestCode(h, desk, userId)
      if (fresh !== old) {
        expect((await errorOf(h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: old }))).code).toBe(
          'CODE_INCORRECT',
        )
      }
      const passed = await h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: fresh })
      expect(passed.verified).toBe(true)
      // Single use: the same code again finds no active code.
      expect((await errorOf(h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: fresh }))).code).toBe(
        'CODE_EXPIRED',
      )
      // A first send and three resends per flow (R5 default); the fifth is refused.
      h.clock.advance(31_000)
      await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
      h.clock.advance(31_000)
      expect((await errorOf(h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' }))).code).toBe('MAX_RESENDS')
      // Sends are counted per method: email's are spent, SMS keeps all of its own.
      const view = await h.call(desk, 'flow:get', { flowId: f.id })
      expect(view.methods.find((m) => m.method === 'email_code')!.sendsLeft).toBe(0)
      expect(view.methods.find((m) => m.method === 'sms_code')!.sendsLeft).toBe(4)
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })
    })

    it('R5.2 needs each mobile carrier without an SMS provider, and sends the same code to every mobile', async () => {
      const userId = 'user-alex'
      h.clock.advance(25 * HOUR) // past the resets of the R4 test
      const f = await h.call(desk, 'flow:start', { recordId, userId, processId: 'proc-sms' })
      expect(f.smsProviderConfigured).toBe(false)
      const needed = await errorOf(h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'sms_code' }))
      expect(needed.code).toBe('SMS_CARRIER_NEEDED')
      expect(needed.details.mobiles).toHaveLength(2)
      const sent = await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'sms_code', carriers: { '0': 'att', '1': 'verizon' } })
      expect(sent.sentTo).toEqual(['•••• 0101 (AT&T)', '•••• 0102 (Verizon)'])
      const sms = (await h.call(desk, 'demo:mailbox', { userId })).filter((m) => m.channel === 'sms').slice(0, 2)
      expect(sms.map((m) => m.to).sort()).toEqual(['14155550101@txt.att.net', '14155550102@vtext.com'])
      expect(sms[0]!.body.match(/\d{6}/)![0]).toBe(sms[1]!.body.match(/\d{6}/)![0])
      const ok = await h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'sms_code', code: sms[0]!.body.match(/\d{6}/)![0] })
      expect(ok.verified).toBe(true)
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })
    })

    it('R5.3 and R5.4 compare folded answers and the registered address', async () => {
      const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      const [q1, q2] = f.user.questions
      const wrong = await errorOf(
        h.call(desk, 'verify:answerQuestions', {
          flowId: f.id,
          answers: [
            { questionId: q1!.id, answer: 'biscuit' },
            { questionId: q2!.id, answer: 'Paris' },
          ],
        }),
      )
      expect([wrong.code, wrong.details.attemptsLeft]).toEqual(['ANSWERS_INCORRECT', 2])
      const right = await h.call(desk, 'verify:answerQuestions', {
        flowId: f.id,
        answers: [
          { questionId: q1!.id, answer: '  BISCUIT ' },
          { questionId: q2!.id, answer: 'lisbon' },
        ],
      })
      expect(right.methods.find((m) => m.method === 'security_questions')!.passed).toBe(true)
      const bad = await errorOf(h.call(desk, 'verify:personalData', { flowId: f.id, email: 'alex@elsewhere.example' }))
      expect(bad.code).toBe('PERSONAL_DATA_INCORRECT')
      const good = await h.call(desk, 'verify:personalData', { flowId: f.id, email: 'Alex.Morgan@example.com' })
      expect(good.methods.find((m) => m.method === 'personal_data_verify')!.passed).toBe(true)
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })
    })

    it('R5 refuses methods the user is not enrolled for', async () => {
      const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-casey', processId: 'proc-standard' })
      expect(f.methods.every((m) => !m.enrolled)).toBe(true)
      expect((await errorOf(h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' }))).code).toBe('NOT_ENROLLED')
      expect((await errorOf(h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'sms_code' }))).code).toBe('NOT_ENROLLED')
      expect((await errorOf(h.call(desk, 'reset:run', { flowId: f.id, method: 'generate' }))).code).toBe('NOT_VERIFIED')
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })
    })

    it('R1 refuses an agent who is not the assignee, or who lacks the role, on every call', async () => {
      const notMine = await h.backend.store.db
        .selectFrom('records')
        .select('id')
        .where('assigned_to', '=', 'agent-nico')
        .executeTakeFirstOrThrow()
      expect(
        (await errorOf(h.call(desk, 'flow:start', { recordId: notMine.id, userId: 'user-alex', processId: 'proc-standard' }))).code,
      ).toBe('NOT_ASSIGNED')
      expect((await h.call(desk, 'records:get', { recordId: notMine.id })).canReset).toBe(false)
      const viewer = await h.signIn('viewer')
      const viewersOwn = await h.backend.store.db
        .selectFrom('records')
        .select('id')
        .where('assigned_to', '=', 'agent-viewer')
        .executeTakeFirstOrThrow()
      expect(
        (await errorOf(h.call(viewer, 'flow:start', { recordId: viewersOwn.id, userId: 'user-alex', processId: 'proc-standard' }))).code,
      ).toBe('ROLE_MISSING')
      expect((await h.call(viewer, 'records:get', { recordId: viewersOwn.id })).canReset).toBe(false)

      // Reassigning the record mid-flow stops the next step, and ends the flow (G5: not stranded).
      const stranded = await h.call(desk, 'flow:start', { recordId, userId: 'user-rowan-rossi', processId: 'proc-standard' })
      await h.backend.store.db.updateTable('records').set({ assigned_to: 'agent-nico' }).where('id', '=', recordId).execute()
      expect((await errorOf(h.call(desk, 'verify:confirmPersonalData', { flowId: stranded.id, confirmed: true }))).code).toBe(
        'RECORD_REASSIGNED',
      )
      await h.backend.store.db.updateTable('records').set({ assigned_to: 'agent-desk' }).where('id', '=', recordId).execute()
      expect((await errorOf(h.call(desk, 'flow:get', { flowId: stranded.id }))).code).toBe('RECORD_REASSIGNED')
      const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-rowan-rossi', processId: 'proc-standard' })
      // Another agent cannot act on, or start over, the flow the desk agent holds (R3).
      const adminRecord = await assignedRecord(h, admin)
      expect((await errorOf(h.call(admin, 'flow:get', { flowId: f.id }))).code).toBe('FLOW_HELD')
      expect(
        (await errorOf(h.call(admin, 'flow:start', { recordId: adminRecord, userId: 'user-rowan-rossi', processId: 'proc-standard' })))
          .code,
      ).toBe('FLOW_HELD')
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })
      expect((await errorOf(h.call(desk, 'flow:get', { flowId: f.id }))).code).toBe('FLOW_CLOSED')
    })

    it('R3 expires an idle flow, which frees the user for another agent', async () => {
      const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-skyler-murphy', processId: 'proc-standard' })
      h.clock.advance(31 * 60_000)
      expect((await errorOf(h.call(desk, 'flow:get', { flowId: f.id }))).code).toBe('SESSION_EXPIRED')
      const adminRecord = await assignedRecord(h, admin)
      const taken = await h.call(admin, 'flow:start', { recordId: adminRecord, userId: 'user-skyler-murphy', processId: 'proc-standard' })
      await h.call(admin, 'flow:close', { flowId: taken.id, passwordShared: false })
    })

    it('R6.3 checks match and policy; the reset unlocks, requires a change, and writes the work note', async () => {
      const f = await verifiedFlow('user-blair')
      expect(f.user.locked).toBe(true)
      expect(
        (
          await errorOf(
            h.call(desk, 'reset:run', {
              flowId: f.id,
              method: 'manual',
              password: 'correct horse battery',
              confirm: 'correct horse batteries',
            }),
          )
        ).code,
      ).toBe('PASSWORDS_DONT_MATCH')
      const weak = await errorOf(h.call(desk, 'reset:run', { flowId: f.id, method: 'manual', password: 'password', confirm: 'password' }))
      expect(weak.code).toBe('POLICY_VIOLATED')
      expect((weak.details.failures as { rule: string }[]).map((x) => x.rule).sort()).toEqual(['blocklisted', 'min_length'])
      const named = await errorOf(
        h.call(desk, 'reset:run', {
          flowId: f.id,
          method: 'manual',
          password: 'blair.chen-is-great-2026',
          confirm: 'blair.chen-is-great-2026',
        }),
      )
      expect((named.details.failures as { rule: string }[]).map((x) => x.rule)).toContain('contains_user_name')
      const password = 'amber-kettle-orbit-41'
      const done = await h.call(desk, 'reset:run', { flowId: f.id, method: 'manual', password, confirm: password })
      expect(done.generatedPassword).toBeNull()
      expect(done.flow.state).toBe('reset')
      expect(done.flow.user.locked).toBe(false)
      expect(await h.backend.local.verifyPassword('blair.chen', password)).toBe(true)
      const user = await h.backend.store.db
        .selectFrom('directory_users')
        .select(['must_change', 'locked_at'])
        .where('id', '=', 'user-blair')
        .executeTakeFirstOrThrow()
      expect(user).toEqual({ must_change: 1, locked_at: null })
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: true })
      const notes = (await h.call(desk, 'records:get', { recordId })).activity.filter((a) => a.kind === 'work_note')
      expect(notes.some((n) => n.text.includes('Password reset for Blair Chen') && n.text.includes('account unlocked'))).toBe(true)
      expect(notes.some((n) => n.text.includes('Password shared with the user: yes'))).toBe(true)
    })

    it('R6.1 sends a single-use link that completes the reset once', async () => {
      const f = await verifiedFlow('user-harper-schmidt')
      const sent = await h.call(desk, 'reset:run', { flowId: f.id, method: 'email_link' })
      expect(sent.sentTo).toHaveLength(1)
      const mail = (await h.call(desk, 'demo:mailbox', { userId: 'user-harper-schmidt' })).find((m) => m.body.includes('#token='))!
      const token = mail.body.match(/#token=([\w-]+)/)![1]!
      expect(token.length).toBeGreaterThanOrEqual(43) // 256 bits in base64url
      const policyMiss = await h.backend.completeResetLink(token, 'short')
      expect(policyMiss.ok).toBe(false)
      expect(await h.backend.completeResetLink(token, 'violet-harbour-lantern-7')).toEqual({ ok: true })
      expect(await h.backend.local.verifyPassword('harper.schmidt', 'violet-harbour-lantern-7')).toBe(true)
      expect((await errorOf(h.backend.completeResetLink(token, 'violet-harbour-lantern-8'))).code).toBe('SESSION_EXPIRED')
      expect((await errorOf(h.backend.completeResetLink('x'.repeat(43), 'violet-harbour-lantern-8'))).code).toBe('SESSION_EXPIRED')
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })
    })

    it('B1 protected accounts need two methods, one a code, and a supervisor approval', async () => {
      const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-drew', processId: 'proc-protected' })
      expect(f.passesRequired).toBe(2)
      const [q1, q2] = f.user.questions
      const one = await h.call(desk, 'verify:answerQuestions', {
        flowId: f.id,
        answers: [
          { questionId: q1!.id, answer: 'beetle' },
          { questionId: q2!.id, answer: 'dune' },
        ],
      })
      expect(one.verified).toBe(false)
      await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
      const two = await h.call(desk, 'verify:checkCode', {
        flowId: f.id,
        method: 'email_code',
        code: await latestCode(h, desk, 'user-drew'),
      })
      expect(two.verified).toBe(true)
      expect((await errorOf(h.call(desk, 'reset:run', { flowId: f.id, method: 'generate' }))).code).toBe('APPROVAL_REQUIRED')
      expect((await errorOf(h.call(desk, 'flow:approve', { flowId: f.id }))).code).toBe('FORBIDDEN')
      expect((await errorOf(h.call(desk, 'approvals:list', {}))).code).toBe('FORBIDDEN')
      const supervisor = await h.signIn('super')
      const waiting = await h.call(supervisor, 'approvals:list', {})
      expect(waiting).toEqual([
        expect.objectContaining({
          flowId: f.id,
          userDisplayName: 'Drew Patel',
          agentName: 'Dana Desk',
          processName: 'Protected accounts',
          verified: true,
        }),
      ])
      expect((await h.call(supervisor, 'flow:approve', { flowId: f.id })).approval).toBe('approved')
      expect(await h.call(supervisor, 'approvals:list', {})).toEqual([])
      const done = await h.call(desk, 'reset:run', { flowId: f.id, method: 'generate' })
      expect([...done.generatedPassword!].length).toBeGreaterThanOrEqual(20)
      expect(done.generatedPassword).not.toMatch(/[0O1lIi5S2Z8B]/)
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: true })
    })

    it('R9 exports the chain for offline checking, to administrators only, and audits the export', async () => {
      const supervisor = await h.signIn('super')
      expect((await errorOf(h.call(supervisor, 'audit:export', {}))).code).toBe('FORBIDDEN')
      const first = await h.call(admin, 'audit:export', { limit: 5 })
      expect([first.fromSeq, first.toSeq, first.count, first.more]).toEqual([1, 5, 5, true])
      const all = await h.call(admin, 'audit:export', {})
      const rows = all.jsonl
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
      expect(rows).toHaveLength(all.count)
      // Offline check with the desk's audit key: each line's hash is the recipe over its fields,
      // linked to the line before.
      let prev = '0'.repeat(64)
      for (const row of rows) {
        const { hash, ...rest } = row
        expect(row.prev_hash).toBe(prev)
        expect(entryHash(h.backend.ctx.keys.audit, rest)).toBe(hash)
        prev = hash
      }
      const exports = await h.backend.store.db.selectFrom('audit').select('agent_id').where('action', '=', 'audit.export').execute()
      expect(exports).toEqual([{ agent_id: 'agent-admin' }, { agent_id: 'agent-admin' }])
    })

    it('R9 verifies the audit chain and names the row a change breaks', async () => {
      const ok = await h.call(admin, 'audit:verify', {})
      expect(ok.ok).toBe(true)
      expect(ok.count).toBeGreaterThan(20)
      expect((await errorOf(h.call(desk, 'audit:verify', {}))).code).toBe('FORBIDDEN')
      const target = Math.floor(ok.count / 2)
      const original = await h.backend.store.db.selectFrom('audit').select('outcome').where('seq', '=', target).executeTakeFirstOrThrow()
      const tamper = (outcome: string) =>
        asDatabaseOwner(h.backend.store, (db) => db.updateTable('audit').set({ outcome }).where('seq', '=', target).execute())
      await tamper('tampered')
      expect(await h.call(admin, 'audit:verify', {})).toMatchObject({ ok: false, count: target - 1, brokenAt: target, checkpoint: null })
      await tamper(original.outcome)
      expect((await h.call(admin, 'audit:verify', {})).ok).toBe(true)
      await asDatabaseOwner(h.backend.store, (db) =>
        db
          .deleteFrom('audit')
          .where('seq', '=', target + 1)
          .execute(),
      )
      expect((await h.call(admin, 'audit:verify', {})).brokenAt).toBe(target + 1)
    })
  })

  describe.skipIf(variant.skip !== null)(`failures mid-step on ${variant.name} leave nothing half-done`, () => {
    it('a failed delivery consumes no attempt and leaves no code', async () => {
      let fail = true
      const h = await startHarness(variant, {})
      const flaky: Notifier = {
        smsProviderConfigured: false,
        deliver: async (m) => {
          if (fail) throw new Error('smtp refused')
          await h.backend.ctx.notifier.deliver(m)
        },
      }
      const real = h.backend.ctx.notifier
      Object.assign(h.backend.ctx, { notifier: flaky })
      flaky.deliver = async (m) => {
        if (fail) throw new Error('smtp refused')
        await real.deliver(m)
      }
      try {
        const desk = await h.signIn('desk')
        const recordId = await assignedRecord(h, desk)
        const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
        const e = await errorOf(h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' }))
        expect(e.code).toBe('DELIVERY_FAILED')
        const view = await h.call(desk, 'flow:get', { flowId: f.id })
        const email = view.methods.find((m) => m.method === 'email_code')!
        expect([email.attemptsLeft, email.sendsLeft, email.codeExpiresAt]).toEqual([3, 4, null])
        expect(await h.backend.store.db.selectFrom('codes').selectAll().execute()).toHaveLength(0)
        fail = false
        await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
        expect(
          await h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: await latestCode(h, desk, 'user-alex') }),
        ).toMatchObject({ verified: true })
      } finally {
        await h.dispose()
      }
    })

    it('an undelivered reset link leaves no valid token and no reset counted', async () => {
      const h = await startHarness(variant, {
        notifier: {
          smsProviderConfigured: false,
          deliver: async () => {
            throw Object.assign(new Error('550 mailbox unavailable for x@y'), { code: 'EENVELOPE' })
          },
        },
      })
      try {
        const desk = await h.signIn('desk')
        const recordId = await assignedRecord(h, desk)
        const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
        await h.call(desk, 'verify:confirmPersonalData', { flowId: f.id, confirmed: true })
        expect((await errorOf(h.call(desk, 'reset:run', { flowId: f.id, method: 'email_link' }))).code).toBe('DELIVERY_FAILED')
        expect(await h.backend.store.db.selectFrom('reset_tokens').selectAll().execute()).toHaveLength(0)
        expect(await h.backend.store.db.selectFrom('resets').selectAll().execute()).toHaveLength(0)
        expect(h.logLines.join('\n')).not.toContain('x@y')
      } finally {
        await h.dispose()
      }
    })

    it('a credential store failure records no reset and counts nothing toward R4', async () => {
      // The store says nothing was changed (its contract); an unexplained error is F2's "outcome
      // unknown" instead, covered in test/adversary/intents.test.ts.
      const down: CredentialStore = {
        resetPassword: async () => {
          throw new AppError('DIRECTORY_UNAVAILABLE', { reason: 'unreachable' })
        },
        unlock: async () => {},
      }
      const h = await startHarness(variant, { credentialStores: { local: down } })
      try {
        const desk = await h.signIn('desk')
        const recordId = await assignedRecord(h, desk)
        const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-blair', processId: 'proc-standard' })
        await h.call(desk, 'verify:confirmPersonalData', { flowId: f.id, confirmed: true })
        const e = await errorOf(h.call(desk, 'reset:run', { flowId: f.id, method: 'generate' }))
        expect(e.code).toBe('DIRECTORY_UNAVAILABLE')
        expect(await h.backend.store.db.selectFrom('resets').selectAll().execute()).toHaveLength(0)
        const view = await h.call(desk, 'flow:get', { flowId: f.id })
        expect([view.state, view.resets.length, view.user.locked]).toEqual(['verified', 0, true])
        const options = await h.call(desk, 'processes:forUser', { userId: 'user-blair' })
        expect(options[0]!.usesLeft).toBe(3)
        const notes = (await h.call(desk, 'records:get', { recordId })).activity.filter((a) => a.kind === 'work_note')
        expect(notes).toHaveLength(0)
        const audit = await h.backend.store.db.selectFrom('audit').select(['action', 'outcome']).where('action', '=', 'reset').execute()
        expect(audit).toEqual([{ action: 'reset', outcome: 'failed' }])
      } finally {
        await h.dispose()
      }
    })
  })
}
