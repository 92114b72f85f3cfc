// The IPC contract (S2): every operation the console may ask of main, declared once with its
// input and output schemas. Main's router, the preload bridge, the renderer's API and the
// standalone HTTP server are all generated from this one map.
import { z } from 'zod'
import {
  agentSchema,
  approvalRequestSchema,
  auditCheckpointSchema,
  auditEntrySchema,
  carrierSchema,
  codeMethodSchema,
  flowViewSchema,
  intentSummarySchema,
  interactionChannelSchema,
  outboxMessageSchema,
  processOptionSchema,
  recordDetailSchema,
  recordKindSchema,
  recordSummarySchema,
  userSummarySchema,
} from '../domain/types'
import { adminProcessSchema, processDraftSchema } from '../domain/process-admin'
import { deskSettingsSchema } from '../domain/desk-settings'
import { userRiskSchema } from '../domain/risk'
import { approvalDecisionSchema } from '../domain/approvals'
import { auditRowSchema, auditSearchInputSchema } from '../domain/audit-view'
import { enrolmentSummarySchema, questionCatalogSaveSchema, questionCatalogViewSchema } from '../domain/enrolment'
import {
  apiKeyCreateSchema,
  apiKeyViewSchema,
  deliveryStates,
  webhookDeliverySchema,
  webhookSaveSchema,
  webhookViewSchema,
} from '../domain/integrations'
import { dashboardSchema, liveSnapshotSchema } from '../domain/live'
import { reportedResetSchema } from '../domain/reported-resets'

const id = z.string().min(1).max(64)
const empty = z.object({}).strict()
const flowRef = { flowId: id }
/**
 * Surrounding white space is dropped after the check: the pattern says what is accepted before
 * trimming, so the OpenAPI document (which cannot express a trim) states exactly what the server
 * takes (F7).
 */
const trim = (s: string) => s.trim()

/** The largest integer any input may carry: every store column holds it (PostgreSQL integer). */
export const inputIntMax = 2_147_483_647

/**
 * F7: what every input refuses, whatever its schema says: a NUL byte in any string or key
 * (PostgreSQL cannot store one; C code downstream cuts at it) and a number outside the store's
 * integer range. Applied to every channel by `defineContract`, so a new channel cannot forget it.
 */
function refuseEdges(value: unknown, ctx: z.RefinementCtx, path: PropertyKey[] = []): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) ctx.addIssue({ code: 'custom', path, message: 'NUL byte' })
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value) || Math.abs(value) > inputIntMax) ctx.addIssue({ code: 'custom', path, message: 'number out of range' })
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => refuseEdges(v, ctx, [...path, i]))
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k.includes('\u0000')) ctx.addIssue({ code: 'custom', path, message: 'NUL byte in a key' })
      refuseEdges(v, ctx, [...path, k])
    }
  }
}

type Entry = { input: z.ZodType; output: z.ZodType }
function defineContract<const T extends Record<string, Entry>>(entries: T): T {
  for (const entry of Object.values(entries) as Entry[]) entry.input = entry.input.superRefine((v, ctx) => refuseEdges(v, ctx))
  return entries
}

/** Counting stops here: an exact count of 100k rows costs more than the page itself. */
export const recordCountCap = 10_000
/** The rows the console asks for at a time (the benchmark times pages of this size). */
export const recordPageSize = 100
/**
 * A search's count stops sooner: a list is counted in its index, a search reads each match's row
 * (about cap ÷ the term's share of records of them), and more matches than this mean "refine".
 */
export const recordSearchCountCap = 1_000
export const recordFilters = ['assigned_to_me', 'my_groups', 'all_open'] as const
export const recordSortFields = ['number', 'openedAt', 'priority', 'state', 'callerName'] as const
/** What a list holds (R2): the kind, the filter and the search; shared by a page and its count. */
const recordListScope = {
  kind: recordKindSchema,
  filter: z.enum(recordFilters).default('assigned_to_me'),
  q: z.string().max(100).default(''),
}

/** B7: a walk-up kiosk desk. Main reads it from the policy file or settings.json (policy wins). */
export const kioskSettingsSchema = z
  .object({
    enabled: z.boolean(),
    /** Minutes without pointer or key activity before the console locks and wipes. */
    idleMinutes: z.number().min(1).max(60).default(3),
  })
  .strict()
