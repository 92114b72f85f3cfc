// G4 enrolment on both stores: the authenticator app (RFC 6238: the current code passes, a time
// step is never accepted twice, a code two steps old is refused), answers folded for case, spaces
// and NFKC and stored only under scrypt, and the question catalogue's admin channels.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { generate } from 'otplib'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, errorOf, startHarness, type Harness } from '../helpers/backend-harness'
import type { Session } from '../../electron/backend/operations'
import { createSelfService, enrolmentLimits, type SelfService } from '../../electron/backend/enrolment/self-service'
import { isVerified } from '../../electron/backend/rules/flows'
import { demoProcesses } from '../../electron/backend/demo/seed'
import { AppError } from '../../shared/errors'
import { createHttpServer } from '../../electron/backend/http/server'
import { loadDeskSettings, saveDeskSettings } from '../../electron/backend/admin/desk-settings'
import type { OutboxNotifier } from '../../electron/backend/notify/outbox-notifier'
import { maskEmail } from '../../electron/backend/rules/masking'

const PASSWORD = 'casey-enrols-2026-long'
const STEP = 30_000

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`G4 enrolment on ${variant.name}`, () => {
    let h: Harness
    let desk: Session
    let admin: Session
    let recordId: string
    let self: SelfService

    beforeAll(async () => {
      h = await startHarness(variant)
      desk = await h.signIn('desk')
      admin = await h.signIn('admin')
      recordId = await assignedRecord(h, desk)
      self = createSelfService(h.backend.ctx)
      // Demo users have no password; the test gives two of them one, as the directory would have.
      await h.backend.local.resetPassword('user-casey', PASSWORD, { unlock: true, mustChange: false })
      await h.backend.local.resetPassword('user-jamie-garcia', PASSWORD, { unlock: true, mustChange: false })
    })
    afterAll(async () => h?.dispose())

    const codeAt = (secret: string, at: Date): Promise<string> => generate({ secret, epoch: Math.floor(at.getTime() / 1000) })
    const totpFlow = () => h.call(desk, 'flow:start', { recordId, userId: 'user-casey', processId: 'proc-standard' })
    const totpStatus = (f: { methods: { method: string; passed: boolean; enrolled: boolean; attemptsLeft: number }[] }) =>
      f.methods.find((m) => m.method === 'totp_code')!

    it('G4 authenticator: enrol, pass with the current code, refuse the same code twice and a code two steps old', async () => {
      // Align to the start of a step so "now" and "now + 30 s" are distinct steps.
      h.clock.current = new Date(Math.ceil(h.clock.now().getTime() / STEP) * STEP)
      const { token } = await self.signIn({ login: 'casey.singh', password: PASSWORD }, '127.0.0.1')
      expect(totpStatus(await totpFlow()).enrolled).toBe(false)
      const { secret, qr, uri } = await self.startTotp(token)
      expect(qr.startsWith('data:image/png;base64,')).toBe(true)
      expect(uri).toContain('otpauth://totp/')
      const enrolCode = await codeAt(secret, h.clock.now())
      expect((await self.confirmTotp(token, { code: enrolCode })).authenticator).toBe(true)
      const stored = await h.backend.store.db
        .selectFrom('totp_enrolments')
        .selectAll()
        .where('user_id', '=', 'user-casey')
        .executeTakeFirstOrThrow()
      expect(stored.secret_sealed).not.toContain(secret)

      // The code that finished enrolment is spent: its step cannot pass at the desk.
      let f = await totpFlow()
      expect(totpStatus(f).enrolled).toBe(true)
      const replayEnrol = await errorOf(h.call(desk, 'verify:checkTotp', { flowId: f.id, code: enrolCode }))
      expect([replayEnrol.code, replayEnrol.details.attemptsLeft]).toEqual(['CODE_ALREADY_USED', 2])

      h.clock.advance(STEP)
      const current = await codeAt(secret, h.clock.now())
      f = await h.call(desk, 'verify:checkTotp', { flowId: f.id, code: current })
      expect(totpStatus(f).passed).toBe(true)
      expect(f.verified).toBe(true)
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })

      // A new flow (another agent could start it) cannot reuse the code either.
      f = await totpFlow()
      const again = await errorOf(h.call(desk, 'verify:checkTotp', { flowId: f.id, code: current }))
      expect([again.code, again.details.attemptsLeft]).toEqual(['CODE_ALREADY_USED', 1])
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })

      // The attempts are spent after three failures (R5); once the window frees up, a code two steps old fails.
      h.clock.advance(8 * 3_600_000)
      h.clock.current = new Date(Math.floor(h.clock.now().getTime() / STEP) * STEP)
      f = await totpFlow()
      const old = await errorOf(
        h.call(desk, 'verify:checkTotp', { flowId: f.id, code: await codeAt(secret, new Date(h.clock.now().getTime() - 2 * STEP)) }),
      )
      expect(old.code).toBe('CODE_INCORRECT')
      // One step old is still accepted (drift between phone and server).
      f = await h.call(desk, 'verify:checkTotp', { flowId: f.id, code: await codeAt(secret, new Date(h.clock.now().getTime() - STEP)) })
      expect(totpStatus(f).passed).toBe(true)
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })

      const audit = await h.backend.store.db
        .selectFrom('audit')
        .select(['action', 'outcome'])
        .where('user_id', '=', 'user-casey')
        .where('method', '=', 'totp_code')
        .orderBy('seq')
        .execute()
      expect(audit.map((a) => a.outcome)).toEqual(['failed', 'passed', 'failed', 'failed', 'passed'])
    })

    it('B1 counts the authenticator code as the code a protected account needs', () => {
      const protectedProcess = demoProcesses.find((p) => p.protectedAccounts)!
      expect(isVerified(protectedProcess, new Set(['security_questions', 'totp_code']))).toBe(true)
      expect(isVerified(protectedProcess, new Set(['security_questions', 'personal_data_confirm']))).toBe(false)
    })

    it('G4 answers are folded (case, spaces, NFKC) and stored only under scrypt', async () => {
      const { token, state } = await self.signIn({ login: 'jamie.garcia', password: PASSWORD }, '127.0.0.2')
      const [a, b, c] = state.questions
      // Too few answers, and the same question twice, are refused in place.
      const few = await errorOf(self.saveAnswers(token, { answers: [{ questionId: a!.id, answer: 'x1' }] }))
      expect(few.code).toBe('INVALID_INPUT')
      const twice = await errorOf(self.saveAnswers(token, { answers: [a, a, b].map((q) => ({ questionId: q!.id, answer: 'same' })) }))
      expect(JSON.stringify(twice.details)).toContain('different question')
      // Full-width letters and odd spacing, as a phone keyboard or a paste may give them.
      const answers = ['  Ｍａｒｍａｌａｄｅ   Sandwich ', 'Rio  de Janeiro', 'Ａｂ12 cd']
      await self.saveAnswers(token, { answers: [a, b, c].map((q, i) => ({ questionId: q!.id, answer: answers[i]! })) })

      const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-jamie-garcia', processId: 'proc-standard' })
      expect(f.user.questions.map((q) => q.text)).toEqual([a!.text, b!.text, c!.text])
      const wrong = await errorOf(
        h.call(desk, 'verify:answerQuestions', {
          flowId: f.id,
          answers: f.user.questions.map((q, i) => ({
            questionId: q.id,
            answer: i === 2 ? 'ab12cd' : ['marmalade sandwich', 'rio de janeiro'][i]!,
          })),
        }),
      )
      expect(wrong.code).toBe('ANSWERS_INCORRECT')
      const right = await h.call(desk, 'verify:answerQuestions', {
        flowId: f.id,
        answers: f.user.questions.map((q, i) => ({ questionId: q.id, answer: ['MARMALADE sandwich', 'rio de janeiro ', 'ab12 CD'][i]! })),
      })
      expect(right.methods.find((m) => m.method === 'security_questions')!.passed).toBe(true)
      await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: false })

      let dump = ''
      for (const t of ['enrolled_answers', 'security_questions', 'enrolment_sessions', 'audit']) {
        dump += JSON.stringify((await sql`select * from ${sql.table(t)}`.execute(h.backend.store.db)).rows).toLowerCase()
      }
      // The third answer folds to 'ab12 cd': checked with its space, since 'ab12' alone turns up
      // by chance inside hex hashes (a test that failed one run in three).
      for (const secret of ['marmalade', 'janeiro', 'ab12 cd', token.toLowerCase(), PASSWORD]) expect(dump).not.toContain(secret)
      for (const line of h.logLines) for (const secret of ['armalade', 'Janeiro', token, PASSWORD]) expect(line).not.toContain(secret)
    })

    it('G4 admin: the question catalogue channels refuse a non-admin; saves are audited, questions in use deactivated', async () => {
      const refused = await errorOf(h.call(desk, 'admin:questions:list', {}))
      expect(refused).toBeInstanceOf(AppError)
      expect(refused.code).toBe('FORBIDDEN')
      const before = await h.call(admin, 'admin:questions:list', {})
      expect(
        (
          await errorOf(
            h.call(desk, 'admin:questions:save', {
              questions: before.questions.map(({ id, text, active }) => ({ id, text, active })),
              questionsRequired: 2,
            }),
          )
        ).code,
      ).toBe('FORBIDDEN')

      const inUse = before.questions.find((q) => q.enrolledUsers > 0)!
      const unused = before.questions.find((q) => q.enrolledUsers === 0)
      const kept = before.questions.filter((q) => q.id !== inUse.id && q.id !== unused?.id)
      const after = await h.call(admin, 'admin:questions:save', {
        questions: [
          ...kept.map(({ id, text, active }) => ({ id, text, active })),
          { text: 'What was the name of your first teacher?', active: true },
        ],
        questionsRequired: 2,
      })
      expect(after.questionsRequired).toBe(2)
      expect(after.questions.find((q) => q.id === inUse.id)).toMatchObject({ active: false })
      if (unused) expect(after.questions.find((q) => q.id === unused.id)).toBeUndefined()
      expect(after.questions.some((q) => q.text === 'What was the name of your first teacher?' && q.active)).toBe(true)
      const entry = await h.backend.store.db
        .selectFrom('audit')
        .select(['action', 'agent_id', 'detail'])
        .where('action', '=', 'admin.questions.save')
        .executeTakeFirstOrThrow()
      expect(entry.agent_id).toBe('agent-admin')
      const detail = JSON.parse(entry.detail) as { before: { questionsRequired: number }; after: { questionsRequired: number } }
      expect([detail.before.questionsRequired, detail.after.questionsRequired]).toEqual([3, 2])

      // Alex's answers to a deactivated question still verify (deactivation only stops new enrolments).
      const alex = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
      expect(alex.user.questions).toHaveLength(2)
      await h.call(desk, 'flow:close', { flowId: alex.id, passwordShared: false })
      const { state } = await self.signIn({ login: 'casey.singh', password: PASSWORD }, '127.0.0.3')
      expect(state.questions.some((q) => q.id === inUse.id)).toBe(false)
      expect(state.questionsRequired).toBe(2)
    })

    it('G4 a personal email confirmed by code receives codes and the after-reset notice; untrusted directory contacts do not count', async () => {
      const outbox = h.backend.ctx.notifier as OutboxNotifier
      const lastCode = async (userId: string) => (await outbox.mailbox(userId))[0]!.body.match(/\b(\d{6})\b/)![1]!
      const { token } = await self.signIn({ login: 'jamie.garcia', password: PASSWORD }, '127.0.0.4')
      expect((await self.startContact(token, { kind: 'email', value: 'jamie.home@example.net' })).sentTo).not.toContain('jamie.home')
      const good = await lastCode('user-jamie-garcia')
      const wrong = await errorOf(self.confirmContact(token, { kind: 'email', code: good === '000000' ? '111111' : '000000' }))
      expect([wrong.code, wrong.details.attemptsLeft]).toEqual(['CODE_INCORRECT', 2])
      const masked = maskEmail('jamie.home@example.net')
      expect((await self.confirmContact(token, { kind: 'email', code: good })).email).toBe(masked)

      // The desk stops trusting directory mail: only the confirmed personal address gets codes.
      await saveDeskSettings(h.backend.store.db, { ...(await loadDeskSettings(h.backend.store.db)), trustDirectoryContacts: false })
      try {
        const alex = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
        expect(alex.methods.filter((m) => m.enrolled).map((m) => m.method)).toEqual(['security_questions'])
        await h.call(desk, 'flow:close', { flowId: alex.id, passwordShared: false })
        h.clock.advance(60_000)
        const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-jamie-garcia', processId: 'proc-standard' })
        const sent = await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
        expect(sent.sentTo).toEqual([masked])
        const verified = await h.call(desk, 'verify:checkCode', {
          flowId: f.id,
          method: 'email_code',
          code: await lastCode('user-jamie-garcia'),
        })
        expect(verified.verified).toBe(true)
        await h.call(desk, 'reset:run', { flowId: f.id, method: 'generate' })
        await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: true })
        const notices = (await outbox.mailbox('user-jamie-garcia')).filter((m) => m.subject === 'Your password was reset').map((m) => m.to)
        expect(notices.sort()).toEqual(['jamie.garcia@example.com', 'jamie.home@example.net'])
      } finally {
        await saveDeskSettings(h.backend.store.db, { ...(await loadDeskSettings(h.backend.store.db)), trustDirectoryContacts: true })
      }
    })

    it('G4 the standalone server serves the enrolment page under /enrol with its CSP and one refusal', async () => {
      const app = createHttpServer(h.backend)
      try {
        const page = await app.inject({ method: 'GET', url: '/enrol' })
        expect(page.statusCode).toBe(200)
        expect(page.headers['content-security-policy']).toContain("default-src 'none'")
        const refusal = (login: string) =>
          app
            .inject({ method: 'POST', url: '/enrol/api/signin', payload: { login, password: 'not-this-one' } })
            .then((r) => [r.statusCode, r.body])
        const [unknown, wrong] = [await refusal('nobody.here'), await refusal('jamie.garcia')]
        expect(wrong).toEqual(unknown)
        expect(JSON.parse(wrong[1] as string).error.code).toBe('INVALID_CREDENTIALS')
        const noSession = await app.inject({ method: 'POST', url: '/enrol/api/state', payload: {} })
        expect(JSON.parse(noSession.body).error.code).toBe('SESSION_EXPIRED')
      } finally {
        await app.close()
      }
    })

    it('G4 / S6 the sign-in throttle holds under concurrency: exactly the allowed failures reach the directory', async () => {
      const tries = Array.from({ length: 12 }, (_, i) =>
        self.signIn({ login: 'Blair.Chen', password: `wrong-${i}` }, '10.0.0.9').then(
          () => 'in',
          (e: AppError) => e.code,
        ),
      )
      expect(new Set(await Promise.all(tries))).toEqual(new Set(['INVALID_CREDENTIALS']))
      const throttled = h.logLines.filter((l) => l.includes('enrolment_signin_throttled')).length
      expect(throttled).toBe(12 - enrolmentLimits.failuresPerLogin)
      // The window passes: the name may try again.
      h.clock.advance(enrolmentLimits.throttleWindowMinutes * 60_000 + 1)
      const before = h.logLines.length
      expect(await errorOf(self.signIn({ login: 'blair.chen', password: 'wrong-again' }, '10.0.0.9')).then((e) => e.code)).toBe(
        'INVALID_CREDENTIALS',
      )
      expect(h.logLines.slice(before).some((l) => l.includes('enrolment_signin_throttled'))).toBe(false)
    })
  })
}
