// The standalone identity backend over HTTP: the same operations as the IPC contract, for a whole
// service desk. Stateless between requests — every counter, code and session lives in the store —
// so any number of replicas can serve one PostgreSQL.
import { randomUUID } from 'node:crypto'
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import { AppError, isAppError, toErrorData, type AppErrorData } from '../../../shared/errors'
import { contract } from '../../../shared/ipc/contract'
import type { Backend } from '../index'
import { asCatalogueError, dispatch, parseInput } from '../dispatch'
import { readiness } from './readiness'
import { agentForAccessToken, openAgentSession, refreshAgentSession, refreshInputSchema, revokeAgentSession } from './agent-sessions'
import { openApiDocument } from './openapi'
import { httpStatus } from './status'
import { registerResetLinkPage } from './reset-link-page'
import { registerEnrolmentPage } from '../enrolment/enrolment-page'
import { signOut } from '../rules/sessions'
import { errorFacts } from '../rules/context'
import { isApiKeyShaped } from '../integrations/api-keys'
import { registerIntegrationRoutes, type IntegrationRateLimit } from '../integrations/integration-routes'
import { registerLiveRoutes } from '../live/live-routes'
import { LiveFeed } from '../live/live-feed'

export interface HttpServerOptions {
  /** TLS certificate and key (PEM); plain HTTP without them, for a TLS-terminating proxy. */
  tls?: { cert: string | Buffer; key: string | Buffer }
  /** Largest request body accepted, in bytes. */
  bodyLimit?: number
  /** G5: requests per API key per window on the integration routes (per replica). */
  integrationRateLimit?: IntegrationRateLimit
}

function bearer(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization
  return header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined
}

/** F7: fastify's own refusals, in words for the catalogue's details (never fastify's codes). */
const frameworkReasons: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed body',
  FST_ERR_CTP_BODY_TOO_LARGE: 'body too large',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'bad content length',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported media type',
  FST_ERR_BAD_URL: 'bad URL',
}
const frameworkReason = (code: string | undefined) => (code && frameworkReasons[code]) ?? 'bad request'

export function createHttpServer(backend: Backend, options: HttpServerOptions = {}): FastifyInstance {
  const { ctx, ops } = backend
  const app = Fastify({
    logger: false,
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // A correlation id that means something across replicas (fastify's default counts per process).
    genReqId: () => randomUUID(),
    // F7: a URL fastify cannot decode never reaches a route; answer it from the catalogue too.
    frameworkErrors: (error: { code?: string }, _request: FastifyRequest, reply: FastifyReply) => {
      void reply.status(400).send({ ok: false, error: new AppError('INVALID_INPUT', { reason: frameworkReason(error.code) }).toData() })
    },
    ...(options.tls ? { https: options.tls } : {}),
  } as never) as unknown as FastifyInstance

  const fail = (error: AppErrorData) => ({ status: httpStatus(error.code), body: { ok: false as const, error } })
  /** A route's failure as a catalogue answer; an unexpected one is logged under its correlation id. */
  const refuse = (e: unknown, request: FastifyRequest) => {
    const correlationId = String(request.id)
    const failure = asCatalogueError(e)
    if (!isAppError(failure) || failure.code === 'DATABASE_UNAVAILABLE') {
      ctx.log.error(isAppError(failure) ? 'database_unavailable' : 'http_technical_error', {
        correlationId,
        route: request.routeOptions.url ?? 'unknown',
        ...errorFacts(e),
      })
    }
    return fail(toErrorData(failure, correlationId))
  }

  // Malformed JSON, wrong content type, oversized bodies: catalogue errors, never a stack.
  app.setErrorHandler((error: { code?: string; statusCode?: number; name?: string }, request, reply) => {
    const clientError = (error.statusCode ?? 500) < 500
    const { status, body } = clientError
      ? fail(new AppError('INVALID_INPUT', { reason: frameworkReason(error.code) }).toData())
      : refuse(error, request)
    void reply.status(clientError ? error.statusCode! : status).send(body)
  })
  app.setNotFoundHandler((_request, reply) => {
    const { status, body } = fail(new AppError('UNKNOWN_OPERATION').toData())
    void reply.status(status).send(body)
  })
  app.addHook('onResponse', async (request, reply) => {
    // Route pattern, status and time only: no bodies, no headers, no tokens.
    ctx.log.info('http_request', {
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime),
    })
  })

  app.get('/healthz', async () => ({ ok: true }))
  // F1: which dependency is down (database, directory, mail), not only whether one is.
  app.get('/readyz', async (_request, reply) => {
    const report = await readiness(ctx)
    return report.ok ? report : reply.status(503).send(report)
  })
  app.get('/openapi.json', async () => openApiDocument())

  app.post('/api/session/signIn', async (request, reply) => {
    try {
      const { username, password } = parseInput(contract['session:signIn'].input, request.body)
      return { ok: true, data: await openAgentSession(ctx, username, password, request.ip) }
    } catch (e) {
      const { status, body } = refuse(e, request)
      return reply.status(status).send(body)
    }
  })

  app.post('/api/session/refresh', async (request, reply) => {
    try {
      const { refreshToken } = parseInput(refreshInputSchema, request.body)
      return { ok: true, data: await refreshAgentSession(ctx, refreshToken) }
    } catch (e) {
      const { status, body } = refuse(e, request)
      return reply.status(status).send(body)
    }
  })

  app.post('/api/session/signOut', async (request, reply) => {
    try {
      const { agentId, sessionId } = await agentForAccessToken(ctx, bearer(request))
      await signOut(ctx, agentId)
      await revokeAgentSession(ctx, sessionId, agentId, 'signed_out')
      return { ok: true, data: {} }
    } catch (e) {
      const { status, body } = refuse(e, request)
      return reply.status(status).send(body)
    }
  })

  app.post<{ Params: { channel: string } }>('/api/rpc/:channel', async (request, reply) => {
    const { channel } = request.params
    // Signing in and out change tokens, so they have their own routes above.
    if (channel === 'session:signIn' || channel === 'session:signOut') {
      const { status, body } = fail(new AppError('UNKNOWN_OPERATION').toData())
      return reply.status(status).send(body)
    }
    let agentId: string
    try {
      // G5: an API key opens the integration routes only.
      if (isApiKeyShaped(bearer(request))) throw new AppError('API_KEY_INVALID', { reason: 'API keys are for the integration routes' })
      agentId = (await agentForAccessToken(ctx, bearer(request))).agentId
    } catch (e) {
      const { status, body } = refuse(e, request)
      return reply.status(status).send(body)
    }
    const result = await dispatch(ops, ctx.log, { agentId }, channel, request.body)
    return result.ok ? result : reply.status(httpStatus(result.error.code)).send(result)
  })

  // B5: the live feed as server-sent events (the long poll live:next is also on /api/rpc).
  registerLiveRoutes(app, ctx, (ctx.live ??= new LiveFeed(ctx.store.db)), bearer)

  // G5: the ITSM's integration API, authenticated by API keys.
  registerIntegrationRoutes(app, ctx, options.integrationRateLimit)

  // R6.1: the page users reach from the emailed link, at the path of the configured link base.
  // B11: and beside it the "this wasn't me" page of after-reset notices.
  registerResetLinkPage(app, {
    complete: backend.completeResetLink,
    wasntMe: backend.reportWasntMe,
    log: ctx.log,
    path: new URL(ctx.resetLinkBase).pathname,
  })

  // G4: the enrolment page, under the server's base URL.
  registerEnrolmentPage(app, ctx, { path: '/enrol' })

  return app
}
