// The only file that imports keytar: the OS keychain (Keychain on macOS, Credential Vault on
// Windows, the Secret Service on Linux). A missing or locked keychain is a catalogue error,
// never a fallback to a file.
import { createRequire } from 'node:module'
import { AppError } from '../../../shared/errors'
import type { SecretStore } from './secret-store'

type Keytar = typeof import('keytar')
// keytar is a native CommonJS module; load it lazily so that only code that needs the keychain
// pays for it (and a machine without one fails here, with a clear error, not at start-up).
let keytar: Keytar | undefined
function load(): Keytar {
  keytar ??= createRequire(import.meta.url)('keytar') as Keytar
  return keytar
}

export class KeytarSecretStore implements SecretStore {
  constructor(private readonly service = 'ResetDesk') {}

  private async guard<T>(work: (k: Keytar) => Promise<T>): Promise<T> {
    try {
      return await work(load())
    } catch (e) {
      throw new AppError('KEYCHAIN_UNAVAILABLE', { reason: (e as Error).name })
    }
  }
  get(account: string) {
    return this.guard((k) => k.getPassword(this.service, account))
  }
  set(account: string, secret: string) {
    return this.guard((k) => k.setPassword(this.service, account, secret))
  }
  delete(account: string) {
    return this.guard((k) => k.deletePassword(this.service, account))
  }
}
