// G5 and G6: the shapes of the integration API (records in from the desk's ITSM), API keys, and
// webhooks (record events out). The backend validates with these schemas and the admin panes
// validate their forms with the same ones.
import { z } from 'zod'
import { isoDate } from './types'

/** Text from outside: no NUL or other C0 control characters except tab and newlines (F7). */
const plainText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'control characters are not allowed')
const line = (min: number, max: number) => plainText(max).trim().min(min)

/** An ITSM record number (INC0010001, IMS0000001, SD-1234): the upsert's idempotency key. */
export const recordNumberSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{1,39}$/, 'letters, digits, - _ . (2 to 40)')

export const integrationRecordInputSchema = z
  .object({
    /** The caller as the ITSM knows them: a login name or email is matched to a directory user. */
    caller: line(1, 200).nullable().default(null),
    shortDescription: line(1, 160),
    description: plainText(8000).default(''),
    state: line(1, 40),
    /** Whether the record is still open; by default from the state's name (Resolved, Closed… are not). */
    active: z.boolean().optional(),
    priority: z.number().int().min(1).max(5).nullable().default(null),
    /** Interactions: how the caller reached the desk. */
    channel: z.enum(['phone', 'chat', 'walk-up', 'email']).nullable().default(null),
    assignmentGroup: line(1, 100).nullable().default(null),
    /** An agent's user name; the record then counts as assigned to that agent (R1). */
    assignee: line(1, 128).nullable().default(null),
    openedAt: isoDate.optional(),
  })
  .strict()
export type IntegrationRecordInput = z.output<typeof integrationRecordInputSchema>

export const integrationRecordSchema = z.object({
  number: z.string(),
  kind: z.enum(['incident', 'interaction']),
  caller: z.object({ id: z.string().nullable(), name: z.string().nullable(), matched: z.boolean() }),
  shortDescription: z.string(),
  description: z.string(),
  state: z.string(),
  active: z.boolean(),
  priority: z.number().int().nullable(),
  channel: z.string().nullable(),
  assignmentGroup: z.string().nullable(),
  assignee: z.object({ username: z.string(), displayName: z.string() }).nullable(),
  openedAt: z.string(),
})
export const integrationRecordWithNotesSchema = z.object({
  record: integrationRecordSchema,
  workNotes: z.array(z.object({ at: z.string(), author: z.string(), kind: z.string(), text: z.string() })),
})
export type IntegrationRecord = z.infer<typeof integrationRecordSchema>

// --- API keys ---------------------------------------------------------------------------------

export const apiKeyCreateSchema = z.object({ name: line(1, 80) }).strict()
export const apiKeyViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** The first characters of the key, enough to tell keys apart; never the key. */
  prefix: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
})
export type ApiKeyView = z.infer<typeof apiKeyViewSchema>

// --- Webhooks ---------------------------------------------------------------------------------

export const webhookEventTypes = [
  'work_note.added',
  'reset.done',
  'reset.failed',
  'flow.closed',
  'record.assigned',
  'reset.reported',
  'reset.contained',
] as const
export const webhookEventTypeSchema = z.enum(webhookEventTypes)
export type WebhookEventType = z.infer<typeof webhookEventTypeSchema>
export const webhookEventLabels: Record<WebhookEventType, string> = {
  'work_note.added': 'Work note added',
  'reset.done': 'Password reset done',
  'reset.failed': 'Password reset failed',
  'flow.closed': 'Flow closed (password shared or not)',
  'record.assigned': 'Assignment changed',
  'reset.reported': "Reset reported by its user as not theirs (\u201cthis wasn't me\u201d)",
  'reset.contained': 'Reported reset contained (what re-locking came to)',
}

export const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .refine((value) => {
    try {
      const url = new URL(value)
      // Credentials in a URL end up in logs and the audit: the signing secret authenticates.
      return (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password
    } catch {
      return false
    }
  }, 'an http(s) URL without user name or password')

export const webhookSaveSchema = z
  .object({
    /** Absent: a new endpoint (its secret is generated and shown once). */
    id: z.string().min(1).max(64).optional(),
    name: line(1, 80),
    url: webhookUrlSchema,
    events: z.array(webhookEventTypeSchema).min(1, 'choose at least one event').max(webhookEventTypes.length),
    active: z.boolean().default(true),
    /** Replace the signing secret; the new one is shown once. */
    rotateSecret: z.boolean().default(false),
  })
  .strict()
export type WebhookSaveInput = z.input<typeof webhookSaveSchema>

export const webhookViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  events: z.array(webhookEventTypeSchema),
  active: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
  pending: z.number().int(),
  failed: z.number().int(),
})
export type WebhookView = z.infer<typeof webhookViewSchema>

export const deliveryStates = ['pending', 'delivered', 'failed'] as const
export const webhookDeliverySchema = z.object({
  id: z.string(),
  webhookId: z.string(),
  eventId: z.string(),
  eventType: webhookEventTypeSchema,
  recordNumber: z.string().nullable(),
  state: z.enum(deliveryStates),
  attempts: z.number().int(),
  lastStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
})
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>

/** The JSON body a receiver gets. Never a code, password, answer or token (G6). */
export const webhookPayloadSchema = z.object({
  id: z.string(),
  type: webhookEventTypeSchema,
  occurredAt: z.string(),
  record: z.object({ number: z.string(), kind: z.string() }).nullable(),
  data: z.record(z.string(), z.unknown()),
})
export type WebhookPayload = z.infer<typeof webhookPayloadSchema>
