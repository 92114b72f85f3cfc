// Issue 11 item 9 (R7): the Exit confirmation is a real modal. Before, "Back to list" behind it
// still worked and recorded "password shared: no" for a password that was read out. Now focus
// stays in the dialog, the console behind it is inert, and leaving the Done step any other way
// (Back to list, another view) asks first.
import {
  chooseUser,
  expect,
  identify,
  methodCard,
  openRecord,
  seriousAxeViolations,
  startWizard,
  test,
  type BrowserHost,
  type Page,
} from './host/fixture'

const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk
const dialogOf = (page: Page) => page.getByRole('dialog', { name: 'End this password reset?' })
const openFlowsOfAlex = (host: BrowserHost) =>
  host.backend.store.db
    .selectFrom('flows')
    .select(['id', 'close_reason'])
    .where('user_id', '=', 'user-alex')
    .where('closed_at', 'is', null)
    .execute()

/** From Identify with Alex Morgan chosen: R5.5 and an auto-generated reset, to the Done step. */
async function resetToDone(page: Page) {
  await identify(page)
  await (await methodCard(page, 'Personal data confirmation')).getByRole('button', { name: 'Caller confirms it is correct' }).click()
  await page.getByRole('button', { name: 'Continue to reset' }).click()
  await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
  await page.getByRole('button', { name: 'Reset password' }).click()
  await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()
}

test.describe('item 9: the Exit confirmation is modal and leaving Done asks first', () => {
  let host: BrowserHost
  let page: Page
  test.beforeEach(async ({ host: h, page: p }) => {
    host = h
    page = p
  })

  /** Through Identify, R5.5 and an auto-generated reset, to the Done step. */
  async function toDone() {
    await openRecord(page, alexRecord)
    await startWizard(page)
    await resetToDone(page)
  }
  const openFlows = () => openFlowsOfAlex(host)
  const dialog = () => dialogOf(page)
  const focusInDialog = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))

  test('traps focus, leaves Back to list behind it inert, and is axe clean', async () => {
    await toDone()
    const backToList = page.locator('button', { hasText: 'Back to list' })
    const box = (await backToList.boundingBox())!
    await page.getByRole('button', { name: 'Close', exact: true }).click()
    await expect(dialog().first()).toBeVisible()
    expect(await focusInDialog()).toBe(true)
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press(i % 3 === 2 ? 'Shift+Tab' : 'Tab')
      expect(await focusInDialog()).toBe(true)
    }
    // Behind the modal: out of the accessibility tree, and a click there does not reach it.
    await expect(page.getByRole('button', { name: 'Back to list' })).toHaveCount(0)
    expect(await seriousAxeViolations(page)).toEqual([])
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()
    expect(await openFlows()).toHaveLength(1)
    // A click outside or Escape means "stay": the dialog closes, the flow is still open.
    await expect(dialog()).toHaveCount(0)
    await page.getByRole('button', { name: 'Close', exact: true }).click()
    await expect(dialog().first()).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(dialog()).toHaveCount(0)
    expect(await openFlows()).toHaveLength(1)
    await expect(page.getByTestId('generated-password')).toHaveCount(1)
  })

  test('Back to list and the workspace navigation ask first; Exit then records the password as shared and goes on', async () => {
    await toDone()
    await page.getByRole('button', { name: 'Back to list' }).click()
    await expect(dialog().first()).toBeVisible()
    await dialog().getByRole('button', { name: 'Back' }).click()
    await expect(dialog()).toHaveCount(0)
    await expect(page.getByRole('heading', { name: 'Password reset complete' }).first()).toBeVisible()
    expect(await openFlows()).toHaveLength(1)

    await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Interactions' }).click()
    await expect(dialog().first()).toBeVisible()
    expect(await openFlows()).toHaveLength(1)
    await dialog().getByRole('button', { name: 'Exit', exact: true }).click()
    await expect(dialog()).toHaveCount(0)
    await expect(page.locator('nav[aria-label="Workspace"] [aria-current="page"]', { hasText: 'Interactions' }).first()).toBeVisible()
    expect(await openFlows()).toHaveLength(0)
    const exits = await host.backend.store.db
      .selectFrom('audit')
      .select('detail')
      .where('action', '=', 'flow.close')
      .where('outcome', '=', 'exit')
      .where('user_id', '=', 'user-alex')
      .execute()
    expect(exits.map((e) => JSON.parse(e.detail).passwordShared)).toEqual([true])
    await expect(page.getByText('Password reset complete')).toHaveCount(0)
  })
})

test.describe('item 9 for an administrator: Administration in the workspace navigation asks first too', () => {
  test.use({ agent: 'admin' })

  test('leaving Done for Administration opens the Exit confirmation; Exit then goes on to Administration', async ({ host, page }) => {
    // An open incident of the administrator's own; the reset is for Alex Morgan, chosen at Identify.
    const record = await host.backend.store.db
      .selectFrom('records')
      .select('number')
      .where('kind', '=', 'incident')
      .where('active', '=', 1)
      .where('assigned_to', '=', 'agent-admin')
      .orderBy('number')
      .limit(1)
      .executeTakeFirstOrThrow()
    await openRecord(page, record.number)
    await startWizard(page)
    await chooseUser(page, 'alex', /Alex Morgan/)
    await resetToDone(page)

    await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: 'Administration' }).click()
    await expect(dialogOf(page).first()).toBeVisible()
    expect(await openFlowsOfAlex(host)).toHaveLength(1)
    await dialogOf(page).getByRole('button', { name: 'Exit', exact: true }).click()
    await expect(page.getByRole('heading', { name: 'Administration', level: 1 }).first()).toBeVisible()
    expect(await openFlowsOfAlex(host)).toHaveLength(0)
  })
})
