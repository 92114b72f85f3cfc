// Issue 12: on the common desk laptop (1366×768) as on 1920×1080, every column header of the
// records lists (incidents, interactions) is read in full — not cut ("Assig…"), not abbreviated,
// not pushed out of view — with the caller simulator absent, open or hidden; axe stays clean.
import { describe, expect, it } from 'vitest'
import { consolePerTest, e2eMissingReason, openRecord, screenshot, seriousAxeViolations, startWizard, visible, type Page } from './host/fixture'

const missing = e2eMissingReason()

const headers = {
  Incidents: ['Number', 'Short description', 'Caller', 'State', 'Priority', 'Assignment group', 'Assigned to', 'Opened'],
  Interactions: ['Number', 'Channel', 'Opened for', 'Short description', 'State', 'Assigned to', 'Opened'],
}
type List = keyof typeof headers

async function showList(page: Page, list: List) {
  await page.getByRole('navigation', { name: 'Workspace' }).getByRole('button', { name: list }).click()
  await visible(page.getByRole('heading', { level: 1, name: list }))
  const prefix = list === 'Incidents' ? 'INC' : 'IMS'
  await page.waitForFunction((p) => document.querySelector('tbody tr[data-record-id] button')?.textContent?.startsWith(p), prefix)
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
      if (button && button.scrollWidth > button.clientWidth) cut.push(`sort button content ${button.scrollWidth} px wide in ${button.clientWidth}`)
      if (box.left < scroller.left || box.right > scroller.right + 0.5) cut.push(`out of view: ${box.left}..${box.right} in ${scroller.left}..${scroller.right}`)
      return { text: (button ?? th).firstChild?.textContent ?? '', cut }
    })
  })
}

/** Both lists: all headers there, in full, none cut; axe clean. */
async function expectHeadersReadable(page: Page, where: string) {
  for (const list of ['Incidents', 'Interactions'] as const) {
    await showList(page, list)
    const fit = await headerFit(page)
    expect(fit.map((h) => h.text), `${list}, ${where}`).toEqual(headers[list])
    expect(fit.filter((h) => h.cut.length > 0), `${list}, ${where}: headers cut`).toEqual([])
    expect(await seriousAxeViolations(page), `${list}, ${where}`).toEqual([])
  }
}

describe.skipIf(missing)('records lists: every header read in full (issue 12)', () => {
  const c = consolePerTest('desk')

  for (const [width, height] of [[1366, 768], [1920, 1080]] as const) {
    it(`at ${width}×${height}, the caller simulator absent, open or hidden: no header cut in either list; axe clean`, { timeout: 60_000 }, async () => {
      const page = c.page
      await page.setViewportSize({ width, height })
      const simulator = page.getByRole('complementary', { name: 'Caller simulator' })

      // No flow open: no simulator.
      expect(await simulator.count()).toBe(0)
      await expectHeadersReadable(page, 'no simulator')
      await showList(page, 'Incidents')
      await screenshot(page, `records-${width}`)

      // A reset started on the demo desk opens the simulator beside the lists.
      await openRecord(page, 'INC0010004')
      await startWizard(page)
      await showList(page, 'Incidents')
      await visible(simulator.getByRole('heading', { name: 'Caller simulator' }))
      await expectHeadersReadable(page, 'simulator open')
      await showList(page, 'Incidents')
      await screenshot(page, `records-${width}-simulator`)

      // Hidden: the panel keeps only its "Show" button.
      await page.getByRole('button', { name: 'Hide caller simulator' }).click()
      await visible(page.getByRole('button', { name: 'Show caller simulator' }))
      await expectHeadersReadable(page, 'simulator hidden')
    })
  }

  it('back from a record, the list shows its rows again straight from what it has already loaded', async () => {
    const page = c.page
    const first = page.locator('tbody tr[data-record-id]').first()
    await visible(first)
    const number = await first.getByRole('button').innerText()
    await first.getByRole('button').click()
    await visible(page.getByRole('heading', { level: 1, name: new RegExp(number) }))
    await page.getByRole('button', { name: 'Back to list' }).click()
    // The list mounts anew with its pages cached: its rows must come without a scroll or a refetch.
    await visible(page.getByRole('button', { name: number, exact: true }))
    expect(await page.locator('tbody tr[data-record-id]').count()).toBeGreaterThan(5)
  })
})
