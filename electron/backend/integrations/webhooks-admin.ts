// G6/G7: the admin's side of webhooks — endpoints (URL, events, a signing secret generated and
// shown once, kept sealed because signing needs it) and the delivery log with a retry.
import { randomBytes, randomUUID } from 'node:crypto'
import type { Selectable } from 'kysely'
import { AppError } from '../../../shared/errors'
import type { WebhookDelivery, WebhookEventType, WebhookView } from '../../../shared/domain/integrations'
import type { Agent } from '../../../shared/domain/types'
import type { OutputOf, ParsedInputOf } from '../../../shared/ipc/contract'
import { seal } from '../crypto/secrets'
import type { RuleContext } from '../rules/context'
import type { WebhookDeliveriesTable, WebhookEndpointsTable } from '../store/schema'
import { adminChange } from '../admin/audited-change'
import { wakeWebhookWorkers } from './webhook-outbox'

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`

/** What the admin log shows of an endpoint: no secret, sealed or not. */
function auditView(row: Pick<Selectable<WebhookEndpointsTable>, 'id' | 'name' | 'url' | 'events' | 'active'>) {
  return { id: row.id, name: row.name, url: row.url, events: JSON.parse(row.events) as WebhookEventType[], active: row.active === 1 }
}

export async function listWebhooks(ctx: RuleContext): Promise<WebhookView[]> {
  const db = ctx.store.db
  const [rows, counts] = await Promise.all([
    db.selectFrom('webhook_endpoints').selectAll().orderBy('created_at').execute(),
    db
      .selectFrom('webhook_deliveries')
      .select(['endpoint_id', 'state', (eb) => eb.fn.countAll().as('n')])
      .where('state', 'in', ['pending', 'failed'])
      .groupBy(['endpoint_id', 'state'])
      .execute(),
  ])
  const count = (id: string, state: string) => Number(counts.find((c) => c.endpoint_id === id && c.state === state)?.n ?? 0)
  return rows.map((r) => ({
    ...auditView(r),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    pending: count(r.id, 'pending'),
    failed: count(r.id, 'failed'),
  }))
}

export async function saveWebhook(
  ctx: RuleContext,
  admin: Agent,
  input: ParsedInputOf<'admin:webhooks:save'>,
): Promise<OutputOf<'admin:webhooks:save'>> {
  const now = ctx.now().toISOString()
  const events = JSON.stringify([...new Set(input.events)])
  const fields = { name: input.name, url: input.url, events, active: input.active ? 1 : 0, updated_at: now }
  let secret: string | null = null
  let id = input.id
  if (!id) {
    id = randomUUID()
    secret = newSecret()
    const row = { id, ...fields, secret_sealed: seal(ctx.keys.seal, secret), created_at: now }
    await adminChange(ctx, admin.id, 'admin.webhooks.create', null, auditView(row), (trx) =>
      trx.insertInto('webhook_endpoints').values(row).execute(),
    )
  } else {
    const before = await ctx.store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst()
    if (!before) throw new AppError('INVALID_INPUT', { field: 'id', reason: 'no such webhook' })
    if (input.rotateSecret) secret = newSecret()
    const after = { ...before, ...fields }
    await adminChange(
      ctx,
      admin.id,
      'admin.webhooks.update',
      auditView(before),
      { ...auditView(after), signingKeyRotated: secret !== null },
      (trx) =>
        trx
          .updateTable('webhook_endpoints')
          .set({ ...fields, ...(secret ? { secret_sealed: seal(ctx.keys.seal, secret) } : {}) })
          .where('id', '=', id!)
          .execute(),
    )
  }
  const webhook = (await listWebhooks(ctx)).find((w) => w.id === id)!
  return { webhook, secret }
}

export async function deleteWebhook(ctx: RuleContext, admin: Agent, id: string): Promise<{ deleted: true }> {
  const before = await ctx.store.db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst()
  if (!before) throw new AppError('INVALID_INPUT', { field: 'id', reason: 'no such webhook' })
  // Its delivery log goes with it (the audit keeps the record of the change).
  await adminChange(ctx, admin.id, 'admin.webhooks.delete', auditView(before), null, async (trx) => {
    await trx.deleteFrom('webhook_deliveries').where('endpoint_id', '=', id).execute()
    await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute()
  })
  return { deleted: true }
}

function toDelivery(r: Selectable<WebhookDeliveriesTable>): WebhookDelivery {
  return {
    id: r.id,
    webhookId: r.endpoint_id,
    eventId: r.event_id,
    eventType: r.event_type as WebhookDelivery['eventType'],
    recordNumber: r.record_number,
    state: r.state as WebhookDelivery['state'],
    attempts: r.attempts,
    lastStatus: r.last_status,
    lastError: r.last_error,
    createdAt: r.created_at,
    nextAttemptAt: r.state === 'pending' ? r.next_attempt_at : null,
    deliveredAt: r.delivered_at,
  }
}

export async function listDeliveries(
  ctx: RuleContext,
  input: ParsedInputOf<'admin:webhooks:deliveries'>,
): Promise<OutputOf<'admin:webhooks:deliveries'>> {
  let query = ctx.store.db.selectFrom('webhook_deliveries')
  if (input.webhookId) query = query.where('endpoint_id', '=', input.webhookId)
  if (input.state) query = query.where('state', '=', input.state)
  const [rows, total] = await Promise.all([
    query.selectAll().orderBy('created_at', 'desc').orderBy('id').offset(input.offset).limit(input.limit).execute(),
    query.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow(),
  ])
  return { rows: rows.map(toDelivery), total: Number(total.n) }
}

/** A failed (or pending) delivery starts a new attempt sequence now. */
export async function retryDelivery(ctx: RuleContext, admin: Agent, deliveryId: string): Promise<WebhookDelivery> {
  const before = await ctx.store.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirst()
  if (!before) throw new AppError('INVALID_INPUT', { field: 'deliveryId', reason: 'no such delivery' })
  if (before.state === 'delivered') throw new AppError('INVALID_INPUT', { field: 'deliveryId', reason: 'already delivered' })
  const now = ctx.now().toISOString()
  const beforeView = { id: before.id, state: before.state, attempts: before.attempts, lastStatus: before.last_status }
  await adminChange(ctx, admin.id, 'admin.webhooks.retry', beforeView, { id: deliveryId, state: 'pending', attempts: 0 }, (trx) =>
    trx
      .updateTable('webhook_deliveries')
      .set({ state: 'pending', attempts: 0, next_attempt_at: now, last_error: null })
      .where('id', '=', deliveryId)
      .where('state', '!=', 'delivered')
      .execute(),
  )
  await wakeWebhookWorkers(ctx.store)
  const after = await ctx.store.db.selectFrom('webhook_deliveries').selectAll().where('id', '=', deliveryId).executeTakeFirstOrThrow()
  return toDelivery(after)
}
