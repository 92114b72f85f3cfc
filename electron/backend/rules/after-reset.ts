// B11: after every reset, every registered address of the user is told, with one "this wasn't me"
// link for the reset (contain/wasnt-me.ts). A notice that cannot be delivered must not undo a
// reset that did happen in the directory: it is audited instead.
import type { DirectoryUser } from '../credentials/credential-store'
import { afterResetNotice, afterResetSms } from '../notify/templates'
import { recordAudit, type AuditEvent } from '../audit/audit-chain'
import { errorFacts, type RuleContext } from './context'
import { allAddresses } from '../enrolment/enrolment-store'
import { wasntMeLinkFor } from '../contain/wasnt-me'
import type { DeskSettings } from '../../../shared/domain/desk-settings'

export async function notifyAfterReset(
  ctx: RuleContext,
  user: DirectoryUser,
  how: string,
  audit: Omit<AuditEvent, 'action' | 'outcome'>,
  reset: { credentialStore: string } | null = null,
  /** The user's addresses and the desk's settings when the caller has just read them (issue 14: not read twice). */
  known?: { addresses: { emails: string[]; mobiles: string[] }; deskSettings: DeskSettings },
): Promise<void> {
  const at = ctx.now()
  const wasntMe = reset ? await wasntMeLinkFor(ctx, user.id, audit, reset.credentialStore, known?.deskSettings) : null
  const notice = afterResetNotice({ displayName: user.displayName, at, how, wasntMe })
  // G4: the personal contacts the user confirmed are registered addresses too.
  const addresses = known?.addresses ?? (await allAddresses(ctx.store.db, user))
  const messages = [
    ...addresses.emails.map((to) => ({ channel: 'email' as const, to, subject: notice.subject, text: notice.text, html: notice.html })),
    // Without a provider API a mobile needs its carrier, which only the agent knows (R5.2).
    ...(ctx.notifier.smsProviderConfigured
      ? addresses.mobiles.map((to) => ({
          channel: 'sms' as const,
          to,
          subject: null,
          text: afterResetSms({ at, wasntMeLink: wasntMe?.link ?? null }),
        }))
      : []),
  ]
  let sent = 0
  const failed: string[] = []
  for (const m of messages) {
    try {
      await ctx.notifier.deliver({ userId: user.id, ...m })
      sent++
    } catch (e) {
      failed.push(m.channel)
      ctx.log.error('reset_notice_failed', { userId: user.id, channel: m.channel, ...errorFacts(e) })
    }
  }
  const skippedMobiles = ctx.notifier.smsProviderConfigured ? 0 : addresses.mobiles.length
  await recordAudit(ctx, {
    ...audit,
    action: 'reset.notice',
    outcome: failed.length > 0 ? 'failed' : messages.length === 0 ? 'no_address' : 'sent',
    detail: { sent, failed: failed.length, skippedMobiles, wasntMeLink: wasntMe !== null },
  })
}
