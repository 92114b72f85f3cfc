// G5 through the console (B8 keyboard first): a new interaction for a directory caller created by
// keyboard alone and then the reset on it; "Assign to me" on a record of one's groups, then the
// reset; a caller no directory user matched starts the wizard's search from the free text.
// axe is clean on the new-interaction dialog and on the record view.
import {
  userPicker,
  expect,
  identify,
  methodCard,
  openConsole,
  openRecord,
  screenshot,
  seriousAxeViolations,
  startWizard,
  test,
  type BrowserHost,
  type Page,
} from './host/fixture'

test.describe('G5 interactions and assignment in the console', () => {
  let host: BrowserHost
  let page: Page
  test.beforeEach(async ({ host: h, page: p }) => {
    host = h
    page = p
  })

  /** Verify by R5.5 and reset with a generated password, from the Verify step on. */
  async function verifyAndGenerate() {
    await (await methodCard(page, 'Personal data confirmation')).getByRole('button', { name: 'Caller confirms it is correct' }).click()
    await page.getByRole('button', { name: 'Continue to reset' }).click()
    await expect(page.getByRole('heading', { name: /^Reset the password of / }).first()).toBeVisible()
    await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()
  }

  test('creates an interaction for a directory caller by keyboard alone, then resets their password on it', async () => {
    await page.keyboard.press('Alt+N')
    const dialog = page.getByRole('dialog', { name: 'New interaction' })
    await expect(dialog.first()).toBeVisible()
    // Focus starts in the caller combobox: type, pick with the arrow keys and Enter.
    await page.keyboard.type('alex mor')
    const option = dialog.getByRole('option', { name: /Alex Morgan/ })
    await expect(option.first()).toBeVisible()
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'new-interaction-dialog')
    if ((await option.getAttribute('data-focus')) === null) await page.keyboard.press('ArrowDown')
    await page.keyboard.press('Enter')
    await expect(dialog.getByText('Caller: Alex Morgan.').first()).toBeVisible()
    // Tab to the channel (phone by default), arrow to walk-up, Tab to the description, Enter.
    await page.keyboard.press('Tab')
    await page.keyboard.press('ArrowRight')
    await expect(dialog.getByRole('radio', { name: 'Walk-up' })).toBeChecked()
    await page.keyboard.press('Tab')
    await page.keyboard.type('Forgot password after leave')
    await page.keyboard.press('Enter')

    // The interaction opens at once, numbered after the demo desk's 100, assigned to the agent.
    await expect(page.getByRole('heading', { level: 1, name: 'IMS0000101: Forgot password after leave' }).first()).toBeVisible()
    await expect(dialog).toHaveCount(0)
    const fields = page.locator('dl.fields')
    await expect(fields).toHaveText(/Opened for\s+Alex Morgan\s/, { useInnerText: true })
    await expect(fields).toHaveText(/Channel\s+walk-up\s/, { useInnerText: true })
    await expect(fields).toHaveText(/Assigned to\s+Dana Desk\s/, { useInnerText: true })
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'new-interaction-record')

    // More actions has the focus: Enter opens it on "Reset password", Enter starts.
    await expect(page.getByRole('button', { name: 'More actions' }).and(page.locator(':focus'))).toBeVisible()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('menuitem', { name: 'Reset password' }).and(page.locator('[data-focus]'))).toBeVisible()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { name: 'Identify the user' }).and(page.locator(':focus'))).toBeVisible()
    await expect(userPicker(page)).toHaveValue('Alex Morgan')
    await identify(page)
    await verifyAndGenerate()

    const record = await host.backend.store.db
      .selectFrom('records')
      .selectAll()
      .where('number', '=', 'IMS0000101')
      .executeTakeFirstOrThrow()
    expect(record).toMatchObject({
      kind: 'interaction',
      caller_id: 'user-alex',
      caller_name: 'Alex Morgan',
      channel: 'walk-up',
      assigned_to: 'agent-desk',
    })
    const resets = await host.backend.store.db
      .selectFrom('flows')
      .innerJoin('resets', 'resets.flow_id', 'flows.id')
      .select('resets.status')
      .where('flows.record_id', '=', record.id)
      .execute()
    expect(resets.map((r) => r.status)).toEqual(['done'])
  })

  test('"Assign to me" on a record of the agent\'s group, then the reset', async () => {
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
    await expect(refusal.first()).toBeVisible()
    await expect(refusal).toContainText('You are not the assignee of this record.')
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'record-assign-to-me')
    await refusal.getByRole('button', { name: 'Assign to me' }).click()
    await expect(refusal).toHaveCount(0)
    await expect(page.locator('dl.fields')).toHaveText(/Assigned to\s+Dana Desk\s/, { useInnerText: true })
    const assignment = page.locator('ol.activity li[data-kind="assignment"]').first()
    await expect(assignment.first()).toBeVisible()
    await expect(assignment).toContainText('Assigned to Dana Desk (was Avery Admin).')
    expect(await seriousAxeViolations(page)).toEqual([])

    await startWizard(page)
    await expect(userPicker(page)).toHaveValue(record.caller_name!)
    await identify(page)
    await verifyAndGenerate()
    const audit = await db
      .selectFrom('audit')
      .select(['action', 'outcome', 'detail'])
      .where('record_id', '=', record.id)
      .where('action', '=', 'record.assign')
      .execute()
    expect(audit.map((a) => [a.outcome, JSON.parse(a.detail)])).toEqual([['assigned', { from: 'agent-admin', to: 'agent-desk' }]])
  })

  test('a caller no directory user matched is shown so, and the wizard searches from the free text', async () => {
    const db = host.backend.store.db
    await db.updateTable('records').set({ caller_id: null, caller_name: 'alex.morgan' }).where('number', '=', 'INC0010004').execute()
    await openRecord(page, 'INC0010004')
    await expect(page.locator('dl.fields')).toContainText('alex.morgan (not matched to a directory user)')
    await startWizard(page)
    // No user chosen yet: the drop-down holds the caller's text, and its list the users it matches.
    await expect(userPicker(page)).toHaveValue('alex.morgan')
    await expect(page.getByTestId('user-card')).toHaveCount(0)
    await userPicker(page).press('ArrowDown')
    await page.getByRole('option', { name: /Alex Morgan/ }).click()
    await expect(userPicker(page)).toHaveValue('Alex Morgan')
    await expect(page.getByTestId('user-card').getByRole('heading', { name: 'Alex Morgan' })).toBeVisible()
    expect(await seriousAxeViolations(page)).toEqual([])
  })

  test('names the missing role where R1 refuses a reset for want of one, and offers nothing to take', async () => {
    const browser = page.context().browser()!
    const viewer = await openConsole(browser, host, 'viewer')
    try {
      await openRecord(viewer.page, 'INC0010149') // assigned to the viewer, who holds no reset role
      const refusal = viewer.page.getByTestId('reset-refusal')
      await expect(refusal.first()).toBeVisible()
      await expect(refusal).toContainText(
        'does not hold a password reset role. It needs one of: password_reset_service_desk, password_reset_admin.',
      )
      await expect(refusal.getByRole('button')).toHaveCount(0)
      await expect(viewer.page.getByRole('button', { name: /New interaction/ })).toHaveCount(0)
      expect(await seriousAxeViolations(viewer.page)).toEqual([])
      expect(viewer.pageErrors).toEqual([])
    } finally {
      await viewer.context.close()
    }
  })
})
