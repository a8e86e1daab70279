// The Alerts view (issue 12) in a real browser against `wrangler dev` and the lab: the header's
// count on every view, acknowledge / unacknowledge / snooze / test with the API token, errors in
// words, links to the job or store highlighted in its view, empty states, keyboard use and
// phone width. The Worker's alert routes are served by a fake that keeps their contract
// (test/unit/web/alerts-fake-api.ts, fixtures parsed with the shared schemas); every request
// the page sends is asserted; everything else is the real stack's.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeAlertsApi, serveAlerts } from '../unit/web/alerts-fake-api.ts'
import {
  alertsFixture,
  allClear,
  channelsFixture,
  JOB_ERROR,
  noChannels,
} from '../unit/web/alerts-fixtures.ts'
import { jobsFixture, storageFixture } from '../unit/web/issue11-fixtures.ts'
import { ARTIFACTS, goto, lab, launch, openPage, workerUrl } from './browser.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const HOUR = 3_600
const now = Math.floor(Date.now() / 1000)
const cluster = lab.facts.designGuest.cluster
const guests = lab.guests.filter((g) => g.cluster === cluster && !g.template).slice(0, 4)
const vmids = guests.map((g) => g.vmid) as [number, number, number, number]
const names = guests.map((g) => g.name ?? String(g.vmid)) as [string, string, string, string]
const shot = (name: string) => new URL(name, ARTIFACTS).pathname
const fixture = () =>
  alertsFixture(now, {
    base: workerUrl,
    cluster,
    vmids: [vmids[0], vmids[1], vmids[2]],
    names: [names[0], names[1], names[2]],
  })
const missedId = `missed:${cluster}/${vmids[0]}`
const failedId = `guest-failed:${cluster}/${vmids[1]}`

async function setup(page: Page, patch: Partial<FakeAlertsApi> = {}): Promise<FakeAlertsApi> {
  page.setDefaultTimeout(8_000)
  // This Chromium shares localStorage between contexts (found here: --single-process), so a
  // name typed in one test would be sent by the next.
  await page.addInitScript(() => localStorage.removeItem('pulse-edge-actor'))
  const jobs = jobsFixture(now, { cluster, vmids })
  const storage = storageFixture(now, cluster)
  await page.route('**/api/jobs', (route) => route.fulfill({ json: jobs }))
  await page.route('**/api/storage', (route) => route.fulfill({ json: storage }))
  return serveAlerts(page, { alerts: fixture(), channels: channelsFixture(now), ...patch })
}

const item = (page: Page, id: string) => page.locator(`li[data-alert-id="${id}"]`)
const headerCount = (page: Page) => page.locator('#alert-count a.alert-count')
const focused = (page: Page) =>
  page.evaluate(() => {
    const e = document.activeElement
    return e
      ? `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}:${e.textContent?.trim().slice(0, 40)}`
      : ''
  })

