// Issue 12 item 7 "Layout and keyboard" (B7, B8, R3) at the desk laptop's 1366×768 (axe also at
// 1920×1080): "More actions" is a real menu (arrows, Escape, a click outside; focus back on its
// button); after every action focus is on the next thing to do, never on <body>; the kiosk idle
// lock warns 30 s ahead with a countdown that any key cancels; Identify's user is a drop-down.
// Playwright's clock moves time in the kiosk test, so nothing waits 30 s.
import {
  chooseUser,
  expect,
  identify,
  kioskHost,
  methodCard,
  openConsole,
  openRecord,
  readCode,
  screenshot,
  seriousAxeViolations,
  signIn,
  startWizard,
  test,
  userPicker,
  type BrowserHost,
  type Page,
} from './host/fixture'

const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk
const sizes = [
  { width: 1366, height: 768 },
  { width: 1920, height: 1080 },
] as const

const focusIsOnBody = (page: Page) => page.evaluate(() => !document.activeElement || document.activeElement === document.body)

/** axe (serious and critical) and a screenshot at both sizes, back at 1366×768 afterwards. */
async function checkView(page: Page, name: string) {
  for (const size of sizes) {
    await page.setViewportSize(size)
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, `keyboard-${name}-${size.width}x${size.height}`)
  }
  await page.setViewportSize(sizes[0])
}

