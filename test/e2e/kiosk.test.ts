// B7 kiosk (walk-up desk) in the console: the host answers console:settings as main does on a
// kiosk machine. Idle for the configured minutes, the console signs the agent out, wipes the flow
// and every cached answer, and says why; the next visitor finds no trace of the last. B3: copy,
// cut and the context menu are refused. Playwright's clock moves time, so no test waits a minute.
import {
  expect,
  identify,
  kioskHost,
  methodCard,
  openRecord,
  readCode,
  screenshot,
  seriousAxeViolations,
  signIn,
  startWizard,
  test,
  type BrowserHost,
  type Page,
} from './host/fixture'

const alexRecord = 'INC0010004' // caller Alex Morgan, assigned to desk
const lockNotice = 'Locked after 1 minute without activity; everything about the last visitor was cleared.'

test.describe('B7 kiosk mode', () => {
  // At the sign-in screen, with fake timers from the first script on; time flows until the test moves it.
  test.use({ hostOptions: kioskHost(), signedIn: false, fakeClock: true })
  let host: BrowserHost
  let page: Page
  test.beforeEach(async ({ host: h, page: p }) => {
    host = h
    page = p
  })

  const openFlows = () => host.backend.ctx.store.db.selectFrom('flows').select('id').where('closed_at', 'is', null).execute()

  test('locks after idleMinutes without activity, wipes the visitor, and the next sign-in shows no trace', async () => {
    await signIn(page, 'desk')
    // The same action as "Sign out", named for a walk-up desk.
    await expect(page.getByRole('button', { name: 'End visit' }).first()).toBeVisible()
    await expect(page.getByRole('button', { name: 'Sign out' })).toHaveCount(0)

    await openRecord(page, alexRecord)
    await startWizard(page)
    await identify(page)
    const card = await methodCard(page, 'Email code')
    await card.getByRole('button', { name: 'Send verification code' }).click()
    const code = await readCode(page, 'inbox')
    await card.getByLabel('Code the caller reads back').fill(code)
    expect(await openFlows()).toHaveLength(1)

    // Activity starts the idle period again: 50 s (the 30 s warning is up), a key (it goes), 50 s
    // more, and the console is still open, warning again (keyboard.test.ts follows the countdown).
    const warning = page.getByRole('dialog', { name: 'Are you still there?' })
    await page.clock.fastForward('00:50')
    await expect(warning).toBeVisible()
    await page.keyboard.press('Shift')
    await expect(warning).toHaveCount(0)
    await expect(page.getByRole('region', { name: 'Reset password' }).first()).toBeVisible()
    await page.clock.fastForward('00:50')
    await expect(warning).toBeVisible()
    await expect(page.getByText(/Signed in as/)).toHaveCount(1)

    await page.clock.fastForward('01:05')
    await expect(page.getByRole('status').filter({ hasText: lockNotice }).first()).toBeVisible()
    await expect(page.getByRole('button', { name: 'Sign in' }).first()).toBeVisible()
    await expect(page.getByText(/Signed in as/)).toHaveCount(0)
    await expect(page.getByText('Caller simulator')).toHaveCount(0)
    await expect(page.getByLabel('User name')).toHaveValue('')
    await expect(page.getByLabel('Password')).toHaveValue('')
    await expect(page.locator('body')).not.toContainText(code)
    // session:signOut reached the backend: the agent's open flow is closed for the next agent (R3).
    expect(await openFlows()).toHaveLength(0)
    expect(await seriousAxeViolations(page)).toEqual([])
    await screenshot(page, 'kiosk-locked')

    await signIn(page, 'desk')
    await expect(page.getByRole('status').filter({ hasText: lockNotice })).toHaveCount(0)
    // Back on the list, the wizard closed, the caller simulator gone with the flow.
    await expect(page.locator('tbody tr[data-record-id]').first()).toBeVisible()
    await expect(page.getByRole('region', { name: 'Reset password' })).toHaveCount(0)
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(alexRecord) })).toHaveCount(0)
    await expect(page.getByRole('complementary', { name: 'Caller simulator' })).toHaveCount(0)
    await expect(page.getByTestId('sim-inbox')).toHaveCount(0)
    await expect(page.locator('body')).not.toContainText(code)
  })

  test('B3 refuses copy, cut and the context menu; "End visit" wipes and says so', async () => {
    await signIn(page, 'desk')
    const refused = await page.evaluate(() =>
      ['copy', 'cut', 'contextmenu'].map((type) => {
        const event =
          type === 'contextmenu'
            ? new MouseEvent(type, { bubbles: true, cancelable: true })
            : new ClipboardEvent(type, { bubbles: true, cancelable: true })
        document.querySelector('main')!.dispatchEvent(event)
        return [type, event.defaultPrevented]
      }),
    )
    expect(refused).toEqual([
      ['copy', true],
      ['cut', true],
      ['contextmenu', true],
    ])

    // A real Ctrl+C on selected text leaves nothing to paste: the copy event is cancelled.
    const copied = await page.evaluate(() => {
      let data: string | null = null
      const watch = (e: ClipboardEvent) => {
        data = e.defaultPrevented ? null : 'copied'
      }
      document.addEventListener('copy', watch)
      window.getSelection()!.selectAllChildren(document.body)
      return new Promise<string | null>((resolve) => {
        document.execCommand('copy')
        document.removeEventListener('copy', watch)
        resolve(data)
      })
    })
    expect(copied).toBeNull()

    await page.getByRole('button', { name: 'End visit' }).click()
    await expect(
      page.getByRole('status').filter({ hasText: 'Visit ended; everything about the last visitor was cleared.' }).first(),
    ).toBeVisible()
    await expect(page.getByLabel('User name').first()).toBeVisible()
    // Still a kiosk on the sign-in screen.
    expect(await page.evaluate(() => !document.dispatchEvent(new ClipboardEvent('copy', { bubbles: true, cancelable: true })))).toBe(true)
  })
})
