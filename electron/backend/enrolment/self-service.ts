// G4: what the enrolment page lets a user do for themself, signed in with their directory
// password: answer questions from the desk's catalogue, confirm a personal email and mobile by
// code, and enrol an authenticator app. Every input is parsed by the schemas below; every refusal
// is a catalogue error. Sign-in is throttled per user name and per address, and code sends per
// user, on the store-backed attempt throttle (so it holds across replicas); a wrong password, an
// unknown user and a throttled try are one and the same refusal (S5).
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import { foldAnswer } from '../../../shared/domain/enrolment'
import type { DirectoryUser } from '../credentials/credential-store'
import { keyedEqual, keyedHash, randomCode, randomToken, seal, slowHash, unseal } from '../crypto/secrets'
import { loadDeskSettings } from '../admin/desk-settings'
import { addMs, minutes, type RuleContext } from '../rules/context'
import { auditedTransaction, recordAudit } from '../audit/audit-chain'
import { maskEmail, maskPhone } from '../rules/masking'
import { reserveAttempt, throttleKey } from '../throttle/attempt-throttle'
import { activeQuestions } from './question-catalog'
import { checkTotpCode, newTotpSecret, saveTotpEnrolment, totpLockKey, totpProvisioning } from './totp'

export const enrolmentLimits = {
  sessionMinutes: 15,
  /** Failed sign-ins counted in this window, per user name and per address. */
  throttleWindowMinutes: 15,
  failuresPerLogin: 5,
  failuresPerAddress: 20,
  /** Codes a signed-in user may have sent per hour (no mail bombing through the page). */
  sendsPerHour: 6,
  codeAttempts: 3,
  totpSetupMinutes: 10,
}

const code6 = z
  .string()
  .trim()
  .regex(/^\d{6}$/)
export const enrolmentInputs = {
  signIn: z.object({ login: z.string().trim().min(1).max(128), password: z.string().min(1).max(256) }).strict(),
  answers: z
    .object({
      answers: z
        .array(z.object({ questionId: z.string().min(1).max(64), answer: z.string().max(200) }).strict())
        .min(1)
        .max(10),
    })
    .strict(),
  startContact: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('email'), value: z.email().max(254) }).strict(),
    z
      .object({
        kind: z.literal('mobile'),
        value: z
          .string()
          .trim()
          .regex(/^\+?[0-9][0-9 ().-]{5,22}$/),
        carrier: z.string().min(1).max(64).optional(),
      })
      .strict(),
  ]),
  confirmContact: z.object({ kind: z.enum(['email', 'mobile']), code: code6 }).strict(),
  confirmTotp: z.object({ code: code6 }).strict(),
}

function parse<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const parsed = schema.safeParse(input ?? {})
  // Paths and reasons only: the rejected values may be answers or codes.
  if (!parsed.success)
    throw new AppError('INVALID_INPUT', { issues: parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) })
  return parsed.data
}

export interface EnrolmentState {
  displayName: string
  questions: { id: string; text: string }[]
  questionsRequired: number
  enrolledQuestionIds: string[]
  email: string | null
  mobile: string | null
  authenticator: boolean
  /** Without an SMS provider, a mobile's carrier picks the email-to-SMS gateway (R5.2). */
  carriers: { id: string; name: string; country: string }[] | null
}

