// G6 pure parts: the signature a receiver recomputes, the backoff schedule, and which audited
// steps become record events.
import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { backoffMs, webhookSignature } from '../../../electron/backend/integrations/webhook-worker'
import { recordEventOfAudit } from '../../../electron/backend/integrations/webhook-outbox'
import { verifySignature } from '../../helpers/webhook-receiver'

describe('G6 webhook signature', () => {
  it('is HMAC-SHA256 over `${timestamp}.${body}`, hex, prefixed sha256=', () => {
    const body = '{"id":"e1"}'
    expect(webhookSignature('whsec_x', '1764230400', body)).toBe(
      `sha256=${createHmac('sha256', 'whsec_x').update(`1764230400.${body}`).digest('hex')}`,
    )
  })
  it('fails verification for another secret, timestamp or body', () => {
    const headers = { 'x-resetdesk-timestamp': '100', 'x-resetdesk-signature': webhookSignature('s1', '100', 'body') }
    expect(verifySignature('s1', headers, 'body')).toBe(true)
    expect(verifySignature('s2', headers, 'body')).toBe(false)
    expect(verifySignature('s1', headers, 'body!')).toBe(false)
    expect(verifySignature('s1', { ...headers, 'x-resetdesk-timestamp': '101' }, 'body')).toBe(false)
  })
})

describe('G6 backoff', () => {
  it('doubles from the base, is capped, and jitters between half and all of it', () => {
    expect(backoffMs(1, 1000, 60_000, () => 1)).toBe(1000)
    expect(backoffMs(3, 1000, 60_000, () => 1)).toBe(4000)
    expect(backoffMs(3, 1000, 60_000, () => 0)).toBe(2000)
    expect(backoffMs(30, 1000, 60_000, () => 1)).toBe(60_000)
  })
})

describe('G6 record events from audited steps', () => {
  const at = new Date('2026-11-27T10:00:00Z')
  it.each([
    [{ action: 'reset', outcome: 'done' }, 'reset.done'],
    [{ action: 'reset.link_completed', outcome: 'done' }, 'reset.done'],
    [{ action: 'reset', outcome: 'failed' }, 'reset.failed'],
    [{ action: 'flow.close', outcome: 'exit' }, 'flow.closed'],
    [{ action: 'record.assign', outcome: 'assigned' }, 'record.assigned'],
    [{ action: 'reset.reported', outcome: 'reported' }, 'reset.reported'],
    [{ action: 'reset.contain', outcome: 'locked' }, 'reset.contained'],
    [{ action: 'reset.contain', outcome: 'failed' }, 'reset.contained'],
  ])('%o is %s', (event, type) => {
    expect(recordEventOfAudit(event, at)?.type).toBe(type)
  })
  it.each([
    { action: 'reset', outcome: 'rate_limited' },
    { action: 'flow.close', outcome: 'replaced' },
    { action: 'verify', outcome: 'passed' },
    { action: 'admin.webhooks.create', outcome: 'done' },
    { action: 'record.assign', outcome: 'refused' },
    // B11: a re-lock try the store did not answer is retried; the ITSM hears the outcome once.
    { action: 'reset.contain_retry', outcome: 'failed' },
  ])('%o is no record event', (event) => {
    expect(recordEventOfAudit(event, at)).toBeNull()
  })
})
