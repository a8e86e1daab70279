// The history views (issue 13) in a real browser against `wrangler dev` and the lab: the fleet
// activity chart, the storage trends with their estimated full dates, a guest's drill-down
// through a year of history, and the inventory export. The history and export routes are built
// alongside (functions/), so their answers come from fixtures generated deterministically and
// parsed with the shared schemas (test/unit/web/history-fixtures.ts) through page.route; the
// guest index, records and status are the real stack's.
import type { Browser, Page, Request } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import { GuestRecordSchema } from '../../shared/schema/guest.ts'
import {
  activityFixture,
  FAILURE_TEXT,
  guestHistoryFixture,
  storageTrendsFixture,
  zonedDate,
} from '../unit/web/history-fixtures.ts'
import { jobsFixture, storageFixture } from '../unit/web/issue11-fixtures.ts'
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
const designKey = `${cluster}/${f.designGuest.vmid}`
const guests = lab.guests.filter((g) => g.cluster === cluster && !g.template)
const vmids = guests.slice(0, 4).map((g) => g.vmid) as [number, number, number, number]
const shot = (name: string) => new URL(name, ARTIFACTS).pathname
/** Looks checked in one page: a phone's width, and the dark theme. */
const LOOKS = [
  { label: 'desktop', width: 1400, height: 1000, colorScheme: 'light' },
  { label: 'narrow', width: 390, height: 844, colorScheme: 'light' },
  { label: 'dark', width: 1400, height: 1000, colorScheme: 'dark' },
] as const

async function look(page: Page, l: (typeof LOOKS)[number], height?: number): Promise<void> {
  await page.setViewportSize({ width: l.width, height: height ?? l.height })
  await page.emulateMedia({ colorScheme: l.colorScheme })
}

const sideways = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
const CSV = `guest,type,newest_pve,newest_pbs\n${designKey},qemu,2026-01-01T00:00:00Z,\n`

interface Served {
  history: string[]
  activity: URL[]
  trends: URL[]
  exports: Request[]
}

/** Fixtures for the routes being built; `historyFails` makes the guest route answer 500. */
async function serveHistory(
  page: Page,
  o: { historyFails?: () => boolean; exportToken?: string } = {},
): Promise<Served> {
  page.setDefaultTimeout(8_000)
  const served: Served = { history: [], activity: [], trends: [], exports: [] }
  const path = (p: string) => (url: URL) => url.pathname === p
  await page.route(path('/api/history/activity'), (route) => {
    const url = new URL(route.request().url())
    served.activity.push(url)
    const days = Number(url.searchParams.get('days'))
    const tz = url.searchParams.get('tz') ?? 'UTC'
    return route.fulfill({ json: activityFixture(now, days, tz) })
  })
  await page.route(path('/api/history/storage'), (route) => {
    const url = new URL(route.request().url())
    served.trends.push(url)
    return route.fulfill({
      json: storageTrendsFixture(now, Number(url.searchParams.get('days')), cluster),
    })
  })
  await page.route(
    (url) => url.pathname.startsWith('/api/history/guests/'),
    async (route) => {
      const key = new URL(route.request().url()).pathname.replace('/api/history/guests/', '')
      served.history.push(key)
      if (o.historyFails?.())
        return route.fulfill({
          status: 500,
          json: { error: { code: 'internal', message: 'history store unavailable' } },
        })
      // History holds what storage holds now (the real record's backups) and a year before it.
      const record = z.parse(
        GuestRecordSchema,
        await (await fetch(`${workerUrl}/api/guests/${key}`)).json(),
      )
      return route.fulfill({
        json: guestHistoryFixture({ now, key, current: record.backups }),
      })
    },
  )
  await page.route(path('/api/storage'), (route) =>
    route.fulfill({ json: storageFixture(now, cluster) }),
  )
  await page.route(path('/api/jobs'), (route) =>
    route.fulfill({ json: jobsFixture(now, { cluster, vmids }) }),
  )
  await page.route(
    (url) => url.pathname.startsWith('/api/export/'),
    (route) => {
      const request = route.request()
      served.exports.push(request)
      if (o.exportToken && request.headers().authorization !== `Bearer ${o.exportToken}`)
        return route.fulfill({
          status: 401,
          json: { error: { code: 'unauthorized', message: 'A valid API token is required' } },
        })
      const csv = request.url().endsWith('.csv')
      return route.fulfill({
        body: csv ? CSV : JSON.stringify({ guests: [{ key: designKey }] }),
        contentType: csv ? 'text/csv' : 'application/json',
        headers: csv ? { 'content-disposition': 'attachment; filename="inventory.csv"' } : {},
      })
    },
  )
  return served
}

