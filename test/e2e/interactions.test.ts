// G5 through the console (B8 keyboard first): a new interaction for a directory caller created by
// keyboard alone and then the reset on it; "Assign to me" on a record of one's groups, then the
// reset; a caller no directory user matched starts the wizard's search from the free text.
// axe is clean on the new-interaction dialog and on the record view.
import { beforeEach, describe, expect, it } from 'vitest'
import {
  consolePerTest, e2eMissingReason, identify, methodCard, openConsole, openRecord, screenshot,
  selectedUser, seriousAxeViolations, startWizard, userPicker, visible, type BrowserHost, type Page,
} from './host/fixture'

const missing = e2eMissingReason()

describe.skipIf(missing)('G5 interactions and assignment in the console', () => {
  const t = consolePerTest('desk')
  let host: BrowserHost
  let page: Page
  beforeEach(async () => {
    ;({ host, page } = t)
  })

  /** Verify by R5.5 and reset with a generated password, from the Verify step on. */
  async function verifyAndGenerate() {
    await (await methodCard(page, 'Personal data confirmation')).getByRole('button', { name: 'Caller confirms it is correct' }).click()
    await page.getByRole('button', { name: 'Continue to reset' }).click()
    await visible(page.getByRole('heading', { name: /^Reset the password of / }))
    await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
    await page.getByRole('button', { name: 'Reset password' }).click()
    await visible(page.getByRole('heading', { name: 'Password reset complete' }))
  }

  it('creates an interaction for a directory caller by keyboard alone, then resets their password on it', async () => {
    await page.keyboard.press('Alt+N')
    const dialog = page.getByRole('dialog', { name: 'New interaction' })
    await visible(dialog)
    // Focus starts in the caller combobox: type, pick with the arrow keys and Enter.
    await page.keyboard.type('alex mor')
    const option = dialog.getByRole('option', { name: /Alex Morgan/ })
    await visible(option)
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'new-interaction-dialog')
    if ((await option.getAttribute('data-focus')) === null) await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await visible(dialog.getByText('Caller: Alex Morgan.'))
    // Tab to the channel (phone by default), arrow to walk-up, Tab to the description, Enter.
    await page.keyboard.press('Tab')
    await page.keyboard.press('ArrowRight')
    expect(await dialog.getByRole('radio', { name: 'Walk-up' }).isChecked()).toBe(true)
    await page.keyboard.press('Tab')
    await page.keyboard.type('Forgot password after leave')
    await page.keyboard.press('Enter')

    // The interaction opens at once, numbered after the demo desk's 100, assigned to the agent.
    await visible(page.getByRole('heading', { level: 1, name: 'IMS0000101: Forgot password after leave' }))
    expect(await dialog.count()).toBe(0)
    const fields = page.locator('dl.fields')
    expect(await fields.innerText()).toMatch(/Opened for\s+Alex Morgan\s/)
    expect(await fields.innerText()).toMatch(/Channel\s+walk-up\s/)
    expect(await fields.innerText()).toMatch(/Assigned to\s+Dana Desk\s/)
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'new-interaction-record')

    // More actions has the focus: Enter opens it on "Reset password", Enter starts.
    await page.getByRole('button', { name: 'More actions' }).and(page.locator(':focus')).waitFor()
    await page.keyboard.press('Enter')
    await visible(page.getByRole('menuitem', { name: 'Reset password' }).and(page.locator('[data-focus]')))
    await page.keyboard.press('Enter')
    await visible(page.getByRole('heading', { name: 'Identify the user' }))
    await page.waitForFunction(() => document.activeElement?.textContent === 'Identify the user')
    expect(await selectedUser(page)).toBe('Alex Morgan')
    await identify(page)
    await verifyAndGenerate()

    const record = await host.backend.store.db.selectFrom('records').selectAll().where('number', '=', 'IMS0000101').executeTakeFirstOrThrow()
    expect(record).toMatchObject({ kind: 'interaction', caller_id: 'user-alex', caller_name: 'Alex Morgan', channel: 'walk-up', assigned_to: 'agent-desk' })
    const resets = await host.backend.store.db.selectFrom('flows').innerJoin('resets', 'resets.flow_id', 'flows.id').select('resets.status').where('flows.record_id', '=', record.id).execute()
    expect(resets.map((r) => r.status)).toEqual(['done'])
  })

  it('"Assign to me" on a record of the agent\'s group, then the reset', async () => {
    const db = host.backend.store.db
    // An open Service Desk incident held by a colleague, for a caller the standard process serves.
    const record = await db
      .selectFrom('records')
      .innerJoin('directory_users', 'directory_users.id', 'records.caller_id')
      .select(['records.id', 'records.number', 'records.caller_name'])
      .where('records.kind', '=', 'incident')
      .where('records.active', '=', 1)
      .where('records.assignment_group', '=', 'Service Desk')
      .where('records.assigned_to', '=', 'agent-admin')
      .where('directory_users.email', 'is not', null)
      .where('directory_users.protected', '=', 0)
      .orderBy('records.number')
      .limit(1)
      .executeTakeFirstOrThrow()

    await openRecord(page, record.number, { filter: 'My groups' })
    const refusal = page.getByTestId('reset-refusal')
    await visible(refusal)
    expect(await refusal.innerText()).toContain('You are not the assignee of this record.')
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'record-assign-to-me')
    await refusal.getByRole('button', { name: 'Assign to me' }).click()
    await refusal.waitFor({ state: 'detached' })
    expect(await page.locator('dl.fields').innerText()).toMatch(/Assigned to\s+Dana Desk\s/)
    const assignment = page.locator('ol.activity li[data-kind="assignment"]').first()
    await visible(assignment)
    expect(await assignment.innerText()).toContain('Assigned to Dana Desk (was Avery Admin).')
    expect(await seriousAxeViolations(page)).toEqual([])

    await startWizard(page)
    expect(await selectedUser(page)).toBe(record.caller_name)
    await identify(page)
    await verifyAndGenerate()
    const audit = await db.selectFrom('audit').select(['action', 'outcome', 'detail']).where('record_id', '=', record.id).where('action', '=', 'record.assign').execute()
    expect(audit.map((a) => [a.outcome, JSON.parse(a.detail)])).toEqual([['assigned', { from: 'agent-admin', to: 'agent-desk' }]])
  })

  it('a caller no directory user matched is shown so, and the wizard searches from the free text', async () => {
    const db = host.backend.store.db
    await db.updateTable('records').set({ caller_id: null, caller_name: 'alex.morgan' }).where('number', '=', 'INC0010004').execute()
    await openRecord(page, 'INC0010004')
    expect(await page.locator('dl.fields').innerText()).toContain('alex.morgan (not matched to a directory user)')
    await startWizard(page)
    // No user chosen yet: the drop-down holds the caller's text, and its list the users it matches.
    expect(await selectedUser(page)).toBe('alex.morgan')
    expect(await page.getByTestId('user-card').count()).toBe(0)
    await userPicker(page).press('ArrowDown')
    await page.getByRole('option', { name: /Alex Morgan/ }).click()
    expect(await selectedUser(page)).toBe('Alex Morgan')
    await visible(page.getByTestId('user-card').getByRole('heading', { name: 'Alex Morgan' }))
    expect(await seriousAxeViolations(page)).toEqual([])
  })

  it('names the missing role where R1 refuses a reset for want of one, and offers nothing to take', async () => {
    const browser = page.context().browser()!
    const viewer = await openConsole(browser, host, 'viewer')
    try {
      await openRecord(viewer.page, 'INC0010149') // assigned to the viewer, who holds no reset role
      const refusal = viewer.page.getByTestId('reset-refusal')
      await visible(refusal)
      expect(await refusal.innerText()).toContain('does not hold a password reset role. It needs one of: password_reset_service_desk, password_reset_admin.')
      expect(await refusal.getByRole('button').count()).toBe(0)
      expect(await viewer.page.getByRole('button', { name: /New interaction/ }).count()).toBe(0)
      expect(await seriousAxeViolations(viewer.page)).toEqual([])
      expect(viewer.pageErrors).toEqual([])
    } finally {
      await viewer.context.close()
    }
  })
})
