// Outbound messages: codes (R5.1, R5.2), reset instructions (R6.1), after-reset notices.
// The embedded default keeps them in the store's outbox; SMTP and SMS connectors implement the same.

export interface OutboundMessage {
  channel: 'email' | 'sms'
  userId: string | null
  /** An email address; for SMS a phone number (provider API) or a carrier gateway address. */
  to: string
  subject: string | null
  text: string
  /** The HTML twin of `text` for email (templates.ts); SMS and the outbox use the text. */
  html?: string
}

export interface Notifier {
  /** False when no SMS provider API is configured: SMS goes through carrier gateways (R5.2). */
  readonly smsProviderConfigured: boolean
  /** Throws on failure; the caller maps it to DELIVERY_FAILED. */
  deliver(message: OutboundMessage): Promise<void>
  /** F1 readiness: resolves when the mail server answers. */
  ping?(): Promise<void>
}
