// G1, S3: the embedded backend's keying secret (codes, reset-link tokens and sealed outbox
// messages are keyed with it). Generated once and kept in the OS keychain, so a code or link sent
// before a restart still works after it; never in a file or a log line.
import { randomBytes } from 'node:crypto'
import { AppError } from '../../../shared/errors'
import type { SecretStore } from './secret-store'

/** The keychain account (service "ResetDesk"); named in DESK_SECRET_INVALID's advice. */
export const backendSecretAccount = 'backend-secret'
const secretBytes = 32

/**
 * The stored secret, or a fresh one stored first. A stored value that is not what this function
 * writes (base64 of at least 32 bytes) is refused rather than replaced: replacing it would
 * silently void every code and link in flight, and means something else wrote the entry.
 */
export async function loadBackendSecret(secrets: SecretStore, random: (size: number) => Buffer = randomBytes): Promise<Buffer> {
  const stored = await secrets.get(backendSecretAccount)
  if (stored !== null) {
    const secret = Buffer.from(stored, 'base64')
    if (secret.length < secretBytes || secret.toString('base64') !== stored) throw new AppError('DESK_SECRET_INVALID')
    return secret
  }
  const secret = random(secretBytes)
  await secrets.set(backendSecretAccount, secret.toString('base64'))
  return secret
}
