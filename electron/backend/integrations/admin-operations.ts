// The integration channels of the Administration area (G7): API keys and webhooks, for
// password_reset_admin only — enforced here, whatever the console shows.
import type { RuleContext } from '../rules/context'
import { loadAgent, requireRole } from '../rules/access'
import type { Operations, Session } from '../operations'
import { AppError } from '../../../shared/errors'
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys'
import { deleteWebhook, listDeliveries, listWebhooks, retryDelivery, saveWebhook } from './webhooks-admin'

type IntegrationAdminChannel =
  | 'admin:apiKeys:list'
  | 'admin:apiKeys:create'
  | 'admin:apiKeys:revoke'
  | 'admin:webhooks:list'
  | 'admin:webhooks:save'
  | 'admin:webhooks:delete'
  | 'admin:webhooks:deliveries'
  | 'admin:webhooks:retry'

export function integrationAdminOperations(ctx: RuleContext): Pick<Operations, IntegrationAdminChannel> {
  const admin = async (session: Session) => {
    if (!session.agentId) throw new AppError('NOT_SIGNED_IN')
    const agent = await loadAgent(ctx, session.agentId)
    requireRole(agent, ['password_reset_admin'])
    return agent
  }
  return {
    'admin:apiKeys:list': async (s) => {
      await admin(s)
      return listApiKeys(ctx)
    },
    'admin:apiKeys:create': async (s, { name }) => createApiKey(ctx, await admin(s), name),
    'admin:apiKeys:revoke': async (s, { id }) => revokeApiKey(ctx, await admin(s), id),
    'admin:webhooks:list': async (s) => {
      await admin(s)
      return listWebhooks(ctx)
    },
    'admin:webhooks:save': async (s, input) => saveWebhook(ctx, await admin(s), input),
    'admin:webhooks:delete': async (s, { id }) => deleteWebhook(ctx, await admin(s), id),
    'admin:webhooks:deliveries': async (s, input) => {
      await admin(s)
      return listDeliveries(ctx, input)
    },
    'admin:webhooks:retry': async (s, { deliveryId }) => retryDelivery(ctx, await admin(s), deliveryId),
  }
}