export type KioskSettings = z.output<typeof kioskSettingsSchema>
/**
 * G1: which desk this console serves, told by main before anyone signs in. `first-run`: the
 * embedded console with nothing chosen or configured yet (the files it may be given, for the
 * "Connect to your desk" explanation); `demo`: the training desk (B6), with its public accounts
 * to hint on the sign-in screen; `real`: connectors, a remote backend, or a server.
 */
export const deskViewSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('first-run'),
    /** connectors.json in this user's data folder, and machine-wide next to the policy file (wins). */
    connectorsFile: z.string(),
    machineConnectorsFile: z.string(),
    settingsFile: z.string(),
    policyFile: z.string(),
  }),
  z.object({
    mode: z.literal('demo'),
    /** The demo desk's agents: their passwords are public (README) and exist nowhere else. */
    accounts: z.array(z.object({ username: z.string(), password: z.string(), role: z.string() })),
  }),
  z.object({ mode: z.literal('real') }),
])
export type DeskView = z.output<typeof deskViewSchema>
/** `desk` absent: nothing to choose (a server, or a host that predates G1), as `real`. */
export const consoleSettingsSchema = z.object({ kiosk: kioskSettingsSchema, desk: deskViewSchema.optional() })
export type ConsoleSettingsView = z.output<typeof consoleSettingsSchema>
/** An ordinary (not kiosk) console: what is answered where no console settings apply. */
export const ordinaryConsoleSettings: ConsoleSettingsView = { kiosk: { enabled: false, idleMinutes: 3 } }

