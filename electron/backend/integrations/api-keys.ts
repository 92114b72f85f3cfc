// G5: API keys for the desk's ITSM. A key is 256 random bits, shown once to the admin who creates
// it and stored only as its SHA-256 (a key has full entropy, so a fast hash is enough, as for the
// agents' access tokens). Keys open the integration routes only; agent routes refuse them.
import { createHash, randomUUID } from 'node:crypto'
import type { Selectable } from 'kysely'
import { AppError } from '../../../shared/errors'
import type { ApiKeyView } from '../../../shared/domain/integrations'
import type { Agent } from '../../../shared/domain/types'
import { randomToken } from '../crypto/secrets'
import type { RuleContext } from '../rules/context'
import type { ApiKeysTable } from '../store/schema'
import { adminChange } from '../admin/audited-change'

/** Every key starts so; agent routes recognise (and refuse) one without a store lookup. */
export const API_KEY_PREFIX = 'rdk_'

const hashKey = (key: string) => createHash('sha256').update(key).digest('base64')

export function isApiKeyShaped(token: string | undefined): boolean {
  return token?.startsWith(API_KEY_PREFIX) ?? false
}

function toView(row: Selectable<ApiKeysTable>): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.created_at,
    createdBy: row.created_by,
    lastUsedAt: row.last_used_at,
    revokedAt: row.revoked_at,
  }
}

export async function listApiKeys(ctx: RuleContext): Promise<ApiKeyView[]> {
  const rows = await ctx.store.db.selectFrom('api_keys').selectAll().orderBy('created_at', 'desc').execute()
  return rows.map(toView)
}

/** The key itself is in the answer once; only its hash is stored. */
export async function createApiKey(ctx: RuleContext, admin: Agent, name: string): Promise<{ apiKey: ApiKeyView; key: string }> {
  const key = `${API_KEY_PREFIX}${randomToken()}`
  const row = {
    id: randomUUID(),
    name,
    // The prefix plus 4 characters: enough to tell keys apart in a list, useless to an attacker.
    prefix: key.slice(0, API_KEY_PREFIX.length + 4),
    key_hash: hashKey(key),
    created_at: ctx.now().toISOString(),
    created_by: admin.username,
    last_used_at: null,
    revoked_at: null,
  }
  const apiKey = toView(row)
  await adminChange(ctx, admin.id, 'admin.apiKeys.create', null, apiKey, (trx) => trx.insertInto('api_keys').values(row).execute())
  return { apiKey, key }
}

export async function revokeApiKey(ctx: RuleContext, admin: Agent, id: string): Promise<ApiKeyView> {
  const before = await ctx.store.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst()
  if (!before) throw new AppError('INVALID_INPUT', { field: 'id', reason: 'no such API key' })
  if (before.revoked_at) return toView(before)
  const after = { ...before, revoked_at: ctx.now().toISOString() }
  await adminChange(ctx, admin.id, 'admin.apiKeys.revoke', toView(before), toView(after), (trx) =>
    trx.updateTable('api_keys').set({ revoked_at: after.revoked_at }).where('id', '=', id).execute(),
  )
  return toView(after)
}

/** The live key behind a bearer value, or API_KEY_INVALID (missing, unknown, revoked, an agent token). */
export async function authenticateApiKey(ctx: RuleContext, key: string | undefined): Promise<{ id: string; name: string }> {
  if (!key || !isApiKeyShaped(key) || key.length > 200) throw new AppError('API_KEY_INVALID')
  const row = await ctx.store.db
    .selectFrom('api_keys')
    .select(['id', 'name', 'revoked_at'])
    .where('key_hash', '=', hashKey(key))
    .executeTakeFirst()
  if (!row || row.revoked_at) throw new AppError('API_KEY_INVALID')
  return { id: row.id, name: row.name }
}

/** Marks the key used; best-effort and coarse (one write a minute) so busy keys do not contend. */
export async function touchApiKey(ctx: RuleContext, id: string): Promise<void> {
  const now = ctx.now()
  const stale = new Date(now.getTime() - 60_000).toISOString()
  await ctx.store.db
    .updateTable('api_keys')
    .set({ last_used_at: now.toISOString() })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', stale)]))
    .execute()
}
