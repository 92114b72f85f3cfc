// G7: what an administrator may save as a password reset process. The console's form and the
// backend's `admin:processes:save` parse with this one schema, so a form that validates is an
// input the backend accepts (except facts only the backend knows: its credential store names).
import { z } from 'zod'
import { codeMethods, processSchema, resetMethodSchema, verifyMethodSchema } from './types'

const text = (max: number, min = 0, required = 'Required.') =>
  z
    .string()
    .trim()
    .min(min, required)
    .max(max)
    .refine((s) => !s.includes('\0'), 'Must not contain NUL characters.')
const unique = <T>(items: T[]) => new Set(items).size === items.length

export const processSettingsDraftSchema = z
  .object({
    attemptsPerMethod: z.number().int().min(1).max(10),
    attemptWindowHours: z.number().min(0.1).max(168),
    codeLength: z.number().int().min(6).max(12),
    /** Left out: the desk's code lifetime governs (admin:settings). */
    codeTtlMinutes: z.number().int().min(1).max(60).optional(),
    maxSends: z.number().int().min(1).max(10),
    resendPauseSeconds: z.number().int().min(0).max(3600),
    resetsPerDay: z.number().int().min(1).max(20),
    /** Item 10: how long a passed method counts before the caller verifies again. */
    verificationValidMinutes: z.number().int().min(1).max(1440),
  })
  .strict()

export const processDraftSchema = z
  .object({
    /** Absent: a new process (the backend picks its id). Present: that process, edited. */
    id: z.string().min(1).max(64).optional(),
    name: text(100, 1, 'Give the process a name.'),
    description: text(500),
    /** Group names or DNs as the directory spells them; none = every (non-protected) user. */
    appliesToGroups: z.array(text(512, 1)).max(50).refine(unique, 'Each group once.'),
    protectedAccounts: z.boolean(),
    credentialStore: z.string().min(1, 'Choose a credential store.').max(64),
    methods: z
      .array(verifyMethodSchema)
      .min(1, 'Choose at least one verification method.')
      .max(verifyMethodSchema.options.length)
      .refine(unique, 'Each method once.'),
    requiredPasses: z.number().int().min(1).max(5),
    resetMethods: z
      .array(resetMethodSchema)
      .min(1, 'Choose at least one reset method.')
      .max(resetMethodSchema.options.length)
      .refine(unique, 'Each method once.'),
    policy: z
      .object({
        // S7: length first; NIST SP 800-63B-4 asks for at least 15 where a password is the only factor.
        minLength: z.number().int().min(8).max(64),
        maxLength: z.number().int().min(64).max(256),
        adComplexity: z.boolean(),
      })
      .strict(),
    unlock: z.boolean(),
    requireChange: z.boolean(),
    requiresApproval: z.boolean(),
    settings: processSettingsDraftSchema,
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.requiredPasses > p.methods.length) {
      ctx.addIssue({ code: 'custom', path: ['requiredPasses'], message: 'Cannot ask for more passes than the process has methods.' })
    }
    if (p.protectedAccounts) {
      // B1: two passed methods, one of them a code, and a supervisor's approval.
      if (p.methods.length < 2)
        ctx.addIssue({ code: 'custom', path: ['methods'], message: 'Protected accounts need at least two methods.' })
      if (!p.methods.some((m) => (codeMethods as readonly string[]).includes(m))) {
        ctx.addIssue({ code: 'custom', path: ['methods'], message: 'Protected accounts need a code method (email or SMS).' })
      }
      if (!p.requiresApproval)
        ctx.addIssue({ code: 'custom', path: ['requiresApproval'], message: "Protected accounts need a supervisor's approval." })
    }
  })
export type ProcessDraft = z.output<typeof processDraftSchema>
export type ProcessDraftInput = z.input<typeof processDraftSchema>

/** A process as the Administration area lists it: its definition, whether it is offered, its use. */
export const adminProcessSchema = z.object({
  process: processSchema,
  enabled: z.boolean(),
  /** Open flows with this process now (they may finish after a disable). */
  openFlows: z.number().int(),
  /** Whether any flow ever used it: such a process can be disabled, never deleted. */
  everUsed: z.boolean(),
})
export type AdminProcess = z.infer<typeof adminProcessSchema>

/** The draft a new process form starts from: the product's defaults (R5, R6, S7). */
export const newProcessDraft: ProcessDraft = {
  name: '',
  description: '',
  appliesToGroups: [],
  protectedAccounts: false,
  credentialStore: '',
  methods: ['email_code'],
  requiredPasses: 1,
  resetMethods: ['generate'],
  policy: { minLength: 15, maxLength: 128, adComplexity: false },
  unlock: true,
  requireChange: true,
  requiresApproval: false,
  settings: {
    attemptsPerMethod: 3,
    attemptWindowHours: 8,
    codeLength: 6,
    maxSends: 4,
    resendPauseSeconds: 30,
    resetsPerDay: 3,
    verificationValidMinutes: 15,
  },
}