const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name, exact: true })
const toggle = (page: Page, group: string, name: string) =>
  page.getByRole('group', { name: group }).getByRole('button', { name, exact: true })

describe('the activity chart', () => {
  it('opens from the header with 30 days in the viewer’s zone, and every day reachable by keyboard', async () => {
    const { page, errors } = await openPage(browser, '')
    const served = await serveHistory(page)
    await goto(page, '/?q=a')
    await nav(page, 'Activity').click()
    const chart = page.locator('.activity-chart svg.chart')
    await chart.waitFor()
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      view: 'activity',
      q: 'a',
    })
    // Focus moves to the view, as a page load would; the title says which.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('activity-title')
    expect(await page.title()).toMatch(/^Activity — Pulse Edge/)
    expect(await nav(page, 'Activity').getAttribute('aria-current')).toBe('page')
    expect(served.activity).toHaveLength(1)
    expect(served.activity[0]?.searchParams.get('days')).toBe('30')
    expect(served.activity[0]?.searchParams.get('tz')).toBe('America/New_York')
    const fixture = activityFixture(now, 30, 'America/New_York')
    const dates = await page.$$eval('.activity-chart .bar', (bars) =>
      bars.map((b) => b.getAttribute('data-date')),
    )
    expect(dates).toEqual(fixture.series.map((d) => d.date))
    expect(dates.at(-1)).toBe(zonedDate(now, 'America/New_York'))
    // "All" is the backups (PVE and PBS), as in the guest table.
    const sum = (k: 'ok' | 'failed' | 'missed') =>
      fixture.series.reduce((n, d) => n + d.pve[k] + d.pbs[k], 0)
    expect(await page.locator('.caption-totals').getAttribute('data-totals')).toBe(
      `${sum('ok')}/${sum('failed')}/${sum('missed')}`,
    )
    // One tab stop: the newest day; the arrow keys walk the days, each with its tooltip.
    const bars = page.locator('.activity-chart .bar')
    expect(await page.locator('.activity-chart .bar[tabindex="0"]').count()).toBe(1)
    await bars.last().focus()
    await page.keyboard.press('ArrowLeft')
    const focused = await page.evaluate(() => document.activeElement?.getAttribute('data-date'))
    expect(focused).toBe(dates.at(-2))
    const tip = page.locator('#tooltip')
    expect(await tip.isVisible()).toBe(true)
    const day = fixture.series.at(-2)
    if (!day) throw new Error('no day')
    expect(await tip.textContent()).toContain(
      `${day.pve.ok + day.pbs.ok} ok, ${day.pve.failed + day.pbs.failed} failed`,
    )
    await page.keyboard.press('Home')
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-date'))).toBe(
      dates[0],
    )
    // The same numbers as a table.
    await page.getByText('The same numbers as a table').click()
    const rows = page.locator('.activity-table tbody tr')
    await rows.first().waitFor()
    expect(await rows.count()).toBe(30)
    expect(await rows.first().getAttribute('data-date')).toBe(dates.at(-1))
    expect(errors).toEqual([])
  })

  it('switches range and type in the URL; the type is the guest table’s filter', async () => {
    const { page, errors } = await openPage(browser, '')
    const served = await serveHistory(page)
    await goto(page, '/?view=activity')
    await page.locator('.activity-chart').waitFor()
    await toggle(page, 'Range', '365 days').click()
    await page.locator('.activity-chart svg[data-days="365"]').waitFor()
    expect(new URL(page.url()).searchParams.get('days')).toBe('365')
    await toggle(page, 'Backup type', 'PBS').click()
    expect(new URL(page.url()).searchParams.get('filter')).toBe('pbs')
    expect(await page.locator('.activity-chart').getAttribute('data-filter')).toBe('pbs')
    // A type switch is drawn from what was loaded: no new request.
    expect(served.activity.map((u) => u.searchParams.get('days'))).toEqual(['30', '365'])
    const fixture = activityFixture(now, 365, 'America/New_York')
    const failedDay = fixture.series.find((d) => d.pbs.failed > 0)
    if (!failedDay) throw new Error('the fixture has failures')
    const bar = page.locator(`.activity-chart .bar[data-date="${failedDay.date}"]`)
    expect(Number(await bar.getAttribute('data-total'))).toBe(
      failedDay.pbs.ok + failedDay.pbs.failed + failedDay.pbs.missed,
    )
    expect(await bar.locator('rect.seg[data-series="failed"]').count()).toBe(1)
    // Back and forth keeps both; the guest table shows PBS ages.
    await page.goBack()
    await page.waitForURL((u) => !u.searchParams.has('filter'))
    await page.goForward()
    await nav(page, 'Guests').click()
    await page.locator('table.guests').waitFor()
    expect(
      await page
        .getByRole('group', { name: 'Backup type' })
        .getByRole('button', { name: 'PBS', exact: true })
        .getAttribute('aria-pressed'),
    ).toBe('true')
    expect(errors).toEqual([])
  })

  it('buckets days in the viewer’s zone, wherever that is', async () => {
    // Chromium runs as one process here, and its first zone holds for all its pages: another
    // zone needs a browser of its own.
    const own = await launch()
    const { page, errors } = await openPage(own, '', { timezoneId: 'Pacific/Auckland' })
    const served = await serveHistory(page)
    await goto(page, '/?view=activity&days=7')
    await page.locator('.activity-chart svg[data-days="7"]').waitFor()
    expect(served.activity[0]?.searchParams.get('tz')).toBe('Pacific/Auckland')
    expect(await page.locator('.activity-chart .bar').last().getAttribute('data-date')).toBe(
      zonedDate(now, 'Pacific/Auckland'),
    )
    expect(await page.locator('.activity-chart figcaption').textContent()).toContain(
      'Pacific/Auckland',
    )
    expect(errors).toEqual([])
    await own.close()
  })

  it('looks right over 7 and 365 days, wide and narrow, light and dark', async () => {
    const { page, errors } = await openPage(browser, '')
    await serveHistory(page)
    for (const l of LOOKS) {
      await look(page, l)
      for (const days of [7, 365]) {
        await goto(page, `/?view=activity&days=${days}`)
        await page.locator(`.activity-chart svg[data-days="${days}"]`).waitFor()
        // The page itself never scrolls sideways; the chart fits its column.
        expect(await sideways(page)).toBeLessThanOrEqual(0)
        await page
          .locator('.activity-chart .bar')
          .nth(days === 7 ? 4 : 330)
          .focus()
        await page.screenshot({
          path: shot(`history-activity-${days}-${l.label}.png`),
          fullPage: true,
        })
      }
    }
    expect(errors).toEqual([])
  })
})

