// Bad input reaches no rule: every channel refuses malformed input with INVALID_INPUT and
// writes nothing; unknown channels and unexpected failures are catalogue errors too.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import { dispatch } from '../../electron/backend/dispatch'
import { channels } from '../../shared/ipc/contract'
import type { Session } from '../../electron/backend/operations'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!

describe('dispatch validates every input against the contract', () => {
  let h: Harness
  let desk: Session
  beforeAll(async () => {
    h = await startHarness(sqlite)
    desk = await h.signIn('desk')
  })
  afterAll(async () => h?.dispose())

  const counts = async () => {
    const db = h.backend.store.db
    const tables = ['flows', 'codes', 'attempts', 'resets', 'audit', 'outbox', 'record_activity'] as const
    return Promise.all(
      tables.map(async (t) =>
        Number(
          (
            await db
              .selectFrom(t)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ),
    )
  }

  it('refuses an unknown channel', async () => {
    const r = await dispatch(h.backend.ops, h.backend.ctx.log, desk, 'records:drop', {})
    expect(r).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } })
    const proto = await dispatch(h.backend.ops, h.backend.ctx.log, desk, '__proto__', {})
    expect(proto).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } })
  })

  it.each(channels.filter((c) => c !== 'session:current' && c !== 'session:signOut' && c !== 'carriers:list' && c !== 'audit:verify'))(
    '%s refuses malformed input with INVALID_INPUT and writes nothing',
    async (channel) => {
      const before = await counts()
      for (const bad of [{ unexpected: 'field', flowId: 42 }, 'a string', [1, 2], { flowId: 'x'.repeat(5000), recordId: null }]) {
        const r = await dispatch(h.backend.ops, h.backend.ctx.log, desk, channel, bad)
        expect(r.ok).toBe(false)
        if (!r.ok) {
          expect(r.error.code).toBe('INVALID_INPUT')
          expect(r.error.message).toBe('Some of the information entered is not valid.')
          expect(JSON.stringify(r.error.details)).not.toContain('xxxxxxxx')
        }
      }
      expect(await counts()).toEqual(before)
    },
  )

  it('refuses extra fields on empty-input channels', async () => {
    const r = await dispatch(h.backend.ops, h.backend.ctx.log, desk, 'audit:verify', { all: true })
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } })
  })

  it('answers an unexpected failure as TECHNICAL with a correlation id, never the raw message', async () => {
    const broken = {
      ...h.backend.ops,
      'records:list': async () => {
        throw new Error('SQLITE_CORRUPT: database disk image is malformed')
      },
    }
    const r = await dispatch(broken, h.backend.ctx.log, desk, 'records:list', { kind: 'incident' })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('TECHNICAL')
    expect(r.error.message).not.toContain('SQLITE')
    const id = r.error.details.correlationId as string
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(h.logLines.some((l) => l.includes(id) && l.includes('technical_error'))).toBe(true)
  })

  it('refuses every agent operation before sign-in', async () => {
    const anonymous: Session = { agentId: null }
    const r = await dispatch(h.backend.ops, h.backend.ctx.log, anonymous, 'records:list', { kind: 'incident' })
    expect(r).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } })
    const wrong = await dispatch(h.backend.ops, h.backend.ctx.log, anonymous, 'session:signIn', { username: 'desk', password: 'nope' })
    expect(wrong).toMatchObject({ ok: false, error: { code: 'INVALID_CREDENTIALS' } })
    expect(anonymous.agentId).toBeNull()
  })
})
