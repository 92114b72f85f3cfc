// Where the console's backend is: the embedded demo desk, or a standalone server for the whole
// desk; and whether it is a walk-up kiosk (B7). IT deploys a machine-wide policy file that wins
// over the agent's own settings file, key by key, so a locked-down desktop cannot be pointed
// elsewhere or taken out of kiosk mode. Plain Node (no electron import) for tests.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { AppError } from '../../../shared/errors'
import { z } from 'zod'
import { kioskSettingsSchema, ordinaryConsoleSettings, type KioskSettings } from '../../../shared/ipc/contract'

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]'])

export const backendSettingSchema = z.discriminatedUnion('mode', [
  z.object({ mode: z.literal('embedded') }).strict(),
  z
    .object({
      mode: z.literal('remote'),
      url: z
        .string()
        .url()
        // Tokens cross this connection: HTTPS, except to this machine (a local proxy, tests).
        .refine((u) => {
          const url = new URL(u)
          return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname))
        }, 'the backend URL must use https (http only to this machine)'),
    })
    .strict(),
])
export type BackendSetting = z.infer<typeof backendSettingSchema>

/**
 * G1: the embedded desk chosen on first run ("Try the demo desk"), or set by IT in the policy
 * (a training room). Only the demo is ever chosen here: a real desk is connectors.json or remote.
 */
export const deskChoiceSchema = z.literal('demo')
export type DeskChoice = z.infer<typeof deskChoiceSchema>

/** Other keys (connectors) belong to other parts of the console and pass through. */
const settingsFileSchema = z
  .object({ backend: backendSettingSchema.optional(), kiosk: kioskSettingsSchema.optional(), desk: deskChoiceSchema.optional() })
  .passthrough()

export interface ConsoleSettings {
  backend: BackendSetting
  /** Which file decided the backend: shown in the About box and logged at start. */
  source: 'policy' | 'settings' | 'default'
  /** B7: full screen, idle lock, wipe between visitors; decided like the backend, policy first. */
  kiosk: KioskSettings
  /** G1: the embedded desk's recorded choice (policy first); null until someone chooses. */
  desk: DeskChoice | null
}

export class PolicyFileError extends Error {
  override name = 'PolicyFileError'
}

/** The machine-wide policy file's usual place on each platform. */
export function machinePolicyPath(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): string {
  if (platform === 'win32') return join(env.ProgramData ?? 'C:\\ProgramData', 'ResetDesk', 'policy.json')
  if (platform === 'darwin') return '/Library/Application Support/ResetDesk/policy.json'
  return '/etc/resetdesk/policy.json'
}

async function readJson(file: string): Promise<unknown | undefined> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
  return JSON.parse(text)
}

/**
 * Policy first, then the agent's settings, then the embedded demo desk. A policy file that is
 * present but invalid stops the console (fail closed: IT meant something); a broken personal
 * settings file is ignored with a warning.
 */
export async function loadConsoleSettings(
  files: { policyFile: string; settingsFile: string },
  warn: (message: string) => void = () => {},
): Promise<ConsoleSettings> {
  let policy: z.infer<typeof settingsFileSchema> | undefined
  try {
    const raw = await readJson(files.policyFile)
    policy = raw === undefined ? undefined : settingsFileSchema.parse(raw)
  } catch (e) {
    const detail = e instanceof z.ZodError ? e.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') : (e as Error).message
    throw new PolicyFileError(`The machine policy file ${files.policyFile} is invalid: ${detail}`)
  }
  let settings: z.infer<typeof settingsFileSchema> | undefined
  try {
    const raw = await readJson(files.settingsFile)
    settings = raw === undefined ? undefined : settingsFileSchema.parse(raw)
  } catch (e) {
    warn(`ignoring ${files.settingsFile}: ${e instanceof z.ZodError ? e.issues.map((i) => i.message).join('; ') : (e as Error).message}`)
  }
  const kiosk = policy?.kiosk ?? settings?.kiosk ?? { ...ordinaryConsoleSettings.kiosk }
  const desk = policy?.desk ?? settings?.desk ?? null
  if (policy?.backend) return { backend: policy.backend, source: 'policy', kiosk, desk }
  if (settings?.backend) return { backend: settings.backend, source: 'settings', kiosk, desk }
  return { backend: { mode: 'embedded' }, source: 'default', kiosk, desk }
}

/**
 * G1: records the first-run choice in the agent's settings.json, keeping every other key. A file
 * that is there but not a JSON object is left alone (it is the agent's; overwriting would lose
 * it): SETTINGS_UNWRITABLE. Written to a temporary file and renamed, so a crash leaves the old
 * file or the new one, never half of one.
 */
export async function recordDeskChoice(settingsFile: string, desk: DeskChoice): Promise<void> {
  try {
    const current = await readJson(settingsFile).catch(() => null)
    if (current === null || (current !== undefined && (typeof current !== 'object' || Array.isArray(current))))
      throw new Error('not a JSON object')
    const next = { ...(current as Record<string, unknown> | undefined), desk: deskChoiceSchema.parse(desk) }
    await mkdir(dirname(settingsFile), { recursive: true })
    const temporary = `${settingsFile}.${process.pid}.tmp`
    await writeFile(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 })
    await rename(temporary, settingsFile)
  } catch (e) {
    throw new AppError('SETTINGS_UNWRITABLE', { reason: (e as Error).name })
  }
}

export function settingsFilePath(userDataDir: string): string {
  return join(userDataDir, 'settings.json')
}
