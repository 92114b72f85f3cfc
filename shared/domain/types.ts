// Domain shapes shared by backend, main and renderer. Schemas first; types are inferred.
import { z } from 'zod'
import { enrolmentSummarySchema } from './enrolment'

export const roles = ['password_reset_service_desk', 'password_reset_admin', 'password_reset_supervisor'] as const
export const roleSchema = z.enum(roles)
export type Role = z.infer<typeof roleSchema>
/** R1: either of these may run a reset. */
export const resetRoles: readonly Role[] = ['password_reset_service_desk', 'password_reset_admin']

export const verifyMethods = [
  'email_code',
  'sms_code',
  'security_questions',
  'personal_data_verify',
  'personal_data_confirm',
  /** G4: the current code of the user's authenticator app (RFC 6238). */
  'totp_code',
] as const
export const verifyMethodSchema = z.enum(verifyMethods)
export type VerifyMethod = z.infer<typeof verifyMethodSchema>
export const codeMethods = ['email_code', 'sms_code'] as const
export const codeMethodSchema = z.enum(codeMethods)
export type CodeMethod = z.infer<typeof codeMethodSchema>
/** B1: the methods that prove possession of a code: the sent ones and the authenticator app. */
export const codeProofMethods: readonly VerifyMethod[] = [...codeMethods, 'totp_code']

export const resetMethods = ['email_link', 'generate', 'manual'] as const
export const resetMethodSchema = z.enum(resetMethods)
export type ResetMethod = z.infer<typeof resetMethodSchema>

export const isoDate = z.string().datetime({ offset: true })

export const agentSchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  roles: z.array(roleSchema),
  groups: z.array(z.string()),
  demo: z.boolean(),
})
export type Agent = z.infer<typeof agentSchema>

export const recordKinds = ['incident', 'interaction'] as const
export const recordKindSchema = z.enum(recordKinds)
export type RecordKind = z.infer<typeof recordKindSchema>

export const recordSummarySchema = z.object({
  id: z.string(),
  kind: recordKindSchema,
  number: z.string(),
  shortDescription: z.string(),
  callerId: z.string().nullable(),
  callerName: z.string().nullable(),
  state: z.string(),
  priority: z.number().int().nullable(),
  channel: z.string().nullable(),
  assignmentGroup: z.string().nullable(),
  assignedToId: z.string().nullable(),
  assignedToName: z.string().nullable(),
  openedAt: isoDate,
})
export type RecordSummary = z.infer<typeof recordSummarySchema>

export const activityKinds = ['comment', 'work_note', 'assignment'] as const
export const activitySchema = z.object({
  id: z.string(),
  at: isoDate,
  author: z.string(),
  kind: z.enum(activityKinds),
  text: z.string(),
})
export type Activity = z.infer<typeof activitySchema>

/** G5: how an interaction reached the desk. */
export const interactionChannels = ['phone', 'walk-up', 'chat', 'email'] as const
export const interactionChannelSchema = z.enum(interactionChannels)
export type InteractionChannel = z.infer<typeof interactionChannelSchema>

/**
 * A record's caller as a directory reference, resolved live when the record is shown:
 * `resolved` (currentName is the directory's name today), `not_found` (the id no longer
 * resolves), `unmatched` (free text from an ITSM, no directory id), `unavailable` (the
 * directory could not be asked just now). nameAtTime is the name stored with the record.
 */
export const callerStatuses = ['resolved', 'not_found', 'unmatched', 'unavailable'] as const
export const callerRefSchema = z.object({
  status: z.enum(callerStatuses),
  id: z.string().nullable(),
  nameAtTime: z.string().nullable(),
  currentName: z.string().nullable(),
})
export type CallerRef = z.infer<typeof callerRefSchema>

export const recordDetailSchema = z.object({
  record: recordSummarySchema.extend({ description: z.string() }),
  activity: z.array(activitySchema),
  /** R1 reflected for comfort; the backend enforces it on every call. */
  canReset: z.boolean(),
  /** Why R1 refuses a reset here (null when it allows one), so the view can say so. */
  resetRefusal: z.enum(['NOT_ASSIGNED', 'ROLE_MISSING']).nullable(),
  /** G5: the record is in one of the agent's groups and not yet theirs. */
  canAssignToMe: z.boolean(),
  caller: callerRefSchema,
})
export type RecordDetail = z.infer<typeof recordDetailSchema>

export const mobileSchema = z.object({ index: z.number().int(), masked: z.string() })

export const userSummarySchema = z.object({
  id: z.string(),
  username: z.string(),
  displayName: z.string(),
  department: z.string().nullable(),
  emailMasked: z.string().nullable(),
  locked: z.boolean(),
  protected: z.boolean(),
  /** G4: what the user is enrolled in (Identify shows it). */
  enrolment: enrolmentSummarySchema,
})
export type UserSummary = z.infer<typeof userSummarySchema>