describe('storage trends', () => {
  it('draws used against total for every store, with the estimated full date marked', async () => {
    const { page, errors } = await openPage(browser, '')
    const served = await serveHistory(page)
    await goto(page, '/?view=storage')
    await page.locator('.storage-trends .trend-card svg').first().waitFor()
    expect(served.trends[0]?.searchParams.get('days')).toBe('90')
    const fixture = storageTrendsFixture(now, 90, cluster)
    const keys = await page.$$eval('.trend-card', (cards) =>
      cards.map((c) => c.getAttribute('data-trend')),
    )
    expect(keys).toEqual(fixture.trends.map((t) => t.key))
    // 90 days of 6-hourly samples are thinned to one per day.
    const main = page.locator('.trend-card[data-trend="pbs/main"]')
    const points = Number(await main.locator('svg').getAttribute('data-points'))
    expect(points).toBeGreaterThan(85)
    expect(points).toBeLessThanOrEqual(92)
    // Full in 120 days: beyond a 90-day chart's reach, the dashed line leaves its edge.
    expect(await main.locator('[data-projection]').getAttribute('data-projection')).toBe('beyond')
    await toggle(page, 'Range', '365 days').click()
    await page.waitForURL((u) => u.searchParams.get('days') === '365')
    await main.locator('[data-projection="within"]').waitFor()
    const full = await main.locator('.proj-label').textContent()
    expect(full).toMatch(/^full ≈ .* \(in 1(19|20)d\)$/)
    expect(await main.locator('figcaption').textContent()).toMatch(/in 1(19|20)d/)
    // No samples and no estimate say so in words.
    expect(await page.locator('.trend-card[data-trend="pbs/usb"]').textContent()).toContain(
      'No usage samples',
    )
    expect(
      await page
        .locator(`.trend-card[data-trend="${cluster}/pve1/local"] [data-full]`)
        .textContent(),
    ).toContain('No full date estimated')
    // Each sample says its numbers on focus.
    await main.locator('.point').last().focus()
    const last = fixture.trends[0]?.samples.at(-1)
    if (!last) throw new Error('pbs/main has samples')
    expect(await page.locator('#tooltip').textContent()).toContain(
      `2.50 TiB of 4.00 TiB used (${Math.round((last.used / last.total) * 100)} %)`,
    )
    expect(errors).toEqual([])
  })

  it('looks right wide and narrow', async () => {
    const { page, errors } = await openPage(browser, '')
    await serveHistory(page)
    for (const l of LOOKS) {
      await look(page, l)
      await goto(page, '/?view=storage&days=365')
      await page.locator('.storage-trends .trend-card svg').first().waitFor()
      expect(await sideways(page)).toBeLessThanOrEqual(0)
      const points = page.locator('.trend-card[data-trend="pbs/main"] .point')
      await points.nth(Math.floor((await points.count()) * 0.6)).focus()
      await page
        .locator('.storage-trends')
        .screenshot({ path: shot(`history-storage-${l.label}.png`) })
    }
    expect(errors).toEqual([])
  })
})

