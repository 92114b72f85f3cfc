// Issue 4: which real connectors the backend uses, from ONE file: connectors.json in the app's
// data folder, or the machine-wide policy file IT deploys (which wins). Passwords and tokens are
// never in the file (S3): a field that needs one names a keychain entry, { "secret": "<account>" },
// resolved through the SecretStore (keytar in main). Unknown keys are refused, so a password typed
// into the file by mistake fails the start instead of being used.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { BackendConfig } from '../index'
import type { AgentDirectory, CredentialStore, Directory } from '../credentials/credential-store'
import type { Logger } from '../rules/context'
import { LdapDirectory } from '../directory/ldap-directory'
import { directoryLayoutShape, groupRef } from '../directory/directory-layout'
import { SmtpNotifier } from '../notify/smtp-notifier'
import { HttpSmsProvider } from '../notify/sms-provider'

/** The part of main's SecretStore the backend needs (structural: the backend never imports main). */
export interface SecretReader {
  get(account: string): Promise<string | null>
}

const secretRef = z.strictObject({ secret: z.string().min(1).max(200) })
const tlsSchema = z.strictObject({
  /** A PEM file with the CA that signed the server's certificate (corporate CAs). */
  caFile: z.string().optional(),
  rejectUnauthorized: z.boolean().default(true),
  servername: z.string().optional(),
})

export const connectorsConfigSchema = z.strictObject({
  version: z.literal(1),
  directory: z
    .strictObject({
      /** The credential store name processes refer to (Process.credentialStore). */
      name: z.string().min(1).default('ldap'),
      /** Also search and read users here (otherwise the embedded directory is used for that). */
      useAsDirectory: z.boolean().default(true),
      dialect: z.enum(['openldap', 'ad']),
      url: z.string().regex(/^ldaps?:\/\/[^/\s]+\/?$/, 'ldap://host[:port] or ldaps://host[:port]'),
      startTls: z.boolean().default(false),
      bindDn: z.string().min(1),
      bindPassword: secretRef,
      // G2: where callers and agents live, what they sign in with, which attributes hold what,
      // how groups are recorded (directory-layout.ts documents each field).
      ...directoryLayoutShape,
      /** Agents sign in with their directory credentials (G3). */
      agentSignIn: z
        .strictObject({
          /** Only members (direct or nested) of these groups, by DN or name, may sign in. */
          groups: z.array(groupRef).min(1),
          /** The groups (DNs or names) that grant each role; a member of none is refused. */
          roleGroups: z.strictObject({
            password_reset_service_desk: z.array(groupRef).default([]),
            password_reset_admin: z.array(groupRef).default([]),
            password_reset_supervisor: z.array(groupRef).default([]),
          }),
        })
        .optional(),
      tls: tlsSchema.optional(),
      timeoutMs: z.number().int().min(100).max(60_000).default(5000),
    })
    .refine((d) => !d.agentSignIn || d.agents !== undefined, {
      message: 'agentSignIn needs the agents entry (where agents live)',
      path: ['agents'],
    })
    .optional(),
  email: z
    .strictObject({
      host: z.string().min(1),
      port: z.number().int().min(1).max(65535),
      secure: z.boolean(),
      requireTls: z.boolean().default(false),
      user: z.string().optional(),
      password: secretRef.optional(),
      from: z.string().min(3),
      tls: tlsSchema.optional(),
      timeoutMs: z.number().int().min(100).max(120_000).default(15_000),
    })
    .optional(),
  sms: z
    .strictObject({
      url: z.url(),
      format: z.enum(['json', 'form']),
      token: secretRef,
      authHeader: z.string().default('authorization'),
      authScheme: z.string().default('Bearer'),
      toField: z.string().default('to'),
      textField: z.string().default('text'),
      from: z.string().optional(),
      fromField: z.string().default('from'),
      timeoutMs: z.number().int().min(100).max(60_000).default(10_000),
    })
    .optional(),
  resetPage: z
    .strictObject({
      /** What users' browsers open: the link is `${publicUrl}#token=...`. */
      publicUrl: z.url(),
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(7420),
    })
    .optional(),
})
export type ConnectorsConfig = z.infer<typeof connectorsConfigSchema>