export const processSettingsSchema = z.object({
  attemptsPerMethod: z.number().int().min(1).default(3),
  attemptWindowHours: z.number().min(0.1).default(8),
  codeLength: z.number().int().min(6).max(12).default(6),
  /** R5: minutes a code is valid. Left out, the desk's setting governs (DeskSettings.codeTtlMinutes). */
  codeTtlMinutes: z.number().min(1).optional(),
  maxSends: z.number().int().min(1).default(4), // the first send plus three resends
  resendPauseSeconds: z.number().min(0).default(30),
  resetsPerDay: z.number().int().min(1).default(3),
  /** Item 10: a passed method counts this long; after it the caller verifies again. */
  verificationValidMinutes: z.number().min(1).max(1440).default(15),
})
export type ProcessSettings = z.infer<typeof processSettingsSchema>

export const policySettingsSchema = z.object({
  minLength: z.number().int().min(8).default(15),
  maxLength: z.number().int().min(64).default(128),
  adComplexity: z.boolean().default(false),
})
export type PolicySettings = z.infer<typeof policySettingsSchema>

export const processSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  appliesToGroups: z.array(z.string()),
  protectedAccounts: z.boolean(),
  credentialStore: z.string(),
  methods: z.array(verifyMethodSchema).min(1),
  requiredPasses: z.number().int().min(1),
  resetMethods: z.array(resetMethodSchema).min(1),
  policy: policySettingsSchema,
  unlock: z.boolean(),
  requireChange: z.boolean(),
  requiresApproval: z.boolean(),
  settings: processSettingsSchema,
})
export type Process = z.infer<typeof processSchema>

export const processOptionSchema = z.object({
  process: processSchema,
  usesLeft: z.number().int(),
  /** R4: when the next use frees up, if none are left. */
  nextFreeAt: isoDate.nullable(),
})
export type ProcessOption = z.infer<typeof processOptionSchema>

export const methodStatusSchema = z.object({
  method: verifyMethodSchema,
  enrolled: z.boolean(),
  passed: z.boolean(),
  attemptsLeft: z.number().int(),
  /** When the method opens again for this user, if its attempts are spent. */
  closedUntil: isoDate.nullable(),
  codeExpiresAt: isoDate.nullable(),
  sendsLeft: z.number().int().nullable(),
})
export type MethodStatus = z.infer<typeof methodStatusSchema>

export const flowStates = ['verifying', 'verified', 'reset', 'closed'] as const

export const flowViewSchema = z.object({
  id: z.string(),
  recordId: z.string(),
  state: z.enum(flowStates),
  user: z.object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    /** The registered address, shown for R5.1 and R5.5; masked otherwise. */
    email: z.string().nullable(),
    mobiles: z.array(mobileSchema),
    questions: z.array(z.object({ id: z.string(), text: z.string() })),
    locked: z.boolean(),
    protected: z.boolean(),
  }),
  process: processSchema,
  methods: z.array(methodStatusSchema),
  passesRequired: z.number().int(),
  verified: z.boolean(),
  approval: z.enum(['not_needed', 'required', 'approved']),
  resets: z.array(z.object({ method: resetMethodSchema, at: isoDate })),
  smsProviderConfigured: z.boolean(),
  expiresAt: isoDate,
})
export type FlowView = z.infer<typeof flowViewSchema>

export const carrierSchema = z.object({ id: z.string(), name: z.string(), country: z.string() })
export type Carrier = z.infer<typeof carrierSchema>

export const auditEntrySchema = z.object({
  seq: z.number().int(),
  at: isoDate,
  agentId: z.string().nullable(),
  recordId: z.string().nullable(),
  userId: z.string().nullable(),
  processId: z.string().nullable(),
  flowId: z.string().nullable(),
  action: z.string(),
  method: z.string().nullable(),
  outcome: z.string(),
  detail: z.string(),
  hash: z.string(),
})
export type AuditEntry = z.infer<typeof auditEntrySchema>

/** F5: the chain's head signed by the desk, kept by the administrator outside the database. */
export const auditCheckpointSchema = z
  .object({
    seq: z.number().int().min(1).max(2_147_483_647),
    hash: z.string().regex(/^[0-9a-f]{64}$/),
    at: isoDate,
    signature: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict()
export type AuditCheckpoint = z.infer<typeof auditCheckpointSchema>

export const outboxMessageSchema = z.object({
  id: z.string(),
  at: isoDate,
  channel: z.enum(['email', 'sms']),
  to: z.string(),
  subject: z.string().nullable(),
  body: z.string(),
})
export type OutboxMessage = z.infer<typeof outboxMessageSchema>

export const approvalRequestSchema = z.object({
  flowId: z.string(),
  recordNumber: z.string(),
  userDisplayName: z.string(),
  agentName: z.string(),
  processName: z.string(),
  verified: z.boolean(),
  /** B1: the methods passed so far, so the supervisor sees what the approval rests on. */
  passedMethods: z.array(verifyMethodSchema),
  startedAt: isoDate,
})
export type ApprovalRequest = z.infer<typeof approvalRequestSchema>

/** F2: a password change whose outcome is not yet known, as the supervisors' queue shows it. */
export const intentSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['reset', 'link']),
  userId: z.string(),
  processName: z.string(),
  recordNumber: z.string().nullable(),
  agentName: z.string().nullable(),
  startedAt: isoDate,
  /** When the agent (or the user on the link page) was told "outcome unknown"; null while in progress. */
  unresolvedAt: isoDate.nullable(),
})
export type IntentSummary = z.infer<typeof intentSummarySchema>