describe('a guest through time', () => {
  it('loads history only when the drill-down opens, and shows a year of it', async () => {
    const { page, errors } = await openPage(browser, '')
    const served = await serveHistory(page)
    await goto(page, '/')
    expect(served.history).toEqual([])
    await page.locator(`tr[data-key="${designKey}"] a`).click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('.history[data-history="loaded"]').waitFor()
    expect(served.history).toEqual([designKey])
    const record = z.parse(
      GuestRecordSchema,
      await (await fetch(`${workerUrl}/api/guests/${designKey}`)).json(),
    )
    const history = guestHistoryFixture({ now, key: designKey, current: record.backups })
    expect(await dialog.locator('[data-restore-points]').textContent()).toBe(
      String(history.summary.restorePoints),
    )
    expect(await dialog.locator('[data-pruned]').first().textContent()).toBe(
      String(history.summary.pruned),
    )
    // Every day of the year, pruned days told apart, failed nights marked.
    const cells = dialog.locator('.chart.year .cell')
    expect(await cells.count()).toBeGreaterThanOrEqual(366)
    expect(await dialog.locator('.chart.year .cell[data-state="pruned"]').count()).toBeGreaterThan(
      200,
    )
    // A failed night with no backup that day is a failed day; one retried the same day is not.
    const backupDays = new Set(history.backups.map((b) => zonedDate(b.time, 'America/New_York')))
    const failedDays = new Set(
      history.runs
        .filter((r) => r.outcome === 'failed')
        .map((r) => zonedDate(r.end ?? r.start, 'America/New_York'))
        .filter((d) => !backupDays.has(d)),
    )
    expect(failedDays.size).toBeGreaterThanOrEqual(4)
    expect(await dialog.locator('.chart.year .cell[data-state="failed"]').count()).toBe(
      failedDays.size,
    )
    // The month calendar pages back through history; a pruned day is hatched and says so.
    await dialog.getByRole('button', { name: '‹ Earlier' }).click()
    await dialog.getByRole('button', { name: '‹ Earlier' }).click()
    const pruned = dialog.locator('.calendar li.pruned').first()
    await pruned.waitFor()
    expect(await pruned.getAttribute('aria-label')).toMatch(/PBS pruned \(no longer on storage\)/)
    // A failed day in the overview opens its month.
    const failed = dialog.locator('.chart.year .cell[data-state="failed"]').first()
    const failedDate = (await failed.getAttribute('data-date')) as string
    await failed.focus()
    expect(await page.locator('#tooltip').textContent()).toContain('job failed')
    await page.keyboard.press('Enter')
    const cell = dialog.locator(`.calendar li[data-date="${failedDate}"]`)
    await cell.waitFor()
    expect(await cell.getAttribute('class')).toContain('failed')
    // Size and run time over the year.
    expect(
      Number(await dialog.locator('.history-size svg').getAttribute('data-points')),
    ).toBeGreaterThan(300)
    const duration = dialog.locator('.history-duration .bar')
    expect(await duration.count()).toBeGreaterThanOrEqual(366)
    const failedRun = dialog.locator(`.history-duration .bar[data-date="${failedDate}"]`)
    expect(await failedRun.getAttribute('aria-label')).toContain(FAILURE_TEXT)
    expect(errors).toEqual([])
  })

  it('keeps the record shown when the history route fails, and retries', async () => {
    const { page, errors } = await openPage(browser, '')
    let fail = true
    await serveHistory(page, { historyFails: () => fail })
    await goto(page, `/?guest=${designKey}`)
    const dialog = page.getByRole('dialog')
    await dialog.locator('.history[data-history="error"]').waitFor()
    expect(await dialog.locator('.history').textContent()).toContain('history store unavailable')
    // The record's own calendar and backups are all there.
    expect(await dialog.locator('.calendar li[data-date]').count()).toBe(30)
    expect(await dialog.locator('.backup-list tbody tr').count()).toBeGreaterThan(0)
    await page.screenshot({ path: shot('history-drilldown-failed.png') })
    fail = false
    await dialog.getByRole('button', { name: 'Try again' }).click()
    await dialog.locator('.history[data-history="loaded"]').waitFor()
    expect(errors.filter((e) => !e.includes('500'))).toEqual([])
  })

  it('looks right with a year of history, wide and narrow', async () => {
    const { page, errors } = await openPage(browser, '')
    await serveHistory(page)
    for (const l of LOOKS) {
      // Tall enough for the whole dialog in one picture.
      await look(page, l, l.width < 600 ? 4400 : 3000)
      await goto(page, `/?guest=${designKey}`)
      const dialog = page.getByRole('dialog')
      await dialog.locator('.history[data-history="loaded"]').waitFor()
      await dialog.getByRole('button', { name: '‹ Earlier' }).click()
      expect(await dialog.evaluate((d) => d.scrollWidth - d.clientWidth)).toBeLessThanOrEqual(0)
      await dialog.screenshot({ path: shot(`history-drilldown-${l.label}.png`) })
      // Close-ups, to be read at their own size.
      for (const [part, selector] of [
        ['overview', '.history'],
        ['calendar', '.calendar'],
        ['trends', '.history-trends'],
      ] as const)
        await dialog
          .locator(selector)
          .screenshot({ path: shot(`history-drilldown-${l.label}-${part}.png`) })
    }
    expect(errors).toEqual([])
  })
})

