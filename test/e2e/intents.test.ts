// F2 in the console: a password change whose answer was lost (the directory may or may not have
// applied it) is listed for a supervisor under "Unresolved resets", with who, what and when, until
// the sweeper learns the truth. No E2E showed this view with a row before.
import { expect, seriousAxeViolations, test } from './host/fixture'
import type { CredentialStore } from '../../electron/backend/credentials/credential-store'
import type { Session } from '../../electron/backend/operations'
import { contract, type Channel, type InputOf } from '../../shared/ipc/contract'

test.use({ agent: 'super' })

test('F2 a reset whose outcome is unknown is listed for the supervisor with its user, record and agent, axe clean', async ({
  host,
  page,
}) => {
  // The change is applied, then its answer lost; asked afterwards, the store cannot tell.
  const local = host.backend.ctx.credentialStores.local!
  const lossy: CredentialStore = {
    async resetPassword(userId, password, options) {
      await local.resetPassword(userId, password, options)
      throw new Error('socket hang up')
    },
    unlock: (userId) => local.unlock(userId),
    resetApplied: async () => null,
  }
  host.backend.ctx.credentialStores.local = lossy
  const call = <C extends Channel>(session: Session, channel: C, input: InputOf<C>) =>
    (host.backend.ops[channel] as (s: Session, i: unknown) => Promise<unknown>)(session, contract[channel].input.parse(input))

  // The desk agent resets Alex Morgan's password on a record of theirs, and is told the outcome is unknown.
  const desk: Session = { agentId: null }
  await call(desk, 'session:signIn', { username: 'desk', password: 'desk-demo-2026' })
  const record = await host.backend.store.db.selectFrom('records').select('id').where('number', '=', 'INC0010004').executeTakeFirstOrThrow()
  const flow = (await call(desk, 'flow:start', { recordId: record.id, userId: 'user-alex', processId: 'proc-standard' })) as { id: string }
  await call(desk, 'verify:confirmPersonalData', { flowId: flow.id, confirmed: true })
  const refused = await call(desk, 'reset:run', { flowId: flow.id, method: 'generate' }).catch((e: { code?: string }) => e.code)
  expect(refused).toBe('OUTCOME_UNKNOWN')

  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Unresolved resets' }).click()
  const table = page.getByRole('table', { name: 'Password changes with an unknown outcome' })
  await expect(table.getByRole('columnheader')).toHaveText(['User', 'How', 'Record', 'Agent', 'Process', 'Started', 'Agent told'])
  const row = table.getByRole('row').nth(1)
  await expect(row.getByRole('cell').nth(0)).toHaveText('user-alex')
  await expect(row.getByRole('cell').nth(1)).toHaveText('Agent reset')
  await expect(row.getByRole('cell').nth(2)).toHaveText('INC0010004')
  await expect(row.getByRole('cell').nth(6)).toHaveText(/^Outcome unknown, /)
  expect(await seriousAxeViolations(page)).toEqual([])
})
