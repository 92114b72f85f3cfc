// The demo desk's notifier: messages land in the store's outbox, sealed, where the caller
// simulator (B6) reads them back. There is no SMS provider API, so SMS goes by carrier gateway.
import { randomUUID } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../store/schema'
import type { OutboxMessage } from '../../../shared/domain/types'
import { seal, unseal } from '../crypto/secrets'
import type { Notifier, OutboundMessage } from './notifier'

export class OutboxNotifier implements Notifier {
  readonly smsProviderConfigured = false

  constructor(
    private readonly db: Kysely<DB>,
    private readonly sealKey: Buffer,
    private readonly now: () => Date,
  ) {}

  async deliver(message: OutboundMessage): Promise<void> {
    await this.db
      .insertInto('outbox')
      .values({
        id: randomUUID(),
        at: this.now().toISOString(),
        user_id: message.userId,
        channel: message.channel,
        recipient: message.to,
        subject: message.subject,
        body_sealed: seal(this.sealKey, message.text),
      })
      .execute()
  }

  /** The user's inbox and phone, newest first. */
  async mailbox(userId: string): Promise<OutboxMessage[]> {
    const rows = await this.db.selectFrom('outbox').selectAll().where('user_id', '=', userId).orderBy('at', 'desc').limit(50).execute()
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      channel: r.channel as 'email' | 'sms',
      to: r.recipient,
      subject: r.subject,
      body: unseal(this.sealKey, r.body_sealed) ?? '(sealed by an earlier run of ResetDesk)',
    }))
  }
}