test.describe('issue 12 item 7: menus, focus and the user drop-down by keyboard', () => {
  let host: BrowserHost
  let page: Page
  test.beforeEach(async ({ host: h, page: p }) => {
    host = h
    page = p
    await page.setViewportSize(sizes[0])
  })

  const record = () => page.getByRole('article', { name: new RegExp(alexRecord) })
  const moreActions = () => page.getByRole('button', { name: 'More actions' })
  const menu = () => page.getByRole('menu')
  const activeItem = () => menu().getByRole('menuitem').and(page.locator('[data-focus]'))
  const openFlows = () => host.backend.store.db.selectFrom('flows').select('id').where('closed_at', 'is', null).execute()

  test('"More actions" opens and moves by arrow keys, closes on Escape and on a click outside, focus back on its button', async () => {
    await openRecord(page, alexRecord)
    // Opened from the list (its row is gone): focus is on the record's heading; Tab reaches the menu.
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(alexRecord) })).toBeFocused()
    await page.keyboard.press('Tab')
    await expect(moreActions()).toBeFocused()

    await page.keyboard.press('ArrowDown')
    await expect(menu()).toBeVisible()
    await expect(activeItem()).toHaveText('Reset password')
    await checkView(page, 'more-actions')
    await page.keyboard.press('Escape')
    await expect(menu()).toHaveCount(0)
    await expect(moreActions()).toBeFocused()

    // ArrowUp opens on the last item; Home and End stay within the menu.
    await page.keyboard.press('ArrowUp')
    await expect(menu()).toBeVisible()
    await expect(activeItem()).toHaveText('Reset password')
    await page.keyboard.press('End')
    await expect(activeItem()).toHaveText('Reset password')

    // A click outside the menu (on the record's fields) closes it and does nothing else.
    const fields = (await page.locator('dl.fields').boundingBox())!
    await page.mouse.click(fields.x + 10, fields.y + 10)
    await expect(menu()).toHaveCount(0)
    expect(await page.getByRole('region', { name: 'Reset password' }).count()).toBe(0)
    expect(await focusIsOnBody(page)).toBe(false)

    // By keyboard to the end: Enter opens on "Reset password", Enter starts; the step has focus.
    await moreActions().focus()
    await page.keyboard.press('Enter')
    await expect(activeItem()).toBeVisible()
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { name: 'Identify the user' })).toBeFocused()
    // The menu's hand-back of focus to its button (two frames later) does not take it from the step.
    await page.evaluate(
      () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => requestAnimationFrame(resolve)))),
    )
    await expect(page.getByRole('heading', { name: 'Identify the user' })).toBeFocused()
  })

  test('a refused record says why in the menu; "Assign to me" by keyboard hands focus to More actions, then the reset', async () => {
    const db = host.backend.store.db
    // An open Service Desk incident held by a colleague: the agent may take it (G5).
    const held = await db
      .selectFrom('records')
      .innerJoin('directory_users', 'directory_users.id', 'records.caller_id')
      .select(['records.number'])
      .where('records.kind', '=', 'incident')
      .where('records.active', '=', 1)
      .where('records.assignment_group', '=', 'Service Desk')
      .where('records.assigned_to', '=', 'agent-admin')
      .where('directory_users.protected', '=', 0)
      .orderBy('records.number')
      .limit(1)
      .executeTakeFirstOrThrow()
    await openRecord(page, held.number, { filter: 'My groups' })
    const refusal = page.getByTestId('reset-refusal')
    await expect(refusal).toContainText('You are not the assignee of this record.')
    await moreActions().click()
    expect(await menu().getByRole('menuitem').allInnerTexts()).toEqual(['Assign to me'])
    await page.keyboard.press('Escape')
    await expect(moreActions()).toBeFocused()

    // The notice's own button, by keyboard: it goes with the notice, focus does not fall to <body>.
    await refusal.getByRole('button', { name: 'Assign to me' }).focus()
    await page.keyboard.press('Enter')
    await expect(refusal).toHaveCount(0)
    await expect(moreActions()).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(activeItem()).toHaveText('Reset password')
    await page.keyboard.press('Enter')
    await expect(page.getByRole('heading', { name: 'Identify the user' })).toBeFocused()
  })

  test('focus after Check code (wrong, then right), Exit, Cancel reset and Back to list is on the next thing to do', async () => {
    await openRecord(page, alexRecord)
    await startWizard(page)
    await identify(page)
    const card = await methodCard(page, 'Email code')
    const codeField = card.getByLabel('Code the caller reads back')
    await card.getByRole('button', { name: 'Send verification code' }).click()
    const code = await readCode(page, 'inbox')

    // A wrong code by pointer: "Check code" is disabled with the field cleared; the field has focus.
    await codeField.fill(code === '000000' ? '111111' : '000000')
    await card.getByRole('button', { name: 'Check code' }).click()
    await expect(card.getByRole('alert')).toBeVisible()
    await expect(codeField).toBeFocused()
    expect(await codeField.inputValue()).toBe('')

    // The right one: verification is complete, so Continue is next.
    await page.keyboard.type(code)
    await card.getByRole('button', { name: 'Check code' }).click()
    await expect(card.getByText('Passed.')).toBeVisible()
    await expect(page.getByRole('button', { name: 'Continue to reset' })).toBeFocused()
    await checkView(page, 'after-check-code')

    await page.keyboard.press('Enter')
    await page.getByRole('radio', { name: 'Auto-generate a password' }).check()
    await page.getByRole('button', { name: 'Reset password' }).click()
    await expect(page.getByRole('heading', { name: 'Password reset complete' })).toBeVisible()
    await page.getByRole('button', { name: 'Close', exact: true }).click()
    const exitDialog = page.getByRole('dialog', { name: 'End this password reset?' })
    await expect(exitDialog.getByRole('button', { name: 'Exit', exact: true })).toBeFocused()
    await page.keyboard.press('Enter')
    await expect(exitDialog).toHaveCount(0)
    await expect(page.getByRole('region', { name: 'Reset password' })).toHaveCount(0)
    // Back on the record: focus is on it (its heading or More actions), not on <body>.
    await expect(record().locator(':focus')).toHaveCount(1)
    expect(await openFlows()).toHaveLength(0)

    // Cancel reset: the wizard goes, focus comes back to the record's heading.
    await startWizard(page)
    await page.getByRole('button', { name: 'Cancel reset' }).click()
    await expect(page.getByRole('region', { name: 'Reset password' })).toHaveCount(0)
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(alexRecord) })).toBeFocused()

    // Back to list: the list's search is next.
    await page.getByRole('button', { name: 'Back to list' }).click()
    await expect(page.getByRole('searchbox', { name: 'Search' })).toBeFocused()
  })

  test('Verify: a wrong answer keeps focus in the form; the last wrong one moves it to why the method closed', async () => {
    await openRecord(page, alexRecord)
    await startWizard(page)
    await identify(page)
    const card = await methodCard(page, 'Security questions')
    const answers = card.getByRole('textbox')
    for (let attempt = 1; attempt <= 3; attempt++) {
      for (const field of await answers.all()) await field.fill('not the answer')
      await card.getByRole('button', { name: 'Check answers' }).click()
      if (attempt < 3) {
        await expect(card.getByTestId('attempts-left')).toHaveText(`Attempts left: ${3 - attempt}`)
        await expect(answers.first()).toBeFocused()
      }
    }
    await expect(card.getByTestId('method-closed')).toBeFocused()
  })

  test("B1/B5 a protected reset: focus on the approval notice, then Continue once approved; the supervisor's Stop following and Approve leave it at the top of their view", async () => {
    // The agent verifies Drew Patel (protected: questions and an email code).
    await openRecord(page, alexRecord)
    await startWizard(page)
    await chooseUser(page, 'drew', /Drew Patel/)
    await page.getByRole('radio', { name: 'Protected accounts' }).check()
    await page.getByRole('button', { name: 'Continue to verify' }).click()
    await expect(page.getByRole('heading', { name: 'Verify Drew Patel' })).toBeVisible()
    const questions = await methodCard(page, 'Security questions')
    await questions.getByLabel('What was your first car?').fill('beetle')
    await questions.getByLabel('What is your favourite book?').fill('Dune')
    await questions.getByRole('button', { name: 'Check answers' }).click()
    // Passed, with another method to go: its tab has the focus.
    await expect(page.getByRole('tab', { name: 'Email code' })).toBeFocused()
    const email = await methodCard(page, 'Email code')
    await email.getByRole('button', { name: 'Send verification code' }).click()
    await email.getByLabel('Code the caller reads back').fill(await readCode(page, 'inbox'))
    await email.getByRole('button', { name: 'Check code' }).click()
    // Verified, but a supervisor must approve: the notice that says so is what to read next.
    await expect(page.getByTestId('approval-notice')).toBeFocused()

    const supervisor = await openConsole(page.context().browser()!, host, 'super')
    try {
      const sup = supervisor.page
      await sup.setViewportSize(sizes[0])
      const nav = sup.getByRole('navigation', { name: 'Workspace' })
      await nav.getByRole('button', { name: 'Live' }).click()
      await sup.getByRole('button', { name: `Follow the flow on ${alexRecord}` }).click()
      const stop = sup.getByRole('button', { name: 'Stop following' })
      await stop.focus()
      await sup.keyboard.press('Enter')
      await expect(stop).toHaveCount(0)
      await expect(sup.getByRole('heading', { level: 1, name: 'Live' })).toBeFocused()

      await nav.getByRole('button', { name: 'Approvals' }).click()
      const approveButton = sup.getByRole('button', { name: /^Approve the reset of Drew Patel/ })
      await approveButton.focus()
      await sup.keyboard.press('Enter')
      await expect(approveButton).toHaveCount(0)
      await expect(sup.getByRole('heading', { level: 1, name: 'Approvals' })).toBeFocused()
      expect(supervisor.pageErrors).toEqual([])
    } finally {
      await supervisor.context.close()
    }
    // The approval reaches the agent, who was waiting on its notice: Continue is next.
    await expect(page.getByRole('button', { name: 'Continue to reset' })).toBeFocused()
  })

  test('R3 the user drop-down: the caller preselected, another user picked by keyboard, Escape keeps the choice', async () => {
    await openRecord(page, alexRecord)
    await startWizard(page)
    await expect(userPicker(page)).toHaveValue('Alex Morgan')
    await expect(page.getByTestId('user-card').getByRole('heading', { name: 'Alex Morgan' })).toBeVisible()

    // From the step's heading, Tab reaches the drop-down; ArrowDown lists the chosen user.
    await page.keyboard.press('Tab')
    await expect(userPicker(page)).toBeFocused()
    await page.keyboard.press('ArrowDown')
    const chosen = page.getByRole('option', { name: 'Alex Morgan' })
    await expect(chosen).toBeVisible()
    await expect(chosen).toHaveAttribute('aria-selected', 'true')
    await page.keyboard.press('Escape')

    // Type-ahead: the directory's matches; arrows and Enter choose; the next step gets the focus.
    await page.keyboard.press('Control+A')
    await page.keyboard.type('bla')
    const blair = page.getByRole('option', { name: /^Blair Chen \(blair\.chen\)/ })
    await expect(blair).toBeVisible()
    await checkView(page, 'user-dropdown')
    await page.keyboard.press('ArrowDown')
    await expect(blair).toHaveAttribute('data-focus')
    await page.keyboard.press('Enter')
    await expect(page.getByTestId('user-card').getByRole('heading', { name: 'Blair Chen' })).toBeVisible()
    await expect(userPicker(page)).toHaveValue('Blair Chen')
    // Blair has one process (preselected): Continue is the next thing to do.
    await expect(page.getByRole('button', { name: 'Continue to verify' })).toBeFocused()

    // Typing and leaving with Escape keeps Blair: only a pick changes the user.
    await userPicker(page).focus()
    await page.keyboard.press('Control+A')
    await page.keyboard.type('dre')
    await expect(page.getByRole('option', { name: /Drew Patel/ })).toBeVisible()
    await page.keyboard.press('Escape')
    await page.keyboard.press('Escape')
    await expect(userPicker(page)).toHaveValue('Blair Chen')
    await expect(page.getByTestId('user-card').getByRole('heading', { level: 3 })).toHaveText('Blair Chen')

    await page.getByRole('button', { name: 'Continue to verify' }).click()
    await expect(page.getByRole('heading', { name: 'Verify Blair Chen' })).toBeVisible()
  })
})

