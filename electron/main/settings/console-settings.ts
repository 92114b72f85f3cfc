// Where the console's backend is: the embedded demo desk, or a standalone server for the whole
// desk; and whether it is a walk-up kiosk (B7). IT deploys a machine-wide policy file that wins
// over the agent's own settings file, key by key, so a locked-down desktop cannot be pointed
// elsewhere or taken out of kiosk mode. Plain Node (no electron import) for tests.
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
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

/** Other keys (connectors) belong to other parts of the console and pass through. */
const settingsFileSchema = z.object({ backend: backendSettingSchema.optional(), kiosk: kioskSettingsSchema.optional() }).passthrough()

export interface ConsoleSettings {
  backend: BackendSetting
  /** Which file decided the backend: shown in the About box and logged at start. */
  source: 'policy' | 'settings' | 'default'
  /** B7: full screen, idle lock, wipe between visitors; decided like the backend, policy first. */
  kiosk: KioskSettings
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
export async function loadConsoleSettings(files: { policyFile: string; settingsFile: string }, warn: (message: string) => void = () => {}): Promise<ConsoleSettings> {
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
  if (policy?.backend) return { backend: policy.backend, source: 'policy', kiosk }
  if (settings?.backend) return { backend: settings.backend, source: 'settings', kiosk }
  return { backend: { mode: 'embedded' }, source: 'default', kiosk }
}

export function settingsFilePath(userDataDir: string): string {
  return join(userDataDir, 'settings.json')
}
