// Settings that belong to the desk, not the machine (G7): kept in the store, edited by admins in
// the console, read afresh on every use so a change on one replica holds on all at once.
import { z } from 'zod'

export const deskSettingsSchema = z
  .object({
    /** G4: the directory's mail and mobile attributes count as contact points for codes. */
    trustDirectoryContacts: z.boolean().default(true),
    /** G4: how many security questions a user must enrol from the desk's catalogue. */
    questionsRequired: z.number().int().min(1).max(10).default(3),
    /** R5: how long an emailed or texted code is valid, unless a process says otherwise. */
    codeTtlMinutes: z.number().int().min(1).max(60).default(10),
    /** B11: how long the "this wasn't me" link in an after-reset notice works. */
    wasntMeLinkDays: z.number().int().min(1).max(30).default(7),
  })
  .strict()
export type DeskSettings = z.output<typeof deskSettingsSchema>
export const defaultDeskSettings: DeskSettings = deskSettingsSchema.parse({})
