// Issue 12: on the common desk laptop (1366×768) as on 1920×1080, every column header of the
// records lists (incidents, interactions) is read in full — not cut ("Assig…"), not abbreviated,
// not pushed out of view — with the caller simulator absent, open or hidden; axe stays clean.
import { expect, openRecord, screenshot, seriousAxeViolations, startWizard, test, type Page } from './host/fixture'

const headers = {
  Incidents: ['Number', 'Short description', 'Caller', 'State', 'Priority', 'Assignment group', 'Assigned to', 'Opened'],
  Interactions: ['Number', 'Channel', 'Opened for', 'Short description', 'State', 'Assigned to', 'Opened'],
}
type List = keyof typeof headers

async function showList(page: Page, list: List) {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: list }).click()
  await expect(page.getByRole('heading', { level: 1, name: list })).toBeVisible()
  await expect(page.locator('tbody tr[data-record-id]').first().getByRole('button')).toHaveText(list === 'Incidents' ? /^INC/ : /^IMS/)
}

/**
 * Each header of the list on screen: its text (the sort arrow left out), and how it is cut if it
 * is: its content wider or taller than its box (its own or its sort button's), or the header
 * outside the part of the table the list shows without scrolling sideways.
 */
async function headerFit(page: Page) {
  return page.getByRole('table').evaluate((table) => {
    const scroller = table.closest('.table-scroll')!.getBoundingClientRect()
    return [...table.querySelectorAll('thead th')].map((th) => {
      const box = th.getBoundingClientRect()
      const button = th.querySelector('button')
      const cut: string[] = []
      if (th.scrollWidth > th.clientWidth) cut.push(`content ${th.scrollWidth} px wide in ${th.clientWidth}`)
      if (th.scrollHeight > th.clientHeight) cut.push(`content ${th.scrollHeight} px tall in ${th.clientHeight}`)
      if (button && button.scrollWidth > button.clientWidth)
        cut.push(`sort button content ${button.scrollWidth} px wide in ${button.clientWidth}`)
      if (box.left < scroller.left || box.right > scroller.right + 0.5)
        cut.push(`out of view: ${box.left}..${box.right} in ${scroller.left}..${scroller.right}`)
      return { text: (button ?? th).firstChild?.textContent ?? '', cut }
    })
  })
}

/** Both lists: all headers there, in full, none cut; axe clean. */
async function expectHeadersReadable(page: Page, where: string) {
  for (const list of ['Incidents', 'Interactions'] as const) {
    await showList(page, list)
    const fit = await headerFit(page)
    expect(
      fit.map((h) => h.text),
      `${list}, ${where}`,
    ).toEqual(headers[list])
    expect(
      fit.filter((h) => h.cut.length > 0),
      `${list}, ${where}: headers cut`,
    ).toEqual([])
    expect(await seriousAxeViolations(page), `${list}, ${where}`).toEqual([])
  }
}

test.describe('records lists: every header read in full (issue 12)', () => {
  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
  ] as const) {
    test(`at ${width}×${height}, the caller simulator absent, open or hidden: no header cut in either list; axe clean`, async ({
      page,
    }) => {
      await page.setViewportSize({ width, height })
      const simulator = page.getByRole('complementary', { name: 'Caller simulator' })

      // No flow open: no simulator.
      await expect(simulator).toHaveCount(0)
      await expectHeadersReadable(page, 'no simulator')
      await showList(page, 'Incidents')
      await screenshot(page, `records-${width}`)

      // A reset started on the demo desk opens the simulator beside the lists.
      await openRecord(page, 'INC0010004')
      await startWizard(page)
      await showList(page, 'Incidents')
      await expect(simulator.getByRole('heading', { name: 'Caller simulator' })).toBeVisible()
      await expectHeadersReadable(page, 'simulator open')
      await showList(page, 'Incidents')
      await screenshot(page, `records-${width}-simulator`)

      // Hidden: the panel keeps only its "Show" button.
      await page.getByRole('button', { name: 'Hide caller simulator' }).click()
      await expect(page.getByRole('button', { name: 'Show caller simulator' })).toBeVisible()
      await expectHeadersReadable(page, 'simulator hidden')
    })
  }

  test('back from a record, the list shows its rows again straight from what it has already loaded', async ({ page }) => {
    const first = page.locator('tbody tr[data-record-id]').first()
    await expect(first).toBeVisible()
    const number = await first.getByRole('button').innerText()
    await first.getByRole('button').click()
    await expect(page.getByRole('heading', { level: 1, name: new RegExp(number) })).toBeVisible()
    await page.getByRole('button', { name: 'Back to list' }).click()
    // The list mounts anew with its pages cached: its rows must come without a scroll or a refetch.
    await expect(page.getByRole('button', { name: number, exact: true })).toBeVisible()
    expect(await page.locator('tbody tr[data-record-id]').count()).toBeGreaterThan(5)
  })
})