test.describe('B7 kiosk: the idle lock warns 30 s ahead, with a countdown any key cancels', () => {
  test.use({ hostOptions: kioskHost(), signedIn: false, fakeClock: true, viewport: sizes[0] })
  let host: BrowserHost
  let page: Page
  test.beforeEach(async ({ host: h, page: p }) => {
    host = h
    page = p
  })

  const openFlows = () => host.backend.store.db.selectFrom('flows').select('id').where('closed_at', 'is', null).execute()
  /** axe waits on timers of its own: with the clock paused, move it on in small steps until done. */
  async function whileTimeRuns<T>(work: Promise<T>): Promise<T> {
    let done = false
    const result = work.finally(() => (done = true))
    while (!done) await page.clock.runFor(5)
    return result
  }
  const warning = () => page.getByRole('dialog', { name: 'Are you still there?' })
  const countdown = () => warning().getByRole('timer')

  test('warns with a live countdown; a key, "Stay signed in" or a click keep the call; left alone it locks at 0', async () => {
    await signIn(page, 'desk')
    await openRecord(page, alexRecord)
    await startWizard(page)
    await identify(page)
    const card = await methodCard(page, 'Email code')
    const codeField = card.getByLabel('Code the caller reads back')
    await codeField.click()
    // From here time moves only when the test moves it: the countdown reads exactly.
    await page.clock.pauseAt((await page.evaluate(() => Date.now())) + 1_000)
    await page.keyboard.type('1234') // the call in progress: a code half typed

    // 29.9 s after the last key nothing shows; at 30 s the warning, focus on "Stay signed in".
    await page.clock.runFor(29_900)
    expect(await warning().count()).toBe(0)
    await page.clock.runFor(100)
    await expect(warning()).toBeVisible()
    await expect(countdown()).toHaveText('Locking in 30 seconds')
    await page.clock.runFor(100) // the dialog's focus moves on animation frames
    await expect(warning().getByRole('button', { name: 'Stay signed in' })).toBeFocused()
    await page.clock.runFor(10_000)
    await expect(countdown()).toHaveText('Locking in 20 seconds')
    // Read aloud every ten seconds (and each of the last five), not every second.
    await expect(warning().locator('[aria-live]')).toHaveText('Locking in 20 seconds.')
    for (const size of sizes) {
      await page.setViewportSize(size)
      expect(await whileTimeRuns(seriousAxeViolations(page))).toEqual([])
      await screenshot(page, `keyboard-idle-warning-${size.width}x${size.height}`)
    }
    await page.setViewportSize(sizes[0])

    // Any key cancels it: the call is as it was, focus back in the code field.
    await page.keyboard.press('Shift')
    await expect(warning()).toHaveCount(0)
    await page.clock.runFor(100)
    await expect(codeField).toBeFocused()
    expect(await codeField.inputValue()).toBe('1234')

    // The idle period starts again from that key (100 ms ago): the old lock time passes quietly.
    await page.clock.runFor(29_800)
    expect(await warning().count()).toBe(0)
    expect(await page.getByText(/Signed in as/).count()).toBe(1)
    await page.clock.runFor(100)
    await expect(warning()).toBeVisible()
    // A pointer that only drifts does not keep a walked-away visitor signed in; the button does.
    await page.mouse.move(300, 300)
    await page.mouse.move(320, 310)
    expect(await warning().count()).toBe(1)
    await warning().getByRole('button', { name: 'Stay signed in' }).click()
    await expect(warning()).toHaveCount(0)

    // A click outside the warning keeps the visit too.
    await page.clock.runFor(30_000)
    await expect(warning()).toBeVisible()
    await page.mouse.click(5, 700)
    await expect(warning()).toHaveCount(0)
    expect(await openFlows()).toHaveLength(1)

    // Left alone: the count reaches 0 and the console locks, wiping the visitor.
    await page.clock.runFor(30_000)
    await expect(warning()).toBeVisible()
    await page.clock.runFor(25_000)
    await expect(countdown()).toHaveText('Locking in 5 seconds')
    expect(await page.getByText(/Signed in as/).count()).toBe(1)
    await page.clock.runFor(5_000)
    await expect(page.getByRole('status').filter({ hasText: 'Locked after 1 minute without activity' })).toBeVisible()
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible()
    expect(await warning().count()).toBe(0)
    expect(await openFlows()).toHaveLength(0)
  })
})