describe('the inventory export', () => {
  it('downloads CSV and JSON from the guest view', async () => {
    const { page, errors } = await openPage(browser, '')
    await serveHistory(page)
    await goto(page, '/')
    const link = page.locator('a[data-export="csv"]')
    expect(await link.getAttribute('href')).toBe('/api/export/inventory.csv')
    const [csv] = await Promise.all([page.waitForEvent('download'), link.click()])
    expect(csv.suggestedFilename()).toBe('inventory.csv')
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[data-export="json"]').click(),
    ])
    expect(json.suggestedFilename()).toMatch(/^pulse-edge-inventory-\d{4}-\d{2}-\d{2}\.json$/)
    expect(errors).toEqual([])
  })

  it('asks for the API token when the export is protected, and sends it', async () => {
    const { page, errors } = await openPage(browser, '')
    const served = await serveHistory(page, { exportToken: 'lab-token' })
    await goto(page, '/')
    await page.locator('a[data-export="csv"]').click()
    const input = page.locator('.export-links input[type="password"]')
    await input.waitFor()
    expect(await page.locator('.export-links [role="status"]').textContent()).toContain(
      'PULSE_API_TOKEN',
    )
    await page.locator('.export-links').screenshot({ path: shot('history-export-token.png') })
    await input.fill('lab-token')
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ])
    expect(download.suggestedFilename()).toBe('inventory.csv')
    expect(served.exports.at(-1)?.headers().authorization).toBe('Bearer lab-token')
    // The tab keeps it, as for "Refresh now": the next export needs no prompt.
    const [next] = await Promise.all([
      page.waitForEvent('download'),
      page.locator('a[data-export="json"]').click(),
    ])
    expect(next.suggestedFilename()).toMatch(/\.json$/)
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })
})
