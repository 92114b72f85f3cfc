// Email over SMTP (nodemailer): codes, reset instructions and after-reset notices; and SMS either
// through an HTTP provider API or, when none is configured, as plain-text mail to the carrier's
// email-to-SMS gateway (<digits>@<gateway>, chosen by rules/verification.ts).
import nodemailer, { type Transporter } from 'nodemailer'
import type { Notifier, OutboundMessage } from './notifier'
import type { HttpSmsProvider } from './sms-provider'

export interface SmtpConfig {
  host: string
  port: number
  /** Implicit TLS (usually 465). Otherwise STARTTLS is used when offered, and required with requireTls. */
  secure: boolean
  requireTls?: boolean
  user?: string
  /** From the secret store. */
  password?: string
  /** The sender, e.g. "Service Desk <servicedesk@example.com>". */
  from: string
  tls?: { rejectUnauthorized?: boolean; ca?: string; servername?: string }
  timeoutMs?: number
}

export class SmtpNotifier implements Notifier {
  readonly smsProviderConfigured: boolean
  private readonly transport: Transporter

  constructor(
    private readonly config: SmtpConfig,
    private readonly sms: HttpSmsProvider | null = null,
  ) {
    this.smsProviderConfigured = sms !== null
    const timeout = config.timeoutMs ?? 15_000
    this.transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS: config.requireTls ?? false,
      auth: config.user ? { user: config.user, pass: config.password ?? '' } : undefined,
      tls: config.tls,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
      // One connection per message: a broken pooled connection never eats a code.
      pool: false,
      logger: false,
      debug: false,
    })
  }

  async deliver(message: OutboundMessage): Promise<void> {
    if (message.channel === 'sms' && this.sms) {
      await this.sms.send(message.to, message.text)
      return
    }
    try {
      await this.transport.sendMail({
        from: this.config.from,
        to: message.to,
        // Gateways turn the subject into a prefix of the SMS; keep a text message text-only.
        subject: message.channel === 'sms' ? undefined : (message.subject ?? undefined),
        text: message.text,
        html: message.channel === 'email' ? message.html : undefined,
      })
    } catch (e) {
      // Code and SMTP status only: the server's reply may quote addresses.
      const err = e as { code?: string; responseCode?: number }
      throw new Error(`smtp delivery failed: ${err.code ?? 'error'}${err.responseCode ? ` ${err.responseCode}` : ''}`)
    }
  }

  /** F1 readiness: connects and greets the SMTP server without sending. */
  async ping(): Promise<void> {
    await this.transport.verify()
  }

  close(): void {
    this.transport.close()
  }
}