export function createSelfService(ctx: RuleContext) {
  const refused = () => new AppError('INVALID_CREDENTIALS')

  async function sessionUser(token: string | undefined): Promise<DirectoryUser> {
    if (!token || token.length > 100) throw new AppError('SESSION_EXPIRED')
    const row = await ctx.store.db
      .selectFrom('enrolment_sessions')
      .selectAll()
      .where('token_hash', '=', keyedHash(ctx.keys.codes, token))
      .executeTakeFirst()
    if (!row || row.expires_at <= ctx.now().toISOString()) throw new AppError('SESSION_EXPIRED')
    const user = await ctx.directory.get(row.user_id)
    if (!user) throw new AppError('SESSION_EXPIRED')
    return user
  }

  async function state(user: DirectoryUser): Promise<EnrolmentState> {
    const db = ctx.store.db
    const [questions, settings, answers, contacts, totp] = await Promise.all([
      activeQuestions(db),
      loadDeskSettings(db),
      db.selectFrom('enrolled_answers').select('question_id').where('user_id', '=', user.id).orderBy('position').execute(),
      db.selectFrom('personal_contacts').select(['kind', 'value']).where('user_id', '=', user.id).execute(),
      db.selectFrom('totp_enrolments').select('user_id').where('user_id', '=', user.id).executeTakeFirst(),
    ])
    const contact = (kind: string) => contacts.find((c) => c.kind === kind)?.value ?? null
    return {
      displayName: user.displayName,
      questions,
      questionsRequired: settings.questionsRequired,
      enrolledQuestionIds: answers.map((a) => a.question_id),
      email: maskEmail(contact('email')),
      mobile: contact('mobile') ? maskPhone(contact('mobile')!) : null,
      authenticator: totp !== undefined,
      carriers: ctx.notifier.smsProviderConfigured ? null : ctx.carriers.map(({ id, name, country }) => ({ id, name, country })),
    }
  }

  const audit = (user: DirectoryUser, action: string, outcome: string, detail: Record<string, unknown> = {}) =>
    recordAudit(ctx, { userId: user.id, action, outcome, detail })

  return {
    /** One answer for a wrong password, an unknown user and a throttled try. */
    async signIn(input: unknown, address: string): Promise<{ token: string; state: EnrolmentState }> {
      const { login, password } = parse(enrolmentInputs.signIn, input)
      const windowMs = minutes(enrolmentLimits.throttleWindowMinutes)
      const byLogin = throttleKey(ctx, 'enrolment login', login.toLowerCase())
      const tries = await reserveAttempt(ctx, [
        { key: byLogin, limit: enrolmentLimits.failuresPerLogin, windowMs },
        { key: throttleKey(ctx, 'enrolment address', address), limit: enrolmentLimits.failuresPerAddress, windowMs },
      ])
      if (!tries.ok) {
        ctx.log.info('enrolment_signin_throttled', { by: tries.full.includes(byLogin) ? 'login' : 'address' })
        throw refused()
      }
      const user = await ctx.directory.authenticate(login, password)
      if (!user) throw refused()
      // A success gives back the tries it reserved: only failures count.
      await tries.release()
      const token = randomToken()
      await ctx.store.db.deleteFrom('enrolment_sessions').where('expires_at', '<=', ctx.now().toISOString()).execute()
      await ctx.store.db
        .insertInto('enrolment_sessions')
        .values({
          token_hash: keyedHash(ctx.keys.codes, token),
          user_id: user.id,
          expires_at: addMs(ctx.now(), minutes(enrolmentLimits.sessionMinutes)).toISOString(),
        })
        .execute()
      await audit(user, 'enrolment.signin', 'signed_in')
      return { token, state: await state(user) }
    },

    async state(token: string | undefined): Promise<EnrolmentState> {
      return state(await sessionUser(token))
    },

    async signOut(token: string | undefined): Promise<void> {
      if (token) await ctx.store.db.deleteFrom('enrolment_sessions').where('token_hash', '=', keyedHash(ctx.keys.codes, token)).execute()
    },

    /** Replaces the user's answers: at least the desk's number, distinct, from the active catalogue. */
    async saveAnswers(token: string | undefined, input: unknown): Promise<EnrolmentState> {
      const user = await sessionUser(token)
      const { answers } = parse(enrolmentInputs.answers, input)
      const [catalog, settings] = await Promise.all([activeQuestions(ctx.store.db), loadDeskSettings(ctx.store.db)])
      const issues: { path: string; message: string }[] = []
      const ids = new Set<string>()
      answers.forEach((a, i) => {
        if (!catalog.some((q) => q.id === a.questionId))
          issues.push({ path: `answers.${i}.questionId`, message: 'Choose a question from the list.' })
        if (ids.has(a.questionId)) issues.push({ path: `answers.${i}.questionId`, message: 'Choose a different question for each answer.' })
        ids.add(a.questionId)
        if (foldAnswer(a.answer).length < 2) issues.push({ path: `answers.${i}.answer`, message: 'Answer with at least 2 characters.' })
      })
      if (answers.length < settings.questionsRequired)
        issues.push({ path: 'answers', message: `Answer at least ${settings.questionsRequired} questions.` })
      if (issues.length > 0) throw new AppError('INVALID_INPUT', { issues })
      // Hash outside the transaction: scrypt is slow by design. Each answer gets its own salt.
      const at = ctx.now().toISOString()
      const rows = await Promise.all(
        answers.map(async (a, position) => ({
          id: randomUUID(),
          user_id: user.id,
          question_id: a.questionId,
          position,
          answer_hash: await slowHash(foldAnswer(a.answer), ctx.hashCost),
          enrolled_at: at,
        })),
      )
      await auditedTransaction(
        ctx,
        { userId: user.id, action: 'enrolment.questions', outcome: 'enrolled', detail: { questions: rows.length } },
        async (trx) => {
          await trx.deleteFrom('enrolled_answers').where('user_id', '=', user.id).execute()
          await trx.insertInto('enrolled_answers').values(rows).execute()
        },
      )
      return state(user)
    },

    /** Sends a code to a personal email or mobile; the contact counts once the code comes back. */
    async startContact(token: string | undefined, input: unknown): Promise<{ sentTo: string }> {
      const user = await sessionUser(token)
      const contact = parse(enrolmentInputs.startContact, input)
      let to: string = contact.value
      if (contact.kind === 'mobile' && !ctx.notifier.smsProviderConfigured) {
        const carrier = ctx.carriers.find((c) => c.id === contact.carrier)
        if (!carrier) throw new AppError('SMS_CARRIER_NEEDED')
        to = `${contact.value.replace(/\D/g, '')}@${carrier.gateway}`
      }
      const send = await reserveAttempt(ctx, [
        { key: throttleKey(ctx, 'enrolment send', user.id), limit: enrolmentLimits.sendsPerHour, windowMs: minutes(60) },
      ])
      if (!send.ok) throw new AppError('MAX_RESENDS')
      const settings = await loadDeskSettings(ctx.store.db)
      const code = randomCode(6)
      try {
        await ctx.notifier.deliver({
          channel: contact.kind === 'email' ? 'email' : 'sms',
          userId: user.id,
          to,
          subject: contact.kind === 'email' ? 'Confirm your email for the service desk' : null,
          text: `Your ResetDesk enrolment verification code is ${code}. It is valid for ${settings.codeTtlMinutes} minutes. Type it on the enrolment page; never tell it to anyone.`,
        })
      } catch {
        await audit(user, 'enrolment.contact_send', 'delivery_failed', { kind: contact.kind })
        throw new AppError('DELIVERY_FAILED')
      }
      const values = {
        target: contact.value,
        secret: keyedHash(ctx.keys.codes, code),
        attempts_left: enrolmentLimits.codeAttempts,
        expires_at: addMs(ctx.now(), minutes(settings.codeTtlMinutes)).toISOString(),
      }
      await ctx.store.db
        .insertInto('enrolment_challenges')
        .values({ id: randomUUID(), user_id: user.id, kind: contact.kind, ...values })
        .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet(values))
        .execute()
      await audit(user, 'enrolment.contact_send', 'sent', { kind: contact.kind })
      return { sentTo: contact.kind === 'email' ? maskEmail(contact.value)! : maskPhone(contact.value) }
    },

    async confirmContact(token: string | undefined, input: unknown): Promise<EnrolmentState> {
      const user = await sessionUser(token)
      const { kind, code } = parse(enrolmentInputs.confirmContact, input)
      const now = ctx.now().toISOString()
      const outcome = await ctx.store.db.transaction().execute(async (trx) => {
        await ctx.store.lock(trx, `enrolment:${user.id}:${kind}`)
        const challenge = await trx
          .selectFrom('enrolment_challenges')
          .selectAll()
          .where('user_id', '=', user.id)
          .where('kind', '=', kind)
          .executeTakeFirst()
        if (!challenge || challenge.expires_at <= now) return { error: new AppError('CODE_EXPIRED') }
        if (!keyedEqual(ctx.keys.codes, code, challenge.secret)) {
          const left = challenge.attempts_left - 1
          if (left <= 0) await trx.deleteFrom('enrolment_challenges').where('id', '=', challenge.id).execute()
          else await trx.updateTable('enrolment_challenges').set({ attempts_left: left }).where('id', '=', challenge.id).execute()
          return { error: left <= 0 ? new AppError('CODE_EXPIRED') : new AppError('CODE_INCORRECT', { attemptsLeft: left }) }
        }
        await trx.deleteFrom('enrolment_challenges').where('id', '=', challenge.id).execute()
        const values = { value: challenge.target!, confirmed_at: now }
        await trx
          .insertInto('personal_contacts')
          .values({ id: randomUUID(), user_id: user.id, kind, ...values })
          .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet(values))
          .execute()
        return { error: null }
      })
      await audit(user, 'enrolment.contact_confirm', outcome.error ? 'failed' : 'confirmed', { kind })
      if (outcome.error) throw outcome.error
      return state(user)
    },

    /** A new authenticator secret, held sealed until the user proves it with a first code. */
    async startTotp(token: string | undefined): Promise<{ secret: string; uri: string; qr: string }> {
      const user = await sessionUser(token)
      const secret = newTotpSecret()
      const values = {
        target: null,
        secret: seal(ctx.keys.seal, secret),
        attempts_left: 5,
        expires_at: addMs(ctx.now(), minutes(enrolmentLimits.totpSetupMinutes)).toISOString(),
      }
      await ctx.store.db
        .insertInto('enrolment_challenges')
        .values({ id: randomUUID(), user_id: user.id, kind: 'totp', ...values })
        .onConflict((oc) => oc.columns(['user_id', 'kind']).doUpdateSet(values))
        .execute()
      // The user's own page shows their new secret once, to scan or type into their app.
      return { secret, ...(await totpProvisioning(secret, user.username)) }
    },

    async confirmTotp(token: string | undefined, input: unknown): Promise<EnrolmentState> {
      const user = await sessionUser(token)
      const { code } = parse(enrolmentInputs.confirmTotp, input)
      const now = ctx.now()
      const error = await ctx.store.db.transaction().execute(async (trx) => {
        await ctx.store.lock(trx, totpLockKey(user.id))
        const challenge = await trx
          .selectFrom('enrolment_challenges')
          .selectAll()
          .where('user_id', '=', user.id)
          .where('kind', '=', 'totp')
          .executeTakeFirst()
        const secret = challenge && challenge.expires_at > now.toISOString() ? unseal(ctx.keys.seal, challenge.secret) : null
        if (!challenge || secret === null) return new AppError('CODE_EXPIRED')
        const outcome = await checkTotpCode(secret, code, now, -1)
        if (!outcome.ok) {
          const left = challenge.attempts_left - 1
          if (left <= 0) await trx.deleteFrom('enrolment_challenges').where('id', '=', challenge.id).execute()
          else await trx.updateTable('enrolment_challenges').set({ attempts_left: left }).where('id', '=', challenge.id).execute()
          return left <= 0 ? new AppError('CODE_EXPIRED') : new AppError('CODE_INCORRECT', { attemptsLeft: left })
        }
        await trx.deleteFrom('enrolment_challenges').where('id', '=', challenge.id).execute()
        // The step that proved the app is spent: that same code cannot then pass at the desk.
        await saveTotpEnrolment(ctx, trx, user.id, secret, outcome.step)
        return null
      })
      await audit(user, 'enrolment.authenticator', error ? 'failed' : 'enrolled')
      if (error) throw error
      return state(user)
    },
  }
}
export type SelfService = ReturnType<typeof createSelfService>
