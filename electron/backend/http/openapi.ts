// The OpenAPI document of the standalone server, generated from the same contract as the IPC.
import { z } from 'zod'
import { appErrorSchema } from '../../../shared/errors'
import { contract, type Channel } from '../../../shared/ipc/contract'
import { agentSchema } from '../../../shared/domain/types'
import { refreshInputSchema, tokenPairSchema } from './agent-sessions'
import { integrationPaths, integrationSecuritySchemes } from '../integrations/integration-openapi'

const json = (schema: z.ZodType, io: 'input' | 'output') => {
  const doc = z.toJSONSchema(schema, { io, unrepresentable: 'any' })
  if (io === 'input') refuseNulInDocument(doc)
  return doc
}

/**
 * F7: the contract refuses a NUL byte in every input string (a refinement JSON Schema cannot
 * express), so the document says so on every string it describes, and a client generated from
 * it agrees with the server.
 */
function refuseNulInDocument(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(refuseNulInDocument)
  if (node === null || typeof node !== 'object') return
  const schema = node as Record<string, unknown>
  if (schema.type === 'string' && schema.not === undefined) schema.not = { pattern: '\\u0000' }
  for (const value of Object.values(schema)) refuseNulInDocument(value)
}
const envelope = (data: object) => ({
  oneOf: [
    { type: 'object', required: ['ok', 'data'], properties: { ok: { const: true }, data } },
    { type: 'object', required: ['ok', 'error'], properties: { ok: { const: false }, error: json(appErrorSchema, 'output') } },
  ],
})
const jsonBody = (schema: object) => ({ required: true, content: { 'application/json': { schema } } })
const answer = (schema: object) => ({
  description: 'A result, or a catalogue error (R8)',
  content: { 'application/json': { schema: envelope(schema) } },
})

const tokenPair = tokenPairSchema

export function openApiDocument(): object {
  const paths: Record<string, object> = {
    '/api/session/signIn': {
      post: {
        summary: 'Sign in with directory credentials',
        security: [],
        requestBody: jsonBody(json(contract['session:signIn'].input, 'input')),
        responses: { default: answer(json(tokenPair.extend({ agent: agentSchema }), 'output')) },
      },
    },
    '/api/session/refresh': {
      post: {
        summary: 'Rotate the refresh token (reuse revokes the session)',
        security: [],
        requestBody: jsonBody(json(refreshInputSchema, 'input')),
        responses: { default: answer(json(tokenPair, 'output')) },
      },
    },
    '/api/session/signOut': {
      post: { summary: 'Revoke this session and close its flows', responses: { default: answer({ type: 'object' }) } },
    },
    '/api/live/events': {
      get: {
        summary:
          'B5 live observe as server-sent events (password_reset_supervisor): one `live` event (the live:next output) per audit change on any replica',
        parameters: [
          { name: 'afterSeq', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
          { name: 'follow', in: 'query', required: false, schema: { type: 'string', maxLength: 64 } },
        ],
        responses: {
          200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: { type: 'string' } } } },
          default: answer({ type: 'object' }),
        },
      },
    },
    '/healthz': { get: { summary: 'Liveness', security: [], responses: { 200: { description: 'alive' } } } },
    '/readyz': {
      get: {
        summary: 'Readiness: database, directory and mail each up, down or not configured',
        security: [],
        responses: {
          200: { description: 'every configured dependency answers' },
          503: { description: 'the body names the dependency that is down' },
        },
      },
    },
  }
  for (const channel of Object.keys(contract) as Channel[]) {
    if (channel === 'session:signIn' || channel === 'session:signOut') continue
    paths[`/api/rpc/${channel}`] = {
      post: {
        operationId: channel.replace(':', '_'),
        requestBody: jsonBody(json(contract[channel].input, 'input')),
        responses: { default: answer(json(contract[channel].output, 'output')) },
      },
    }
  }
  Object.assign(paths, integrationPaths())
  return {
    openapi: '3.1.0',
    info: { title: 'ResetDesk identity backend', version: '1' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, ...integrationSecuritySchemes } },
    security: [{ bearer: [] }],
    paths,
  }
}
