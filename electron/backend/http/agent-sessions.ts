// Agent sessions of the standalone server: an access token (10 minutes) for every call and a
// refresh token that rotates on each use. F6: a session ends — 12 hours after sign-in whatever
// happens (absolute), or 30 minutes after its last refresh (idle: a client that calls at all
// refreshes at least every 10 minutes, when its access token lapses). No token outlives its
// session. Tokens are 256 random bits, stored only as
// SHA-256 hashes. Presenting a refresh token that was already spent means it was copied: the
// whole session is revoked (RFC 6819 §5.2.2.3 / OAuth 2.0 Security BCP refresh rotation).
import { createHash, randomUUID } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '../../../shared/errors'
import type { Agent } from '../../../shared/domain/types'
import { randomToken } from '../crypto/secrets'
import { addMs, hours, minutes, type RuleContext } from '../rules/context'
import { auditedTransaction } from '../audit/audit-chain'
import { signIn } from '../rules/sessions'

export const ACCESS_TTL_MS = minutes(10)
/** F6: the absolute lifetime of a session, counted from sign-in and never extended. */
export const SESSION_ABSOLUTE_MS = hours(12)
/** F6: a refresh token lapses this long after it was issued, so an unused session dies. */
export const SESSION_IDLE_MS = minutes(30)

/** The refresh route's body, here so the server and its OpenAPI document share it (F7). */
export const refreshInputSchema = z
  .object({
    refreshToken: z
      .string()
      .min(20)
      .max(200)
      .regex(/^[A-Za-z0-9_-]+$/),
  })
  .strict()
export const tokenPairSchema = z.object({ accessToken: z.string(), refreshToken: z.string(), accessExpiresAt: z.string() })

export interface TokenPair {
  accessToken: string
  refreshToken: string
  accessExpiresAt: string
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('base64')

const earlier = (a: string, b: string) => (a < b ? a : b)

async function issuePair(ctx: RuleContext, sessionId: string, sessionExpiresAt: string): Promise<TokenPair> {
  const now = ctx.now()
  const accessToken = randomToken()
  const refreshToken = randomToken()
  const accessExpiresAt = earlier(addMs(now, ACCESS_TTL_MS).toISOString(), sessionExpiresAt)
  const refreshExpiresAt = earlier(addMs(now, SESSION_IDLE_MS).toISOString(), sessionExpiresAt)
  await ctx.store.db
    .insertInto('session_tokens')
    .values([
      { token_hash: hashToken(accessToken), session_id: sessionId, kind: 'access', expires_at: accessExpiresAt, used_at: null },
      { token_hash: hashToken(refreshToken), session_id: sessionId, kind: 'refresh', expires_at: refreshExpiresAt, used_at: null },
    ])
    .execute()
  return { accessToken, refreshToken, accessExpiresAt }
}

export async function openAgentSession(
  ctx: RuleContext,
  username: string,
  password: string,
  clientAddress: string,
): Promise<{ agent: Agent } & TokenPair> {
  const agent = await signIn(ctx, username, password, clientAddress)
  const now = ctx.now()
  const id = randomUUID()
  const expiresAt = addMs(now, SESSION_ABSOLUTE_MS).toISOString()
  await ctx.store.db
    .insertInto('agent_sessions')
    .values({ id, agent_id: agent.id, created_at: now.toISOString(), expires_at: expiresAt, revoked_at: null, revoke_reason: null })
    .execute()
  return { agent, ...(await issuePair(ctx, id, expiresAt)) }
}

/** The agent behind an access token, or NOT_SIGNED_IN for a missing, forged, expired or revoked one. */
export async function agentForAccessToken(
  ctx: RuleContext,
  accessToken: string | undefined,
): Promise<{ agentId: string; sessionId: string }> {
  if (!accessToken) throw new AppError('NOT_SIGNED_IN')
  const row = await ctx.store.db
    .selectFrom('session_tokens')
    .innerJoin('agent_sessions', 'agent_sessions.id', 'session_tokens.session_id')
    .select([
      'agent_sessions.id as sessionId',
      'agent_sessions.agent_id as agentId',
      'agent_sessions.revoked_at',
      'agent_sessions.expires_at as sessionExpiresAt',
      'session_tokens.expires_at',
    ])
    .where('session_tokens.token_hash', '=', hashToken(accessToken))
    .where('session_tokens.kind', '=', 'access')
    .executeTakeFirst()
  const now = ctx.now().toISOString()
  if (!row || row.revoked_at || row.expires_at <= now || row.sessionExpiresAt <= now) throw new AppError('NOT_SIGNED_IN')
  return { agentId: row.agentId, sessionId: row.sessionId }
}

/** Rotates the refresh token; a spent one revokes the session it belongs to. */
export async function refreshAgentSession(ctx: RuleContext, refreshToken: string): Promise<TokenPair> {
  const now = ctx.now().toISOString()
  const row = await ctx.store.db
    .selectFrom('session_tokens')
    .innerJoin('agent_sessions', 'agent_sessions.id', 'session_tokens.session_id')
    .select([
      'session_tokens.session_id as sessionId',
      'session_tokens.used_at',
      'session_tokens.expires_at',
      'agent_sessions.revoked_at',
      'agent_sessions.agent_id as agentId',
      'agent_sessions.expires_at as sessionExpiresAt',
    ])
    .where('session_tokens.token_hash', '=', hashToken(refreshToken))
    .where('session_tokens.kind', '=', 'refresh')
    .executeTakeFirst()
  // F6: past the idle limit (the token lapsed) or the absolute one (the session did): sign in again.
  if (!row || row.revoked_at || row.expires_at <= now || row.sessionExpiresAt <= now)
    throw new AppError('NOT_SIGNED_IN', { reason: 'session ended' })
  // Claim the token atomically: of two concurrent uses only one updates the row.
  const claimed = await ctx.store.db
    .updateTable('session_tokens')
    .set({ used_at: now })
    .where('token_hash', '=', hashToken(refreshToken))
    .where('used_at', 'is', null)
    .executeTakeFirst()
  if (row.used_at || Number(claimed.numUpdatedRows) !== 1) {
    await revokeAgentSession(ctx, row.sessionId, row.agentId, 'refresh_token_reuse')
    throw new AppError('NOT_SIGNED_IN', { reason: 'session revoked' })
  }
  return issuePair(ctx, row.sessionId, row.sessionExpiresAt)
}

export async function revokeAgentSession(ctx: RuleContext, sessionId: string, agentId: string, reason: string): Promise<void> {
  await auditedTransaction(ctx, { agentId, action: 'session.revoke', outcome: reason }, (trx) =>
    trx
      .updateTable('agent_sessions')
      .set({ revoked_at: ctx.now().toISOString(), revoke_reason: reason })
      .where('id', '=', sessionId)
      .where('revoked_at', 'is', null)
      .execute(),
  )
}