describe('the Alerts view', () => {
  it('shows the firing count in the header of every view and opens the Alerts view from it', async () => {
    const { page, errors } = await openPage(browser, '')
    await setup(page)
    await goto(page, '/?q=a&sort=vmid')
    await headerCount(page).waitFor()
    expect(await headerCount(page).textContent()).toBe('2 critical, 3 warning firing')
    expect(await headerCount(page).getAttribute('data-level')).toBe('critical')
    expect(await headerCount(page).getAttribute('href')).toBe('/?view=alerts&q=a&sort=vmid')
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('link', { name: 'Jobs' })
      .click()
    await page.locator('table.pve-jobs').waitFor()
    expect(await headerCount(page).textContent()).toBe('2 critical, 3 warning firing')
    await headerCount(page).click()
    await page.locator('.alert-list.firing').waitFor()
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      view: 'alerts',
      q: 'a',
      sort: 'vmid',
    })
    expect(await focused(page)).toBe('h2#alerts-title:Alerts')
    expect(await page.title()).toMatch(/^Alerts — Pulse Edge/)
    const firing = await page.$$eval('.alert-list.firing > li', (li) =>
      li.map((l) => (l as HTMLElement).dataset.severity),
    )
    expect(firing).toEqual(['critical', 'critical', 'warning', 'warning', 'warning'])
    expect(await page.locator('.alert-list.resolved > li').count()).toBe(2)
    const failed = item(page, failedId)
    expect(await failed.locator('.alert-detail').textContent()).toBe(JOB_ERROR)
    expect(await failed.locator('[data-fact="acknowledged"]').textContent()).toMatch(/^by ann, /)
    expect(await failed.locator('[data-fact="since"]').textContent()).toMatch(/\(4d ago\)$/)
    expect(
      await item(page, 'store-usage:pbs/main').locator('[data-fact="snoozed"]').textContent(),
    ).toMatch(/^until (today|tomorrow) .*\(in [45]h\)$/)
    expect(
      await item(page, `verify-failed:${cluster}/4242`)
        .locator('[data-fact="resolved"]')
        .textContent(),
    ).toMatch(/\(30h ago\): its subject no longer exists$/)
    // Channels with their delivery logs.
    await page.locator('article.channel').first().waitFor()
    expect(await page.locator('article.channel').count()).toBe(3)
    const team = page.locator('article[data-channel="team"]')
    expect(await team.locator('.delivery-log tbody tr').first().textContent()).toContain('429')
    expect(await team.locator('[data-fact="pending"]').textContent()).toContain('2 event(s)')
    await page.screenshot({ path: shot('alerts-desktop.png'), fullPage: true })
    // Back and forward move between the views the header opened.
    await page.goBack()
    await page.locator('table.pve-jobs').waitFor({ state: 'visible' })
    await page.goForward()
    await page.locator('.alert-list.firing').waitFor({ state: 'visible' })
    expect(errors).toEqual([])
  })

  it('filters by severity and state in the URL (dark theme)', async () => {
    const { page, errors } = await openPage(browser, '', { colorScheme: 'dark' })
    await setup(page)
    await goto(page, '/?view=alerts')
    await page.locator('article.channel').first().waitFor()
    await page.screenshot({ path: shot('alerts-dark.png'), fullPage: true })
    await page
      .getByRole('group', { name: 'Severity' })
      .getByRole('button', { name: 'Critical' })
      .click()
    expect(await page.locator('.alert-list > li').count()).toBe(2)
    await page
      .getByRole('group', { name: 'State' })
      .getByRole('button', { name: /^Not handled/ })
      .click()
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      view: 'alerts',
      severity: 'critical',
      state: 'open',
    })
    expect(await page.locator('.alert-list > li').count()).toBe(2)
    await page
      .getByRole('group', { name: 'Severity' })
      .getByRole('button', { name: 'Warning' })
      .click()
    // The warnings not handled: the source; the acknowledged and the snoozed one are out.
    const ids = await page.$$eval('.alert-list > li', (li) =>
      li.map((l) => (l as HTMLElement).dataset.alertId),
    )
    expect(ids).toEqual(['source-down:pbs-offsite'])
    await page.goBack()
    expect(await page.locator('.alert-list > li').count()).toBe(2)
    await page.getByRole('button', { name: 'Show all alerts' }).click()
    expect(await page.locator('.alert-list > li').count()).toBe(7)
    expect(errors).toEqual([])
  })

  it('acknowledges from the keyboard with the API token, showing what the Worker recorded', async () => {
    const { page, errors } = await openPage(browser, '')
    const api = await setup(page, { token: 'tok-123' })
    await goto(page, '/?view=alerts')
    await page.getByLabel('Your name, sent with acknowledgements').fill('sam')
    await page.keyboard.press('Tab')
    const missed = item(page, missedId)
    await missed.getByRole('button', { name: 'Acknowledge' }).focus()
    await page.keyboard.press('Enter')
    // No token yet: the Worker says 401 and the page asks for it beside the button.
    const input = missed.getByLabel('API token')
    await input.waitFor()
    expect(await missed.locator('.token-why').textContent()).toContain(
      'Acknowledge needs the API token',
    )
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).type)).toBe(
      'password',
    )
    expect(await missed.locator('[data-fact="acknowledged"]').count()).toBe(0)
    await page.keyboard.type('tok-123')
    await page.keyboard.press('Enter')
    await missed.locator('[data-fact="acknowledged"]').waitFor()
    expect(await missed.locator('.action-note').textContent()).toMatch(
      /^Acknowledged by sam, today /,
    )
    expect(api.sent.map((r) => [r.method, r.path, r.body, r.authorization])).toEqual([
      ['POST', `/api/alerts/${encodeURIComponent(missedId)}/ack`, { by: 'sam' }, undefined],
      ['POST', `/api/alerts/${encodeURIComponent(missedId)}/ack`, { by: 'sam' }, 'Bearer tok-123'],
    ])
    // The same button now undoes it, and keeps the focus.
    const toggle = missed.locator('button.ack')
    expect(await toggle.textContent()).toBe('Unacknowledge')
    expect(await focused(page)).toBe('button:Unacknowledge')
    await page.screenshot({ path: shot('alerts-acknowledged.png') })
    await page.keyboard.press('Enter')
    await missed.locator('.action-note', { hasText: 'Acknowledgement removed' }).waitFor()
    expect(api.sent[2]).toEqual({
      method: 'POST',
      path: `/api/alerts/${encodeURIComponent(missedId)}/unack`,
      body: {},
      authorization: 'Bearer tok-123',
    })
    expect(await missed.locator('[data-fact="acknowledged"]').count()).toBe(0)
    expect(errors.filter((e) => !e.includes('401'))).toEqual([])
  })

  it('snoozes for 8 hours and until a chosen time, then ends the snooze', async () => {
    const { page, errors } = await openPage(browser, '')
    const api = await setup(page)
    await goto(page, '/?view=alerts')
    const missed = item(page, missedId)
    // From the keyboard: open the menu, choose "8 hours".
    await missed.locator('details.snooze summary').focus()
    await page.keyboard.press('Enter')
    const before = Math.floor(Date.now() / 1000)
    await missed.getByRole('button', { name: '8 hours' }).focus()
    await page.keyboard.press('Enter')
    await missed.locator('[data-fact="snoozed"]').waitFor()
    const first = api.sent[0] as { path: string; body: { until: number } }
    expect(first.path).toBe(`/api/alerts/${encodeURIComponent(missedId)}/snooze`)
    expect(first.body).toEqual({ until: first.body.until })
    // "now" is the page's last render, at most one 30 s tick old.
    expect(first.body.until).toBeGreaterThanOrEqual(before - 31 + 8 * HOUR)
    expect(first.body.until).toBeLessThanOrEqual(before + 1 + 8 * HOUR)
    expect(await missed.locator('.action-note').textContent()).toMatch(
      /^Snoozed until (today|tomorrow) /,
    )
    expect(await missed.locator('details.snooze').getAttribute('open')).toBeNull()
    expect(await focused(page)).toBe('summary:Snoozed: change…')
    // Until a chosen local time: 07:30 the day after tomorrow, in the viewer's zone (New York).
    await page.keyboard.press('Enter')
    const day = new Date((now + 2 * 86_400) * 1000).toLocaleDateString('en-CA', {
      timeZone: 'America/New_York',
    })
    await missed.locator('input[name="until"]').fill(`${day}T07:30`)
    await missed.getByRole('button', { name: 'Snooze until then' }).click()
    await missed.locator('.action-note', { hasText: '07:30' }).waitFor()
    const offset = new Date(`${day}T12:00:00Z`).toLocaleString('en-US', {
      timeZone: 'America/New_York',
      timeZoneName: 'shortOffset',
    })
    const hours = Number(/GMT([+-]\d+)/.exec(offset)?.[1])
    const expected = Date.parse(`${day}T07:30:00Z`) / 1000 - hours * HOUR
    expect(api.sent[1]?.body).toEqual({ until: expected })
    // A time in the past is refused on the page, with nothing sent.
    await missed.locator('details.snooze summary').click()
    await missed.locator('input[name="until"]').fill('2020-01-01T08:00')
    await missed.getByRole('button', { name: 'Snooze until then' }).click()
    expect(await missed.locator('.action-note').textContent()).toBe(
      'Choose a time in the future to snooze until.',
    )
    expect(api.sent).toHaveLength(2)
    // End the snooze: until null.
    await missed.getByRole('button', { name: 'End snooze' }).click()
    await missed.locator('.action-note', { hasText: 'Snooze ended' }).waitFor()
    expect(api.sent[2]?.body).toEqual({ until: null })
    expect(await missed.locator('[data-fact="snoozed"]').count()).toBe(0)
    expect(errors).toEqual([])
  })

  it('says what went wrong: a 409 for an alert that resolved, a 404, a network failure', async () => {
    const { page, errors } = await openPage(browser, '')
    const api = await setup(page)
    await goto(page, '/?view=alerts')
    const missed = item(page, missedId)
    await missed.locator('.alert-summary').waitFor()
    const loads = api.alertLoads
    api.next = (route) =>
      route.fulfill({ status: 409, json: { error: { code: 'conflict', message: 'Not firing' } } })
    await missed.getByRole('button', { name: 'Acknowledge' }).click()
    await missed.locator('.action-note.bad').waitFor()
    expect(await missed.locator('.action-note').textContent()).toBe(
      'Not done: the alert is no longer firing, so there is nothing to acknowledge. The list was reloaded.',
    )
    // Nothing claims it was acknowledged, and the list was asked for again.
    expect(await missed.locator('button.ack').textContent()).toBe('Acknowledge')
    await expect.poll(() => api.alertLoads).toBe(loads + 1)
    api.next = (route) =>
      route.fulfill({ status: 404, json: { error: { code: 'not_found', message: 'No alert' } } })
    await missed.getByRole('button', { name: 'Acknowledge' }).click()
    await missed.locator('.action-note', { hasText: 'no longer exists' }).waitFor()
    api.next = (route) => route.abort('internetdisconnected')
    await missed.getByRole('button', { name: 'Acknowledge' }).click()
    await missed.locator('.action-note', { hasText: 'Could not reach the Worker' }).waitFor()
    expect(await missed.locator('[data-fact="acknowledged"]').count()).toBe(0)
    await page.screenshot({ path: shot('alerts-error.png') })
    expect(errors.filter((e) => !/409|404|Failed to (load|fetch)|ERR_INTERNET/.test(e))).toEqual([])
  })

  it('sends a test message from a channel and shows the attempt in its log', async () => {
    const { page, errors } = await openPage(browser, '')
    const api = await setup(page, {
      testResult: { status: 'failed', httpStatus: 404, error: 'webhook not found' },
    })
    await goto(page, '/?view=alerts')
    const team = page.locator('article[data-channel="team"]')
    await team.getByRole('button', { name: 'Send test' }).click()
    await team.locator('.action-note.bad').waitFor()
    expect(await team.locator('.action-note').textContent()).toBe(
      'Test message refused (HTTP 404): webhook not found.',
    )
    expect(api.sent).toEqual([
      {
        method: 'POST',
        path: '/api/alerts/channels/team/test',
        body: {},
        authorization: undefined,
      },
    ])
    // The channels were reloaded: the attempt is the newest line of the log.
    await team.locator('.delivery-log tbody tr[data-status="failed"]').waitFor()
    expect(await team.locator('.delivery-log tbody tr').first().getAttribute('data-status')).toBe(
      'failed',
    )
    api.testResult = { status: 'sent', httpStatus: 200 }
    const phone = page.locator('article[data-channel="phone"]')
    await phone.getByRole('button', { name: 'Send test' }).click()
    await phone.locator('.action-note', { hasText: 'Test message sent (HTTP 200).' }).waitFor()
    expect(errors).toEqual([])
  })

  it("opens an alert's job or store highlighted and scrolled to, and a guest's drill-down over the view", async () => {
    const { page, errors } = await openPage(browser, '', { viewport: { width: 1400, height: 500 } })
    await setup(page)
    await goto(page, '/?view=alerts')
    const sync = item(page, 'pbs-job:pbs/sync/pull-offsite').locator('a.subject')
    expect(await sync.getAttribute('href')).toBe('/?view=jobs&job=pbs%2Fsync%2Fpull-offsite')
    await sync.click()
    const row = page.locator('tr[data-job="pbs/sync/pull-offsite"]')
    await row.waitFor()
    expect(await row.getAttribute('data-highlight')).toBe('true')
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-job')))
      .toBe('pbs/sync/pull-offsite')
    expect(await row.isVisible()).toBe(true)
    const box = await row.boundingBox()
    expect(box && box.y >= 0 && box.y + box.height <= 500).toBe(true)
    await page.screenshot({ path: shot('alerts-link-job.png') })
    // Back to the alerts, then the store.
    await page.goBack()
    await item(page, 'store-usage:pbs/main').locator('a.subject').click()
    const store = page.locator('tr[data-store="pbs/main"]')
    await store.waitFor()
    expect(await store.getAttribute('data-highlight')).toBe('true')
    expect(new URL(page.url()).searchParams.get('store')).toBe('pbs/main')
    // The header's views forget the highlight.
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('link', { name: 'Alerts' })
      .click()
    expect(new URL(page.url()).searchParams.has('store')).toBe(false)
    // A guest opens its drill-down over the Alerts view; closing it returns there.
    await item(page, missedId).locator('a.subject').click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('.calendar').waitFor()
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toEqual({
      view: 'alerts',
      guest: `${cluster}/${vmids[0]}`,
    })
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'hidden' })
    expect(await page.locator('.alert-list.firing').isVisible()).toBe(true)
    // A link to a job the list does not have says so.
    await goto(page, '/?view=jobs&job=pbs/verify/gone')
    expect(await page.locator('.not-listed').textContent()).toContain('pbs/verify/gone')
    expect(errors).toEqual([])
  })

  it('says all clear with no alert, and points to the README with no channel', async () => {
    const { page, errors } = await openPage(browser, '')
    await setup(page, { alerts: allClear(), channels: noChannels() })
    await goto(page, '/?view=alerts')
    await page.locator('[data-empty="all-clear"]').waitFor()
    expect(await headerCount(page).textContent()).toBe('No alerts firing')
    expect(await page.locator('.empty-channels').textContent()).toContain('"Notification channels"')
    await page.screenshot({ path: shot('alerts-empty.png'), fullPage: true })
    expect(errors).toEqual([])
  })

  it('announces the header count only when it changes, not on every reload', async () => {
    const { page, errors } = await openPage(browser, '')
    await page.clock.install()
    const api = await setup(page)
    await goto(page, '/')
    await headerCount(page).waitFor()
    await page.evaluate(() => {
      const live = document.querySelector('#alert-count [role="status"]') as HTMLElement
      const said: string[] = []
      ;(window as unknown as { said: string[] }).said = said
      new MutationObserver(() => said.push(live.textContent ?? '')).observe(live, {
        childList: true,
        characterData: true,
        subtree: true,
      })
    })
    const said = () => page.evaluate(() => (window as unknown as { said: string[] }).said)
    const loads = api.alertLoads
    // Ticks and a reload with the same counts: silent.
    await page.clock.runFor(5 * 60_000 + 1_000)
    await expect.poll(() => api.alertLoads).toBeGreaterThan(loads)
    expect(await said()).toEqual([])
    // A new critical one: said once.
    const next = fixture()
    next.firing = { critical: 3, warning: 3 }
    api.alerts = next
    await page.clock.runFor(5 * 60_000 + 1_000)
    await expect.poll(said).toEqual(['Alerts: 3 critical, 3 warning firing.'])
    expect(await headerCount(page).textContent()).toBe('3 critical, 3 warning firing')
    await page.clock.runFor(5 * 60_000 + 1_000)
    expect(await said()).toEqual(['Alerts: 3 critical, 3 warning firing.'])
    expect(errors).toEqual([])
  })

  it('fits a phone: the list, the actions and the channels, without sideways scrolling', async () => {
    const { page, errors } = await openPage(browser, '', {
      viewport: { width: 390, height: 844 },
      isMobile: true,
      hasTouch: true,
    })
    await setup(page)
    await goto(page, '/?view=alerts')
    await page.locator('article.channel').first().waitFor()
    await page.screenshot({ path: shot('alerts-mobile.png') })
    await item(page, missedId).locator('details.snooze summary').click()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(390)
    await page.screenshot({ path: shot('alerts-mobile-snooze.png') })
    await item(page, failedId).scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('alerts-mobile-list.png') })
    await page.locator('article[data-channel="team"]').scrollIntoViewIfNeeded()
    await page.screenshot({ path: shot('alerts-mobile-channels.png') })
    expect(errors).toEqual([])
  })
})
