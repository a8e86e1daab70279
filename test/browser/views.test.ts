// The Jobs and Storage views, the schedule column, the orphan drill-down and the notices in
// the banner (issue 11), in a real browser against `wrangler dev` and the lab. The Worker does
// not collect jobs, storage, schedules or orphan records yet, so those answers come from
// fixtures (test/unit/web/issue11-fixtures.ts, parsed with the shared schemas) through
// page.route; everything else is the real stack's.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { GuestRecordSchema } from '../../shared/schema/guest.ts'
import { type GuestIndex, GuestIndexSchema } from '../../shared/schema/index.ts'
import { StatusSchema } from '../../shared/schema/status.ts'
import {
  jobsFixture,
  MAINTENANCE_MESSAGE,
  orphanFixtures,
  PERMISSION_MESSAGE,
  SYNC_FAILURE,
  schedules,
  storageFixture,
  UNATTRIBUTED_KEY,
  unattributedOrphanRecord,
  verificationFailed,
  WEEKLY_FAILURE,
  withNotices,
} from '../unit/web/issue11-fixtures.ts'
import { ARTIFACTS, goto, lab, launch, openPage, workerUrl } from './browser.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const now = Math.floor(Date.now() / 1000)
const f = lab.facts
const cluster = f.designGuest.cluster
const guests = lab.guests.filter((g) => g.cluster === cluster && !g.template)
const vmids = guests.slice(0, 4).map((g) => g.vmid) as [number, number, number, number]
const key = (vmid: number) => `${cluster}/${vmid}`
const jobs = jobsFixture(now, { cluster, vmids })
const storage = storageFixture(now, cluster)
const shot = (name: string) => new URL(name, ARTIFACTS).pathname

async function realIndex(): Promise<GuestIndex> {
  return z.parse(GuestIndexSchema, await (await fetch(`${workerUrl}/api/guests`)).json())
}

const s = schedules(now, cluster)
/** Schedules and a failed verification on four lab guests; the others are in no job. */
const extra: Record<string, object> = {
  [key(vmids[0])]: { schedule: s.weeklyOk },
  [key(vmids[1])]: { schedule: s.missed, verification: verificationFailed(now) },
  [key(vmids[2])]: { schedule: s.due },
  [key(vmids[3])]: { schedule: s.missedLonger },
}

/** The real index with those fields, and the fixture orphans. */
async function scheduledIndex(): Promise<GuestIndex> {
  const index = await realIndex()
  return z.parse(GuestIndexSchema, {
    ...index,
    guests: index.guests.map((g) => ({ ...g, schedule: null, ...extra[g.key] })),
    orphans: [...index.orphans, ...orphanFixtures(now, cluster)],
  })
}

async function serveFixtures(page: Page): Promise<void> {
  // A missing element fails with its locator, well before the test's own time limit.
  page.setDefaultTimeout(8_000)
  const index = await scheduledIndex()
  await page.route('**/api/guests', (route) => route.fulfill({ json: index }))
  await page.route('**/api/guests/*/*', async (route) => {
    const response = await route.fetch()
    const record = z.parse(GuestRecordSchema, await response.json())
    await route.fulfill({ response, json: { ...record, schedule: null, ...extra[record.key] } })
  })
  await page.route('**/api/jobs', (route) => route.fulfill({ json: jobs }))
  await page.route('**/api/storage', (route) => route.fulfill({ json: storage }))
  await page.route('**/api/orphans/**', (route) => {
    const path = new URL(route.request().url()).pathname
    if (path === `/api/orphans/${UNATTRIBUTED_KEY}`)
      return route.fulfill({ json: unattributedOrphanRecord(now) })
    return route.fulfill({
      status: 404,
      json: { error: { code: 'not_found', message: `No orphan ${path}` } },
    })
  })
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name, exact: true })