export const contract = defineContract({
  'session:signIn': {
    input: z.object({ username: z.string().min(1).max(128), password: z.string().min(1).max(256) }).strict(),
    output: agentSchema,
  },
  'session:current': { input: empty, output: agentSchema.nullable() },
  'session:signOut': { input: empty, output: z.object({}) },

  'records:list': {
    input: z
      .object({
        ...recordListScope,
        sort: z.enum(recordSortFields).default('openedAt'),
        dir: z.enum(['asc', 'desc']).default('desc'),
        offset: z.number().int().min(0).max(recordCountCap).default(0),
        /**
         * Keyset paging: the sort value (NULL for a row without one) and id of the last row of the
         * page before. With it the next page is a seek on the list's index, as cheap as the first
         * (offset is then ignored).
         */
        after: z
          .object({
            value: z.union([z.string().max(1024), z.number().int().min(-inputIntMax).max(inputIntMax)]).nullable(),
            id: z.string().min(1).max(64),
          })
          .strict()
          .optional(),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict()
      // A jump reaches no further than the list's count does (a search's sooner): skipping rows
      // costs a walk over each, and a search's a test of each too.
      .refine((i) => i.after !== undefined || i.offset + i.limit <= (i.q.trim() ? recordSearchCountCap : recordCountCap), {
        message: 'offset beyond the rows a list reaches (its count cap): page further by `after`',
        path: ['offset'],
      })
      // The cursor's value is of the sort's column: a number for priority, text otherwise.
      .refine(
        (i) => i.after === undefined || i.after.value === null || typeof i.after.value === (i.sort === 'priority' ? 'number' : 'string'),
        {
          message: "a value of the sort's kind (a number for priority, text otherwise)",
          path: ['after', 'value'],
        },
      ),
    output: z.object({ rows: z.array(recordSummarySchema) }),
  },
  /** How many records a list holds: its own call, so no page waits for a count. */
  'records:count': {
    input: z.object(recordListScope).strict(),
    output: z.object({
      /**
       * Exact up to `recordCountCap` (a search: `recordSearchCountCap`); beyond it `total` is the
       * cap and the list shows "More than 10,000" (1,000) and asks to refine.
       */
      total: z.number().int(),
      totalCapped: z.boolean(),
    }),
  },
  'records:get': { input: z.object({ recordId: id }).strict(), output: recordDetailSchema },
  /** G5: a call or a walk-up starts here: an interaction for a directory caller, assigned to the agent. */
  'records:createInteraction': {
    input: z
      .object({
        channel: interactionChannelSchema,
        /** DirectoryUser.id of the caller, as `users:search` returned it. */
        callerId: id,
        // One line, no control characters (F7: no NUL reaches the store).
        shortDescription: z
          .string()
          .trim()
          .min(1)
          .max(160)
          .regex(/^[^\p{Cc}]*$/u, 'one line of text'),
        description: z
          .string()
          .trim()
          .max(4000)
          .regex(/^[^\0]*$/, 'no NUL bytes')
          .default(''),
      })
      .strict(),
    output: recordSummarySchema,
  },
  /** G5: take a record of one of one's groups (audited as record.assign). */
  'records:assignToMe': { input: z.object({ recordId: id }).strict(), output: recordDetailSchema },

  'users:search': {
    input: z.object({ q: z.string().max(100), limit: z.number().int().min(1).max(50).default(20) }).strict(),
    output: z.array(userSummarySchema),
  },
  /** G4: what the user is enrolled in (email, mobile, questions, authenticator), for Identify. */
  'users:enrolment': { input: z.object({ userId: id }).strict(), output: enrolmentSummarySchema },
  /** B2: risk signals for the chosen user on this record, each with its reason. */
  'users:risk': { input: z.object({ userId: id, recordId: id }).strict(), output: userRiskSchema },
  'processes:forUser': {
    input: z.object({ userId: id }).strict(),
    output: z.array(processOptionSchema),
  },

  'flow:start': {
    input: z.object({ recordId: id, userId: id, processId: id }).strict(),
    output: flowViewSchema,
  },
  'flow:get': { input: z.object(flowRef).strict(), output: flowViewSchema },
  'verify:sendCode': {
    input: z
      .object({
        ...flowRef,
        method: codeMethodSchema,
        /** R5.2: the carrier of each mobile (by index) when no SMS provider API is configured. */
        carriers: z.record(z.string().regex(/^\d{1,2}$/), z.string().min(1).max(64)).optional(),
      })
      .strict(),
    output: z.object({ flow: flowViewSchema, sentTo: z.array(z.string()) }),
  },
  'verify:checkCode': {
    input: z
      .object({
        ...flowRef,
        method: codeMethodSchema,
        code: z
          .string()
          .max(32)
          .regex(/^\s*\d{6,12}\s*$/)
          .transform(trim),
      })
      .strict(),
    output: flowViewSchema,
  },
  'verify:answerQuestions': {
    input: z
      .object({
        ...flowRef,
        answers: z
          .array(z.object({ questionId: id, answer: z.string().min(1).max(200) }).strict())
          .min(1)
          .max(10),
      })
      .strict(),
    output: flowViewSchema,
  },
  'verify:personalData': {
    input: z
      .object({
        ...flowRef,
        email: z
          .string()
          .max(254)
          .regex(/^\s*\S[\s\S]+\S\s*$/)
          .transform(trim),
      })
      .strict(),
    output: flowViewSchema,
  },
  'verify:confirmPersonalData': {
    input: z.object({ ...flowRef, confirmed: z.boolean() }).strict(),
    output: flowViewSchema,
  },
  /** G4: the current code of the user's authenticator app (RFC 6238); a time step is accepted once. */
  'verify:checkTotp': {
    input: z
      .object({
        ...flowRef,
        code: z
          .string()
          .trim()
          .regex(/^\d{6}$/),
      })
      .strict(),
    output: flowViewSchema,
  },
  'flow:approve': { input: z.object(flowRef).strict(), output: flowViewSchema },
  /** B1: a supervisor rejects a protected account's reset, with the reason the agent is shown; the flow ends. */
  'flow:reject': {
    input: z
      .object({
        ...flowRef,
        reason: z
          .string()
          .trim()
          .min(3)
          .max(500)
          .regex(/^[^\p{Cc}]*$/u, 'one line of text'),
      })
      .strict(),
    output: z.object({ closed: z.literal(true) }),
  },
  /** B1: who approved or rejected the flow and why; null while no one has decided. */
  'approvals:decision': { input: z.object(flowRef).strict(), output: approvalDecisionSchema.nullable() },
  /** B1: protected-account flows waiting for a supervisor's approval. */
  'approvals:list': { input: empty, output: z.array(approvalRequestSchema) },
  /** F2: supervisors' queue of password changes whose outcome is not known yet. */
  'intents:list': { input: empty, output: z.array(intentSummarySchema) },
  /** B11: supervisors' queue of resets their users reported as not theirs, not yet acknowledged. */
  'reports:list': { input: empty, output: z.array(reportedResetSchema) },
  /** B11: a supervisor has followed up a reported reset: it leaves the queue (audited). */
  'reports:acknowledge': { input: z.object({ reportId: id }).strict(), output: reportedResetSchema },
  'policy:check': {
    input: z.object({ ...flowRef, password: z.string().max(256) }).strict(),
    output: z.object({ ok: z.boolean(), failures: z.array(z.object({ rule: z.string(), message: z.string() })) }),
  },
  'reset:run': {
    // R6.3: a manual reset carries the new password twice; the other methods carry none.
    input: z.discriminatedUnion('method', [
      z.object({ ...flowRef, method: z.literal('email_link') }).strict(),
      // R6.2: random characters without look-alikes, or a passphrase of words (easier to read aloud).
      z.object({ ...flowRef, method: z.literal('generate'), style: z.enum(['characters', 'passphrase']).optional() }).strict(),
      z.object({ ...flowRef, method: z.literal('manual'), password: z.string().min(1).max(256), confirm: z.string().max(256) }).strict(),
    ]),
    output: z.object({
      flow: flowViewSchema,
      /** R6.2: shown once to the agent to read out; never stored. */
      generatedPassword: z.string().nullable(),
      sentTo: z.array(z.string()),
    }),
  },
  'flow:close': {
    input: z.object({ ...flowRef, passwordShared: z.boolean() }).strict(),
    output: z.object({ closed: z.literal(true) }),
  },

  'audit:list': {
    input: z
      .object({ offset: z.number().int().min(0).max(inputIntMax).default(0), limit: z.number().int().min(1).max(500).default(100) })
      .strict(),
    output: z.object({ rows: z.array(auditEntrySchema), total: z.number().int() }),
  },
  /** R9 for people: filtered in the backend and paged, with names instead of ids. */
  'audit:search': { input: auditSearchInputSchema, output: z.object({ rows: z.array(auditRowSchema), total: z.number().int() }) },
  'audit:verify': {
    /** F5: a checkpoint kept from an earlier check or export reveals a cut or rewritten chain. */
    input: z.object({ checkpoint: auditCheckpointSchema.optional() }).strict(),
    output: z.object({
      ok: z.boolean(),
      count: z.number().int(),
      brokenAt: z.number().int().nullable(),
      truncated: z.boolean(),
      checkpointMismatch: z.boolean(),
      checkpoint: auditCheckpointSchema.nullable(),
    }),
  },
  /** R9: a contiguous slice of the chain as JSON lines, with every hash, for offline checking. */
  'audit:export': {
    input: z
      .object({ fromSeq: z.number().int().min(1).max(inputIntMax).default(1), limit: z.number().int().min(1).max(100_000).default(50_000) })
      .strict(),
    output: z.object({
      jsonl: z.string(),
      fromSeq: z.number().int(),
      toSeq: z.number().int(),
      count: z.number().int(),
      more: z.boolean(),
      checkpoint: auditCheckpointSchema.nullable(),
    }),
  },
  'carriers:list': { input: empty, output: z.array(carrierSchema) },
  /** G4 / G7: the security-question catalogue (password_reset_admin only; saves are audited). */
  'admin:questions:list': { input: empty, output: questionCatalogViewSchema },
  'admin:questions:save': { input: questionCatalogSaveSchema, output: questionCatalogViewSchema },
  'demo:mailbox': {
    input: z.object({ userId: id }).strict(),
    output: z.array(outboxMessageSchema),
  },
  // G7 Administration: password_reset_admin only, enforced by the backend on every `admin:*`
  // channel (electron/backend/admin/guard.ts); every change audited as admin.<area>.<verb>.
  'admin:processes:list': { input: empty, output: z.array(adminProcessSchema) },
  /** Creates (no id) or replaces (id) a process; its id, and so its R4 counts, never change. */
  'admin:processes:save': { input: processDraftSchema, output: adminProcessSchema },
  'admin:processes:setEnabled': { input: z.object({ processId: id, enabled: z.boolean() }).strict(), output: adminProcessSchema },
  'admin:processes:delete': { input: z.object({ processId: id }).strict(), output: z.object({ deleted: z.literal(true) }) },
  /** The names of the credential stores this backend has (a process names one). */
  'admin:credentialStores:list': { input: empty, output: z.array(z.object({ name: z.string() })) },
  'admin:settings:get': { input: empty, output: deskSettingsSchema },
  /** Replaces the desk's settings (fields left out take their defaults). */
  'admin:settings:save': { input: deskSettingsSchema, output: deskSettingsSchema },
  // G5/G6/G7: integration API keys and webhooks (password_reset_admin only, enforced in the backend).
  'admin:apiKeys:list': { input: empty, output: z.array(apiKeyViewSchema) },
  /** The key is in this answer once; the store keeps only its hash. */
  'admin:apiKeys:create': { input: apiKeyCreateSchema, output: z.object({ apiKey: apiKeyViewSchema, key: z.string() }) },
  'admin:apiKeys:revoke': { input: z.object({ id }).strict(), output: apiKeyViewSchema },
  'admin:webhooks:list': { input: empty, output: z.array(webhookViewSchema) },
  /** A new endpoint, or a rotated one, answers its signing secret once. */
  'admin:webhooks:save': { input: webhookSaveSchema, output: z.object({ webhook: webhookViewSchema, secret: z.string().nullable() }) },
  'admin:webhooks:delete': { input: z.object({ id }).strict(), output: z.object({ deleted: z.literal(true) }) },
  'admin:webhooks:deliveries': {
    input: z
      .object({
        webhookId: id.optional(),
        state: z.enum(deliveryStates).optional(),
        offset: z.number().int().min(0).max(1_000_000).default(0),
        limit: z.number().int().min(1).max(200).default(50),
      })
      .strict(),
    output: z.object({ rows: z.array(webhookDeliverySchema), total: z.number().int() }),
  },
  'admin:webhooks:retry': { input: z.object({ deliveryId: id }).strict(), output: webhookDeliverySchema },
  /**
   * B5 live observe (password_reset_supervisor): a long poll. It answers at once when the audit
   * holds an entry after `afterSeq`, else when one is committed (on any replica) or after
   * `waitMs`, with the open flows of the supervisor's groups. One request/response shape works
   * unchanged over IPC, the E2E host and HTTP; the standalone server also streams it as SSE.
   */
  'live:next': {
    input: z
      .object({
        afterSeq: z.number().int().min(0).max(inputIntMax).default(0),
        follow: id.optional(),
        waitMs: z.number().int().min(0).max(25_000).default(25_000),
      })
      .strict(),
    output: liveSnapshotSchema,
  },
  /** B10 supervisor dashboard (supervisors and admins): whole UTC days, `from` to `to` inclusive, at most a year. */
  'dashboard:get': {
    input: z
      .object({ from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) })
      .strict()
      .refine((r) => !Number.isNaN(Date.parse(r.from)) && !Number.isNaN(Date.parse(r.to)), 'a real date')
      .refine((r) => r.from <= r.to && Date.parse(r.to) - Date.parse(r.from) <= 366 * 86_400_000, 'from before to, at most a year'),
    output: dashboardSchema,
  },
  /** The console's own settings (B7 kiosk), answered by main, not by the identity backend. */
  'console:settings': { input: empty, output: consoleSettingsSchema },
  /** G1: the first-run choice "Try the demo desk", answered by main (refused once a desk is set). */
  'console:chooseDesk': { input: z.object({ desk: z.literal('demo') }).strict(), output: consoleSettingsSchema },
})

export type Contract = typeof contract
export type Channel = keyof Contract
export type InputOf<C extends Channel> = z.input<Contract[C]['input']>
export type ParsedInputOf<C extends Channel> = z.output<Contract[C]['input']>
export type OutputOf<C extends Channel> = z.output<Contract[C]['output']>
export const channels = Object.keys(contract) as Channel[]
export function isChannel(name: unknown): name is Channel {
  return typeof name === 'string' && Object.hasOwn(contract, name)
}
