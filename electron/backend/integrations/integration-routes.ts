// G5 over HTTP: the integration API of the standalone server, for the desk's ITSM. Its own
// encapsulated scope: API-key authentication (agent tokens are refused here, as API keys are on
// the agent routes), a rate limit per key (@fastify/rate-limit over counts in the store, so it
// holds across replicas), and catalogue errors for every failure. Bodies are parsed with the shared zod schema
// before anything is written.
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, toErrorData } from '../../../shared/errors'
import { integrationRecordInputSchema, recordNumberSchema } from '../../../shared/domain/integrations'
import type { RecordKind } from '../../../shared/domain/types'
import type { RuleContext } from '../rules/context'
import { httpStatus } from '../http/status'
import { authenticateApiKey, touchApiKey } from './api-keys'
import { storeBackedRateLimit } from './rate-limit-store'
import { getIntegrationRecord, upsertIntegrationRecord, type ApiKeyRef } from './integration-records'

export const INTEGRATION_PREFIX = '/api/integration/v1'
export const integrationCollections = { incidents: 'incident', interactions: 'interaction' } as const satisfies Record<string, RecordKind>

export interface IntegrationRateLimit {
  /** Requests per key per window. */
  max: number
  timeWindowMs: number
}
export const defaultIntegrationRateLimit: IntegrationRateLimit = { max: 600, timeWindowMs: 60_000 }

const apiKeys = new WeakMap<FastifyRequest, ApiKeyRef>()

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined
}

const issuesOf = (error: { issues: { path: PropertyKey[]; message: string }[] }) => ({
  // Paths and reasons only: the rejected values are the ITSM's data.
  issues: error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
})

export function registerIntegrationRoutes(
  app: FastifyInstance,
  ctx: RuleContext,
  limit: IntegrationRateLimit = defaultIntegrationRateLimit,
): void {
  app.register(
    async (scope) => {
      const send = (reply: FastifyReply, e: unknown, correlationId: string) => {
        const error = toErrorData(e, correlationId)
        if (error.code === 'TECHNICAL') ctx.log.error('integration_technical_error', { correlationId, error: (e as Error)?.name })
        return reply.status(httpStatus(error.code)).send({ ok: false, error })
      }
      scope.setErrorHandler((error: { statusCode?: number; code?: string; retryAfterMs?: number }, request, reply) => {
        if (error.statusCode === 429) {
          void reply.header('retry-after', Math.ceil((error.retryAfterMs ?? limit.timeWindowMs) / 1000))
          return send(reply, new AppError('TOO_MANY_REQUESTS', { retryAfterMs: error.retryAfterMs ?? null }), String(request.id))
        }
        // Malformed JSON, wrong content type, an oversized body: the client's fault, a catalogue error.
        if ((error.statusCode ?? 500) < 500)
          return send(reply, new AppError('INVALID_INPUT', { reason: error.code ?? 'bad request' }), String(request.id))
        return send(reply, error, String(request.id))
      })

      // Authenticate first, so the limit below counts per key, not per address.
      scope.addHook('onRequest', async (request, reply) => {
        try {
          const key = await authenticateApiKey(ctx, bearer(request))
          apiKeys.set(request, key)
        } catch (e) {
          return send(reply, e, String(request.id))
        }
      })
      await scope.register(rateLimit, {
        hook: 'preHandler',
        max: limit.max,
        timeWindow: limit.timeWindowMs,
        keyGenerator: (request) => apiKeys.get(request)?.id ?? 'unauthenticated',
        store: storeBackedRateLimit(ctx.store.db, ctx.now),
        // A store that cannot count must not lock the ITSM out; the request itself will fail anyway.
        skipOnError: true,
        errorResponseBuilder: (_request, context) => ({ statusCode: 429, retryAfterMs: context.ttl }),
      })

      for (const [collection, kind] of Object.entries(integrationCollections)) {
        scope.put<{ Params: { number: string } }>(`/${collection}/:number`, async (request, reply) => {
          try {
            const number = recordNumberSchema.safeParse(request.params.number)
            if (!number.success) throw new AppError('INVALID_INPUT', issuesOf(number.error))
            const body = integrationRecordInputSchema.safeParse(request.body)
            if (!body.success) throw new AppError('INVALID_INPUT', issuesOf(body.error))
            const key = apiKeys.get(request)!
            const result = await upsertIntegrationRecord(ctx, key, kind, number.data, body.data)
            await touchApiKey(ctx, key.id).catch(() => {})
            return reply.status(result.created ? 201 : 200).send({ ok: true, data: result })
          } catch (e) {
            return send(reply, e, String(request.id))
          }
        })
        scope.get<{ Params: { number: string } }>(`/${collection}/:number`, async (request, reply) => {
          try {
            const number = recordNumberSchema.safeParse(request.params.number)
            if (!number.success) throw new AppError('INVALID_INPUT', issuesOf(number.error))
            const key = apiKeys.get(request)!
            const data = await getIntegrationRecord(ctx, key, kind, number.data)
            await touchApiKey(ctx, key.id).catch(() => {})
            return { ok: true, data }
          } catch (e) {
            return send(reply, e, String(request.id))
          }
        })
      }
    },
    { prefix: INTEGRATION_PREFIX },
  )
}