describe('jobs, storage, schedules and orphans', () => {
  it('opens the Jobs view from the header, keeping the URL state, and shows every job', async () => {
    const { page, errors } = await openPage(browser, '')
    await serveFixtures(page)
    await goto(page, '/?q=a&sort=vmid')
    const link = nav(page, 'Jobs')
    // A real link: middle-click or "open in new tab" lands on the same view.
    expect(await link.getAttribute('href')).toBe('/?view=jobs&q=a&sort=vmid')
    await link.click()
    await page.locator('table.pve-jobs').waitFor()
    expect(new URL(page.url()).searchParams.get('view')).toBe('jobs')
    expect(await nav(page, 'Jobs').getAttribute('aria-current')).toBe('page')
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('view-title')
    expect(await page.title()).toMatch(/^Jobs — Pulse Edge/)
    const pveKeys = await page.$$eval('table.pve-jobs tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-job')),
    )
    expect(pveKeys.sort()).toEqual(jobs.pve.map((j) => j.key).sort())
    const pbsKeys = await page.$$eval('table.pbs-jobs tbody tr', (rows) =>
      rows.map((r) => r.getAttribute('data-job')),
    )
    expect(pbsKeys.sort()).toEqual(jobs.pbs.map((j) => j.key).sort())
    const weekly = page.locator(`tr[data-job="${cluster}/weekly-archive"]`)
    expect(await weekly.locator('.failed li').first().textContent()).toContain(WEEKLY_FAILURE)
    expect(
      await page.locator('tr[data-job="pbs/sync/pull-offsite"] td').last().textContent(),
    ).toContain(SYNC_FAILURE)
    await page.screenshot({ path: shot('views-jobs.png'), fullPage: true })
    // A failed guest opens its drill-down over the Jobs view; closing returns to it.
    await weekly.locator('.failed a').first().click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('.calendar').waitFor()
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      view: 'jobs',
      q: 'a',
      sort: 'vmid',
      guest: key(vmids[1]),
    })
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden', timeout: 5_000 })
    expect(await page.locator('table.pve-jobs').isVisible()).toBe(true)
    // Back to Guests: the search and sort it had are still there.
    await nav(page, 'Guests').click()
    await page.locator('table.guests').waitFor()
    expect(await page.getByLabel('Search guests').inputValue()).toBe('a')
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({ q: 'a', sort: 'vmid' })
    expect(errors).toEqual([])
  })

  it('shows the Storage view with the store in maintenance first, light and dark', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { page, errors } = await openPage(browser, '', { colorScheme })
      await serveFixtures(page)
      await goto(page, '/?view=storage')
      await page.locator('table.datastores').waitFor()
      const callout = page.locator('.not-read-list')
      expect(await callout.textContent()).toContain(MAINTENANCE_MESSAGE)
      const stores = await page.$$eval('table.datastores tbody tr', (rows) =>
        rows.map((r) => r.getAttribute('data-store')),
      )
      expect(stores).toEqual(storage.datastores.map((d) => d.key))
      const archive = page.locator('tr[data-store="pbs/archive"]')
      expect(await archive.getAttribute('data-maintenance')).toBe('offline')
      expect(await archive.locator('[data-held="true"]').count()).toBe(1)
      expect(await page.locator('tr[data-store="pbs/usb"]').textContent()).toContain('not mounted')
      expect(await page.locator('tr[data-store="pbs/s3-offsite"]').textContent()).toContain('S3')
      // The store's PBS jobs come from /api/jobs, loaded alongside.
      await page.locator('tr[data-store="pbs/main"] .store-jobs').waitFor()
      const meter = page.locator('tr[data-store="pbs/main"] meter')
      expect(await meter.getAttribute('aria-label')).toBe('63% used')
      expect(await page.locator(`tr[data-storage="${cluster}/nas-nfs"]`).textContent()).toMatch(
        /90%/,
      )
      await page.screenshot({ path: shot(`views-storage-${colorScheme}.png`), fullPage: true })
      expect(errors).toEqual([])
    }
  })

  it('sorts and filters guests by schedule, and marks the failed verification', async () => {
    const { page, errors } = await openPage(browser, '')
    await serveFixtures(page)
    await goto(page, '/')
    const missed = page.locator(`tr[data-key="${key(vmids[1])}"] td.sched span`)
    expect(await missed.getAttribute('data-schedule')).toBe('missed')
    expect(await missed.textContent()).toBe('missed 16h')
    expect(await page.locator(`tr[data-key="${key(vmids[0])}"] td.sched span`).textContent()).toBe(
      'ok',
    )
    // A guest in no job says so, and keeps the age thresholds.
    const other = guests[4] as { vmid: number }
    expect(await page.locator(`tr[data-key="${key(other.vmid)}"] td.sched`).textContent()).toBe('—')
    await page.getByRole('button', { name: 'Sort by Schedule' }).click()
    const order = await page.$$eval('table.guests tbody tr[data-key]', (rows) =>
      rows.slice(0, 4).map((r) => (r as HTMLElement).dataset.key),
    )
    expect(order).toEqual([key(vmids[3]), key(vmids[1]), key(vmids[2]), key(vmids[0])])
    expect(new URL(page.url()).searchParams.get('sort')).toBe('schedule')
    await page.getByRole('button', { name: /^Missed a scheduled run \(2\)$/ }).click()
    const shown = await page.$$eval('table.guests tbody tr[data-key]', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.key),
    )
    expect(shown).toEqual([key(vmids[3]), key(vmids[1])])
    expect(new URL(page.url()).searchParams.get('only')).toBe('missed')
    // The failed verification is on the row, reachable from the keyboard with its why.
    const marker = page.locator(`tr[data-key="${key(vmids[1])}"] [data-verification="failed"]`)
    expect(await marker.textContent()).toBe('verify failed')
    await marker.focus()
    expect(await page.locator('#tooltip').textContent()).toContain('not a restore point to trust')
    await page.screenshot({ path: shot('views-schedule-column.png') })
    // The drill-down says the same, with the schedule.
    await page.locator(`tr[data-key="${key(vmids[1])}"] a`).click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('.schedule').waitFor()
    expect(await dialog.locator('.verification').textContent()).toContain(
      'not a restore point to trust',
    )
    expect(await dialog.locator('.schedule [data-schedule]').textContent()).toMatch(
      /missed since .*\(16h ago\)/,
    )
    await dialog.locator('.covering li strong').first().waitFor()
    expect(await dialog.locator('.covering li').first().textContent()).toContain('backup-nightly')
    await page.screenshot({ path: shot('views-guest-schedule-drilldown.png') })
    expect(errors).toEqual([])
  })

  it('opens an orphan that no cluster can be told from, with its namespace and owner', async () => {
    const { page, errors } = await openPage(browser, '')
    await serveFixtures(page)
    await goto(page, '/?q=zz')
    await page.getByText(/^Orphaned backups \(/).click()
    const link = page.locator(`a[data-orphan="${UNATTRIBUTED_KEY}"]`)
    expect(await link.getAttribute('href')).toBe(
      `/?q=zz&orphan=${encodeURIComponent(UNATTRIBUTED_KEY)}`,
    )
    await link.click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('.calendar li[data-date]').first().waitFor()
    expect(await dialog.locator('h2').textContent()).toBe('Orphaned backups · VM 777')
    const facts = await dialog.locator('.facts').textContent()
    expect(facts).toContain('lost-ns')
    expect(facts).toContain('old@pbs')
    expect(await dialog.locator('.calendar li[data-count="1"]').count()).toBe(2)
    expect(await dialog.locator('.backup-list tbody tr').count()).toBe(2)
    expect(new URL(page.url()).searchParams.get('orphan')).toBe(UNATTRIBUTED_KEY)
    await page.screenshot({ path: shot('views-orphan-drilldown.png') })
    // Reloading the URL opens it again; Escape closes it and the URL forgets it.
    await page.reload()
    await page.waitForSelector('body[data-ready]')
    await dialog.locator('.facts').waitFor()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden', timeout: 5_000 })
    await page.waitForURL((url) => !url.searchParams.has('orphan'), { timeout: 5_000 })
    // An orphan whose record is gone says so.
    await goto(page, `/?orphan=${cluster}/555`)
    expect(await dialog.locator('.error').textContent()).toBe(`No orphan ${cluster}/555.`)
    expect(errors.filter((e) => !e.includes('404'))).toEqual([])
  })

  it("names a token's missing privilege and a held store in the banner", async () => {
    const { page, errors } = await openPage(browser, '')
    await page.route('**/api/status', async (route) => {
      const response = await route.fetch()
      const status = z.parse(StatusSchema, await response.json())
      status.sources[0] = withNotices(status.sources[0] as (typeof status.sources)[number], now)
      await route.fulfill({ response, json: status })
    })
    await goto(page, '/')
    const notices = page.locator('.banner .notices li')
    // The two injected notices, then the lab's own held store: its removable datastore is not
    // mounted (generate-pbs-health.ts), which the PBS source reports in every refresh.
    expect(await notices.count()).toBe(3)
    expect(await notices.first().textContent()).toContain(PERMISSION_MESSAGE)
    expect(await notices.nth(1).textContent()).toMatch(/held: in maintenance \(offline\) — since/)
    expect(await notices.nth(2).textContent()).toContain(
      `datastore:${f.pbsHealth.removableStore} is held: removable datastore not mounted`,
    )
    expect(await page.locator('.banner [role="alert"]').textContent()).toContain(PERMISSION_MESSAGE)
    await page.locator('header.top').screenshot({ path: shot('views-banner-notices.png') })
    expect(errors).toEqual([])
  })

  it('fits the Jobs and Storage views on a phone in the dark theme', async () => {
    for (const view of ['jobs', 'storage'] as const) {
      const { page, errors } = await openPage(browser, '', {
        viewport: { width: 390, height: 844 },
        colorScheme: 'dark',
        isMobile: true,
        hasTouch: true,
      })
      await serveFixtures(page)
      await goto(page, `/?view=${view}`)
      await page.locator(view === 'jobs' ? 'table.pve-jobs' : 'table.datastores').waitFor()
      // Wide tables scroll in their own box; the page itself never scrolls sideways.
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - window.innerWidth,
      )
      expect(overflow).toBeLessThanOrEqual(0)
      await page.screenshot({ path: shot(`views-${view}-phone-dark.png`) })
      expect(errors).toEqual([])
    }
  })

  it('reaches the views from the keyboard', async () => {
    const { page } = await openPage(browser, '')
    await serveFixtures(page)
    await goto(page, '/')
    for (let i = 0; i < 10; i++) {
      await page.keyboard.press('Tab')
      if (await page.evaluate(() => document.activeElement?.textContent === 'Storage')) break
    }
    await page.keyboard.press('Enter')
    await page.locator('table.datastores').waitFor()
    expect(new URL(page.url()).searchParams.get('view')).toBe('storage')
    // History: Back returns to the guests.
    await page.goBack()
    await page.locator('table.guests').waitFor({ state: 'visible' })
    expect(await page.locator('table.datastores').isVisible()).toBe(false)
  })
})
