// R5.2: an HTTP SMS provider API. Providers differ in field names and body format, so both are
// settings: a JSON or form POST to one URL, with the provider's token in a header (S3: the token
// comes from the keychain, never from the config file).

export interface SmsProviderConfig {
  url: string
  format: 'json' | 'form'
  /** From the secret store. */
  token: string
  /** Header carrying the token, and its scheme ('' for a bare token). */
  authHeader?: string
  authScheme?: string
  toField?: string
  textField?: string
  /** Sender id or number, when the provider wants one. */
  from?: string
  fromField?: string
  timeoutMs?: number
}

export class HttpSmsProvider {
  constructor(private readonly config: SmsProviderConfig) {}

  /** Throws on any failure (network, timeout, non-2xx); the caller maps it to DELIVERY_FAILED. */
  async send(to: string, text: string): Promise<void> {
    const c = this.config
    const fields: Record<string, string> = { [c.toField ?? 'to']: to, [c.textField ?? 'text']: text }
    if (c.from) fields[c.fromField ?? 'from'] = c.from
    const scheme = c.authScheme ?? 'Bearer'
    let response: Response
    try {
      response = await fetch(c.url, {
        method: 'POST',
        headers: {
          'content-type': c.format === 'json' ? 'application/json' : 'application/x-www-form-urlencoded',
          [c.authHeader ?? 'authorization']: scheme ? `${scheme} ${c.token}` : c.token,
        },
        body: c.format === 'json' ? JSON.stringify(fields) : new URLSearchParams(fields).toString(),
        signal: AbortSignal.timeout(c.timeoutMs ?? 10_000),
        redirect: 'error',
      })
    } catch (e) {
      throw new Error(`sms provider unreachable: ${(e as Error).name}`)
    }
    // Drain the body so the connection is released; its content is not logged (it may echo the text).
    await response.arrayBuffer().catch(() => undefined)
    if (!response.ok) throw new Error(`sms provider refused: HTTP ${response.status}`)
  }
}
