// S3: secrets (the agent's refresh token, connector passwords and tokens) live in the OS keychain,
// never in a file, a log or the renderer. Everything that needs one goes through this interface.
export interface SecretStore {
  get(account: string): Promise<string | null>
  set(account: string, secret: string): Promise<void>
  delete(account: string): Promise<boolean>
}

/** For unit tests only: the integration tests use the real keychain. */
export class MemorySecretStore implements SecretStore {
  private readonly secrets = new Map<string, string>()
  async get(account: string) {
    return this.secrets.get(account) ?? null
  }
  async set(account: string, secret: string) {
    this.secrets.set(account, secret)
  }
  async delete(account: string) {
    return this.secrets.delete(account)
  }
}
