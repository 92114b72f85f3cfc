// B5 on the standalone server: the live feed as a server-sent event stream. A supervisor's
// client (or a wall display) opens GET /api/live/events with its bearer token and receives one
// `live` event per change of the audit, written by this replica or any other. The token is
// checked again before every event, so a revoked or expired session stops receiving; a comment
// line every 15 s keeps proxies from closing an idle stream; a closed connection ends the wait.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { AppError, isAppError, toErrorData } from '../../../shared/errors'
import { parseInput } from '../dispatch'
import { agentForAccessToken } from '../http/agent-sessions'
import { httpStatus } from '../http/status'
import { loadAgent, requireRole } from '../rules/access'
import type { RuleContext } from '../rules/context'
import type { LiveFeed } from './live-feed'
import { liveSnapshot } from './live-view'

const querySchema = z
  .object({
    afterSeq: z.coerce.number().int().min(0).max(2_147_483_647).default(0),
    follow: z.string().min(1).max(64).optional(),
  })
  .strict()

export interface LiveRouteOptions {
  keepAliveMs?: number
  /** How long one wait lasts before the token is checked again with no event. */
  waitMs?: number
}

export function registerLiveRoutes(
  app: FastifyInstance,
  ctx: RuleContext,
  feed: LiveFeed,
  bearer: (r: FastifyRequest) => string | undefined,
  options: LiveRouteOptions = {},
): void {
  const keepAliveMs = options.keepAliveMs ?? 15_000
  const waitMs = options.waitMs ?? 25_000
  // Open streams end when the server closes, or close() would wait for them forever.
  const streams = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of [...streams]) end()
  })
  app.get('/api/live/events', async (request: FastifyRequest, reply: FastifyReply) => {
    let agentId: string
    let query: z.output<typeof querySchema>
    try {
      query = parseInput(querySchema, request.query ?? {})
      agentId = (await agentForAccessToken(ctx, bearer(request))).agentId
      requireRole(await loadAgent(ctx, agentId), ['password_reset_supervisor'])
    } catch (e) {
      const error = toErrorData(isAppError(e) ? e : new AppError('TECHNICAL'), String(request.id))
      return reply.status(httpStatus(error.code)).send({ ok: false, error })
    }
    // From here on the connection is ours: fastify sends nothing more.
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    })
    const gone = new AbortController()
    const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), keepAliveMs)
    const cleanup = () => {
      clearInterval(keepAlive)
      gone.abort()
    }
    const end = () => {
      cleanup()
      if (!res.writableEnded) res.end()
    }
    streams.add(end)
    request.raw.on('close', cleanup)
    res.on('close', cleanup)
    let seq = query.afterSeq
    let first = true
    try {
      while (!gone.signal.aborted) {
        // The first event is the current state; after it, one per newer audit entry.
        if (!first) await feed.waitBeyond(seq, waitMs, gone.signal)
        if (gone.signal.aborted) break
        // A session revoked or expired while streaming ends the stream with its catalogue error.
        await agentForAccessToken(ctx, bearer(request))
        const head = await feed.head()
        if (first || head > seq) {
          const snapshot = await liveSnapshot(ctx, agentId, query.follow)
          seq = snapshot.seq
          res.write(`id: ${snapshot.seq}\nevent: live\ndata: ${JSON.stringify(snapshot)}\n\n`)
        }
        first = false
      }
    } catch (e) {
      const error = toErrorData(isAppError(e) ? e : new AppError('TECHNICAL'), String(request.id))
      if (!isAppError(e)) ctx.log.error('live_stream_error', { correlationId: String(request.id) })
      if (!res.writableEnded) res.write(`event: error\ndata: ${JSON.stringify(error)}\n\n`)
    } finally {
      streams.delete(end)
      cleanup()
      if (!res.writableEnded) res.end()
    }
  })
}