export const CONNECTORS_FILE = 'connectors.json'

/** Refuses a file that fails the schema, naming the fields but never echoing their values. */
export function parseConnectorsConfig(json: unknown, source: string): ConnectorsConfig {
  const parsed = connectorsConfigSchema.safeParse(json)
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.code}`).join('; ')
    throw new Error(`${source} is not a valid connectors configuration (${where})`)
  }
  return parsed.data
}

/** The machine-wide policy file wins over the user's data folder; neither means embedded defaults. */
export function loadConnectorsConfig(where: { dataDir: string; policyFile?: string }): { config: ConnectorsConfig; source: string } | null {
  const candidates = [where.policyFile, join(where.dataDir, CONNECTORS_FILE)].filter((p): p is string => !!p)
  for (const file of candidates) {
    if (!existsSync(file)) continue
    let json: unknown
    try {
      json = JSON.parse(readFileSync(file, 'utf8'))
    } catch {
      throw new Error(`${file} is not valid JSON`)
    }
    return { config: parseConnectorsConfig(json, file), source: file }
  }
  return null
}

async function secret(secrets: SecretReader, ref: { secret: string }): Promise<string> {
  const value = await secrets.get(ref.secret)
  if (value === null || value === '')
    throw new Error(
      `the keychain has no entry "${ref.secret}" (service "ResetDesk"; add it with the OS keychain tool, e.g. secret-tool or Credential Manager)`,
    )
  return value
}

const readTls = (tls: z.infer<typeof tlsSchema> | undefined) =>
  tls
    ? {
        ca: tls.caFile ? readFileSync(tls.caFile, 'utf8') : undefined,
        rejectUnauthorized: tls.rejectUnauthorized,
        servername: tls.servername,
      }
    : undefined

export interface Connectors {
  backend: Pick<BackendConfig, 'directory' | 'credentialStores' | 'notifier' | 'resetLinkBase' | 'agentDirectory'>
  resetPage: ConnectorsConfig['resetPage'] | null
  close(): void
}

/** Builds the configured connectors, with their secrets from the keychain. */
export async function buildConnectors(config: ConnectorsConfig, secrets: SecretReader, log: Logger): Promise<Connectors> {
  let directory: Directory | undefined
  let agentDirectory: AgentDirectory | undefined
  const credentialStores: Record<string, CredentialStore> = {}
  if (config.directory) {
    const d = config.directory
    const { name: _name, useAsDirectory: _use, agentSignIn: _agents, bindPassword, tls, ...layout } = d
    const ldap = new LdapDirectory({ ...layout, bindPassword: await secret(secrets, bindPassword), tls: readTls(tls) }, log)
    credentialStores[d.name] = ldap
    if (d.useAsDirectory) directory = ldap
    if (d.agentSignIn)
      agentDirectory = {
        authenticate: (u, p) => ldap.authenticateAgent(u, p),
        groups: d.agentSignIn.groups,
        roleGroups: d.agentSignIn.roleGroups,
      }
  }
  const sms = config.sms ? new HttpSmsProvider({ ...config.sms, token: await secret(secrets, config.sms.token) }) : null
  let notifier: SmtpNotifier | undefined
  if (config.email) {
    const e = config.email
    notifier = new SmtpNotifier(
      {
        host: e.host,
        port: e.port,
        secure: e.secure,
        requireTls: e.requireTls,
        user: e.user,
        password: e.password ? await secret(secrets, e.password) : undefined,
        from: e.from,
        tls: readTls(e.tls),
        timeoutMs: e.timeoutMs,
      },
      sms,
    )
  } else if (sms) {
    throw new Error('an SMS provider needs the email connector too (reset links and email codes go by SMTP)')
  }
  return {
    backend: { directory, credentialStores, notifier, resetLinkBase: config.resetPage?.publicUrl, agentDirectory },
    resetPage: config.resetPage ?? null,
    close: () => notifier?.close(),
  }
}
