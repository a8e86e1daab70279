// The Alerts view's "Not watched" on the real stack (`wrangler dev` collecting from the demo lab,
// no fixture in between): the lab's guest whose PBS group notes say `no-monitor` and its template
// are listed with their reasons once the section is opened, at desktop and at phone width.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { lab, launch, openPage } from './browser.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const { groupComments, template } = lab.facts
const parked = groupComments.parked
const row = (page: Page, ref: string) =>
  page.locator(`details.not-watched li[data-subject="${ref}"]`)

async function openNotWatched(page: Page) {
  const details = page.locator('details.not-watched')
  await details.waitFor()
  expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
  // Collapsed: its rows are not shown until it is opened.
  expect(await row(page, `guest:${parked.cluster}/${parked.vmid}`).isVisible()).toBe(false)
  const summary = details.locator('summary')
  expect(await summary.textContent()).toMatch(/^Not watched \(\d+\)$/)
  await summary.click()
  expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(true)
  return details
}

describe('what is not watched, against the lab', () => {
  it('lists the no-monitor guest and the template with their reasons when opened', async () => {
    const { page, errors } = await openPage(browser, '/?view=alerts')
    const details = await openNotWatched(page)
    const guest = row(page, `guest:${parked.cluster}/${parked.vmid}`)
    expect(await guest.isVisible()).toBe(true)
    expect(await guest.locator('.excluded-name').textContent()).toContain(`VM ${parked.vmid}`)
    expect(await guest.locator('.excluded-kind').textContent()).toBe('guest')
    expect(await guest.locator('.excluded-reason').textContent()).toBe(
      'PBS group comment "no-monitor"',
    )
    const tmpl = row(page, `guest:${template.cluster}/${template.vmid}`)
    expect(await tmpl.locator('.excluded-reason').textContent()).toBe('template')
    // A real disclosure, announced as nothing live.
    expect(await details.locator('[aria-live]').count()).toBe(0)
    await details.scrollIntoViewIfNeeded()
    await page.screenshot({ path: '/tmp/excl-alerts.png', fullPage: true })
    // Its summary is a control of its own: the keyboard closes it again.
    await details.locator('summary').focus()
    await page.keyboard.press('Enter')
    expect(await details.evaluate((d) => (d as HTMLDetailsElement).open)).toBe(false)
    expect(errors).toEqual([])
  })

  it('fits a phone screen', async () => {
    const { page, errors } = await openPage(browser, '/?view=alerts', {
      viewport: { width: 390, height: 844 },
    })
    await openNotWatched(page)
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(390)
    const box = await row(page, `guest:${parked.cluster}/${parked.vmid}`).boundingBox()
    expect(box && box.x + box.width).toBeLessThanOrEqual(390)
    await page.locator('details.not-watched').screenshot({ path: '/tmp/excl-alerts-phone.png' })
    expect(errors).toEqual([])
  })
})
