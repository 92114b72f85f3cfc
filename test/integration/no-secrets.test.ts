// R9 / S3: no secret (code, password, answer, token) appears in any stored row or log line.
import { describe, expect, it } from 'vitest'
import { sql } from 'kysely'
import { storeVariants } from '../helpers/stores'
import { assignedRecord, latestCode, startHarness } from '../helpers/backend-harness'

for (const variant of storeVariants) {
  describe.skipIf(variant.skip !== null)(`no secret is stored or logged on ${variant.name}`, () => {
    it('after codes, answers, a manual, a generated and an emailed reset', async () => {
      const h = await startHarness(variant)
      try {
        const secrets: string[] = ['Biscuit', 'biscuit', 'Lisbon', 'lisbon', 'desk-demo-2026', 'admin-demo-2026', 'casey-demo-2026']
        const desk = await h.signIn('desk')
        const recordId = await assignedRecord(h, desk)

        const f = await h.call(desk, 'flow:start', { recordId, userId: 'user-alex', processId: 'proc-standard' })
        await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'email_code' })
        const emailCode = await latestCode(h, desk, 'user-alex')
        await h
          .call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: emailCode === '999999' ? '999998' : '999999' })
          .catch(() => {})
        await h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'email_code', code: emailCode })
        h.clock.advance(31_000)
        await h.call(desk, 'verify:sendCode', { flowId: f.id, method: 'sms_code', carriers: { '0': 'tmobile', '1': 'att' } })
        const smsCode = await latestCode(h, desk, 'user-alex', 'sms')
        await h.call(desk, 'verify:checkCode', { flowId: f.id, method: 'sms_code', code: smsCode })
        const [q1, q2] = f.user.questions
        await h.call(desk, 'verify:answerQuestions', {
          flowId: f.id,
          answers: [
            { questionId: q1!.id, answer: 'Biscuit' },
            { questionId: q2!.id, answer: 'Lisbon' },
          ],
        })
        const manual = 'saffron-tundra-piano-88'
        await h.call(desk, 'reset:run', { flowId: f.id, method: 'manual', password: manual, confirm: manual })
        const generated = (await h.call(desk, 'reset:run', { flowId: f.id, method: 'generate' })).generatedPassword!
        await h.call(desk, 'reset:run', { flowId: f.id, method: 'email_link' })
        const mailbox = await h.call(desk, 'demo:mailbox', { userId: 'user-alex' })
        const token = mailbox.find((m) => m.subject === 'Reset your password')!.body.match(/#token=([\w-]+)/)![1]!
        // B11: the "this wasn't me" links of the after-reset notices (manual and generated resets).
        const wasntMeTokens = mailbox.flatMap((m) => [...m.body.matchAll(/\/wasnt-me#token=([\w-]+)/g)].map((x) => x[1]!))
        expect(new Set(wasntMeTokens).size).toBe(2)
        const linkPassword = 'quartz-meadow-violin-12'
        await h.backend.completeResetLink(token, linkPassword)
        await h.call(desk, 'flow:close', { flowId: f.id, passwordShared: true })
        secrets.push(emailCode, smsCode, manual, generated, token, linkPassword, ...wasntMeTokens)

        // G4: the enrolment tables too (answers under scrypt, TOTP secrets sealed, codes and tokens keyed).
        const tables = [
          'agents',
          'directory_users',
          'security_questions',
          'enrolled_answers',
          'personal_contacts',
          'totp_enrolments',
          'enrolment_challenges',
          'enrolment_sessions',
          'throttle_attempts',
          'processes',
          'records',
          'record_activity',
          'flows',
          'codes',
          'attempts',
          'resets',
          'reset_tokens',
          'reset_reports',
          'audit',
          'outbox',
          'meta',
        ]
        let dump = ''
        for (const t of tables) {
          const rows = await sql`select * from ${sql.table(t)}`.execute(h.backend.store.db)
          dump += JSON.stringify(rows.rows)
        }
        expect(dump.length).toBeGreaterThan(10_000)
        for (const secret of secrets) {
          expect(dump, `a stored row holds "${secret}"`).not.toContain(secret)
          for (const line of h.logLines) expect(line).not.toContain(secret)
        }
        // The simulator can still read the sealed messages back (they are sealed, not lost).
        expect((await h.call(desk, 'demo:mailbox', { userId: 'user-alex' })).some((m) => m.body.includes(emailCode))).toBe(true)
      } finally {
        await h.dispose()
      }
    })
  })
}
