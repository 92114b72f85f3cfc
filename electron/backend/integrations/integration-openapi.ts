// G5: the integration routes in the server's OpenAPI document, from the same zod schemas.
import { z } from 'zod'
import { appErrorSchema } from '../../../shared/errors'
import {
  integrationRecordInputSchema,
  integrationRecordSchema,
  integrationRecordWithNotesSchema,
  recordNumberSchema,
} from '../../../shared/domain/integrations'
import { INTEGRATION_PREFIX, integrationCollections } from './integration-routes'

const json = (schema: z.ZodType, io: 'input' | 'output') => z.toJSONSchema(schema, { io, unrepresentable: 'any' })
const ok = (data: z.ZodType) => ({
  type: 'object',
  required: ['ok', 'data'],
  properties: { ok: { const: true }, data: json(data, 'output') },
})
const failure = (description: string) => ({
  description,
  content: {
    'application/json': {
      schema: { type: 'object', required: ['ok', 'error'], properties: { ok: { const: false }, error: json(appErrorSchema, 'output') } },
    },
  },
})
const errors = {
  400: failure('INVALID_INPUT: the body or number is not valid; nothing was written'),
  401: failure('API_KEY_INVALID: missing, revoked or not an API key'),
  404: failure('RECORD_NOT_FOUND'),
  429: failure('TOO_MANY_REQUESTS: the key is over its rate limit (Retry-After)'),
  503: failure('DIRECTORY_UNAVAILABLE: the caller could not be matched; nothing was written'),
}

export const integrationSecuritySchemes = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'An integration API key (rdk_…) created by an administrator' },
}

export function integrationPaths(): Record<string, object> {
  const paths: Record<string, object> = {}
  const upserted = z.object({ created: z.boolean(), record: integrationRecordSchema })
  for (const [collection, kind] of Object.entries(integrationCollections)) {
    const parameters = [{ name: 'number', in: 'path', required: true, schema: json(recordNumberSchema, 'input') }]
    paths[`${INTEGRATION_PREFIX}/${collection}/{number}`] = {
      put: {
        operationId: `integration_put_${kind}`,
        summary: `Create or update the ${kind} with this number (idempotent)`,
        security: [{ apiKey: [] }],
        parameters,
        requestBody: { required: true, content: { 'application/json': { schema: json(integrationRecordInputSchema, 'input') } } },
        responses: {
          200: { description: 'updated', content: { 'application/json': { schema: ok(upserted) } } },
          201: { description: 'created', content: { 'application/json': { schema: ok(upserted) } } },
          ...errors,
        },
      },
      get: {
        operationId: `integration_get_${kind}`,
        summary: `The ${kind} with this number, with its work notes`,
        security: [{ apiKey: [] }],
        parameters,
        responses: {
          200: { description: 'the record', content: { 'application/json': { schema: ok(integrationRecordWithNotesSchema) } } },
          ...errors,
        },
      },
    }
  }
  return paths
}
