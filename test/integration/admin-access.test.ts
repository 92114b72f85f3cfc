// G7 / S4: the Administration area is password_reset_admin's alone, and the backend says so.
// Every contract channel named admin:* (whoever added it) refuses a service-desk agent, a
// supervisor and an agent with no reset role with the catalogue's FORBIDDEN, embedded (dispatch,
// as main's router calls it) and over HTTP, and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { storeVariants } from '../helpers/stores'
import { startHarness, type Harness } from '../helpers/backend-harness'
import { embeddedTransport, httpTransport, type Transport } from '../helpers/transports'
import { channels, contract, type Channel } from '../../shared/ipc/contract'
import { newProcessDraft } from '../../shared/domain/process-admin'
import { AppError } from '../../shared/errors'
import { guardAdminChannels } from '../../electron/backend/admin/guard'
import type { Operations, Session } from '../../electron/backend/operations'

const sqlite = storeVariants.find((v) => v.name === 'sqlite')!
const adminChannels = channels.filter((c) => c.startsWith('admin:'))

/**
 * An input each admin channel accepts, so that the refusal is the role check and not the input
 * check. A channel whose input `{}` does not parse must be given one here: the test says which.
 */
const sampleInputs: Partial<Record<Channel, unknown>> = {
  'admin:processes:save': { ...newProcessDraft, name: 'Sneaky', credentialStore: 'local' },
  'admin:processes:setEnabled': { processId: 'proc-standard', enabled: false },
  'admin:processes:delete': { processId: 'proc-sms' },
  'admin:settings:save': { trustDirectoryContacts: false, questionsRequired: 1, codeTtlMinutes: 60 },
  'admin:questions:save': { questions: [{ text: 'What was the name of your first boss?', active: true }], questionsRequired: 1 },
  'admin:apiKeys:create': { name: 'Sneaky' },
  'admin:apiKeys:revoke': { id: 'some-key' },
  'admin:webhooks:save': { name: 'Sneaky', url: 'https://attacker.example/hook', events: ['work_note.added'] },
  'admin:webhooks:delete': { id: 'some-webhook' },
  'admin:webhooks:retry': { deliveryId: 'some-delivery' },
}

function sampleFor(channel: Channel): unknown {
  const input = sampleInputs[channel] ?? {}
  const parsed = contract[channel].input.safeParse(input)
  if (!parsed.success) throw new Error(`add a valid sample input for ${channel} to sampleInputs in admin-access.test.ts`)
  return input
}

describe('G7 every admin:* channel refuses agents without password_reset_admin', () => {
  let h: Harness
  const transports: Transport[] = []
  beforeAll(async () => {
    h = await startHarness(sqlite)
    transports.push(embeddedTransport(h), await httpTransport(h))
  })
  afterAll(async () => {
    for (const t of transports) await t.close()
    await h?.dispose()
  })

  const state = async () => {
    const db = h.backend.store.db
    return {
      processes: await db.selectFrom('processes').selectAll().orderBy('id').execute(),
      meta: await db.selectFrom('meta').selectAll().orderBy('key').execute(),
      questions: await db.selectFrom('security_questions').selectAll().orderBy('id').execute(),
      apiKeys: await db.selectFrom('api_keys').selectAll().orderBy('id').execute(),
      webhooks: await db.selectFrom('webhook_endpoints').selectAll().orderBy('id').execute(),
      audit: Number(
        (
          await db
            .selectFrom('audit')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('action', 'like', 'admin.%')
            .executeTakeFirstOrThrow()
        ).n,
      ),
    }
  }

  it('covers the admin channels of the contract', () => {
    expect(adminChannels).toEqual(
      expect.arrayContaining(['admin:processes:list', 'admin:processes:save', 'admin:settings:save', 'admin:credentialStores:list']),
    )
  })

  for (const transportIndex of [0, 1]) {
    for (const [username, password] of [
      ['desk', 'desk-demo-2026'],
      ['super', 'super-demo-2026'],
      ['viewer', 'viewer-demo-2026'],
    ] as const) {
      it(`${transportIndex === 0 ? 'embedded' : 'http'}: ${username} is refused on every admin channel`, async () => {
        const before = await state()
        const caller = transports[transportIndex]!.connect()
        await caller.call('session:signIn', { username, password })
        for (const channel of adminChannels) {
          const error = await caller.callRaw(channel, sampleFor(channel)).then(
            () => null,
            (e: unknown) => e,
          )
          expect(error, channel).toBeInstanceOf(AppError)
          expect((error as AppError).code, channel).toBe('FORBIDDEN')
        }
        expect(await state()).toEqual(before)
      })
    }
  }

  it('the guard covers an admin channel whose handler forgot its own check', async () => {
    const careless: Operations = { ...h.backend.ops, 'admin:processes:list': async () => [] }
    const guarded = guardAdminChannels(h.backend.ctx, careless)
    const desk: Session = { agentId: 'agent-desk' }
    const refused = await guarded['admin:processes:list'](desk, {}).then(
      () => null,
      (e: unknown) => e,
    )
    expect((refused as AppError).code).toBe('FORBIDDEN')
    expect(await guarded['admin:processes:list']({ agentId: 'agent-admin' }, {})).toEqual([])
  })

  it('an administrator passes the same check (the samples are real inputs)', async () => {
    const caller = transports[1]!.connect()
    await caller.call('session:signIn', { username: 'admin', password: 'admin-demo-2026' })
    expect(await caller.call('admin:processes:list', {})).not.toHaveLength(0)
    expect(await caller.call('admin:settings:get', {})).toMatchObject({ codeTtlMinutes: 10 })
  })
})
