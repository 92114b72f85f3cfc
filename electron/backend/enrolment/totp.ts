// G4 authenticator app (RFC 6238) through otplib: 30-second steps, 6 digits, SHA-1 (what every
// authenticator app speaks). The secret is sealed with the backend's key in the store; the last
// accepted time step is kept per user, and every check runs under the user's totp lock, so a
// step is never accepted twice — not at the desk, and not the code that finished enrolment.
import { generateSecret, generateURI, verify } from 'otplib'
import QRCode from 'qrcode'
import type { Transaction } from 'kysely'
import type { DB } from '../store/schema'
import { AppError } from '../../../shared/errors'
import type { FlowView } from '../../../shared/domain/types'
import { seal, unseal } from '../crypto/secrets'
import type { RuleContext } from '../rules/context'
import { enterFlow } from '../rules/flows'
import { attemptLockKey } from '../rules/limits'
import { attempt, requireMethodOpen } from '../rules/verification'

export const totpPeriodSeconds = 30
/** One step either side for clock drift between the phone and the server; two steps old is refused. */
const toleranceSeconds = totpPeriodSeconds

export const totpLockKey = (userId: string) => attemptLockKey(userId, 'totp_code')

export function newTotpSecret(): string {
  return generateSecret()
}

/** The otpauth:// URI and its QR code (a PNG data URL) for the user's app. */
export async function totpProvisioning(secret: string, label: string): Promise<{ uri: string; qr: string }> {
  const uri = generateURI({ issuer: 'ResetDesk', label, secret })
  return { uri, qr: await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 2, width: 220 }) }
}

export type TotpOutcome = { ok: true; step: number } | { ok: false; reason: 'incorrect' | 'used' }

/** Checks a code at `now` against a secret; `lastStep` is the last step accepted for this user. */
export async function checkTotpCode(secret: string, code: string, now: Date, lastStep: number): Promise<TotpOutcome> {
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(now.getTime() / 1000),
    period: totpPeriodSeconds,
    epochTolerance: toleranceSeconds,
  })
  if (!result.valid || !('timeStep' in result)) return { ok: false, reason: 'incorrect' }
  if (result.timeStep <= lastStep) return { ok: false, reason: 'used' }
  return { ok: true, step: result.timeStep }
}

/** The user's enrolled secret and last step, read inside the caller's lock. */
async function enrolledSecret(
  ctx: RuleContext,
  trx: Transaction<DB>,
  userId: string,
): Promise<{ secret: string; lastStep: number } | null> {
  const row = await trx
    .selectFrom('totp_enrolments')
    .select(['secret_sealed', 'last_step'])
    .where('user_id', '=', userId)
    .executeTakeFirst()
  if (!row) return null
  const secret = unseal(ctx.keys.seal, row.secret_sealed)
  // Sealed under another backend secret (G1 keeps it in the keychain): the user must enrol again.
  if (secret === null) return null
  return { secret, lastStep: Number(row.last_step) }
}

/** G4 / R5: the caller reads the current code of their authenticator app; three attempts as for the other codes. */
export async function checkAuthenticatorCode(
  ctx: RuleContext,
  agentId: string,
  input: { flowId: string; code: string },
): Promise<FlowView> {
  const scope = await enterFlow(ctx, agentId, input.flowId, { enrolment: true })
  await requireMethodOpen(ctx, scope, 'totp_code')
  const now = ctx.now()
  // attempt() holds attemptLockKey(user, 'totp_code') = totpLockKey(user) around the judgement.
  return attempt(ctx, scope, 'totp_code', async (trx) => {
    const enrolled = await enrolledSecret(ctx, trx, scope.user.id)
    if (!enrolled) return { refuse: new AppError('NOT_ENROLLED', { method: 'totp_code' }) }
    const outcome = await checkTotpCode(enrolled.secret, input.code, now, enrolled.lastStep)
    if (!outcome.ok) return { pass: false, error: outcome.reason === 'used' ? 'CODE_ALREADY_USED' : 'CODE_INCORRECT' }
    await trx.updateTable('totp_enrolments').set({ last_step: outcome.step }).where('user_id', '=', scope.user.id).execute()
    return { pass: true }
  })
}

/** Stores (or replaces) a user's authenticator once they proved it with a first code at `step`. */
export async function saveTotpEnrolment(
  ctx: RuleContext,
  trx: Transaction<DB>,
  userId: string,
  secret: string,
  step: number,
): Promise<void> {
  const values = { secret_sealed: seal(ctx.keys.seal, secret), enrolled_at: ctx.now().toISOString(), last_step: step }
  await trx
    .insertInto('totp_enrolments')
    .values({ user_id: userId, ...values })
    .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
    .execute()
}
