// The dashboard in a real browser (the Chromium from node_modules, scripts/chromium.ts) against
// `wrangler dev` and the lab.
import { fileURLToPath } from 'node:url'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { bundledChromium, chromiumExecutable } from '../../scripts/chromium.ts'
import {
  ARTIFACTS,
  clearFaults,
  goto,
  lab,
  launch,
  openPage,
  scheduledRefresh,
  setFaults,
  workerUrl,
} from './browser.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const f = lab.facts
const designKey = `${f.designGuest.cluster}/${f.designGuest.vmid}`
const row = (key: string) => `tr[data-key="${key}"]`

describe('dashboard', () => {
  it.skipIf(process.env.PULSE_CHROMIUM)(
    'runs the Chromium npm install brought, not a system one',
    () => {
      const nodeModules = fileURLToPath(new URL('../../node_modules/', import.meta.url))
      expect(chromiumExecutable().startsWith(nodeModules)).toBe(true)
      // The running browser is that build: @sparticuz/chromium's major is Chromium's major.
      expect(browser.version().split('.')[0]).toBe(bundledChromium().version.split('.')[0])
    },
  )

  it('shows every lab guest, templates once asked for, and nothing else', async () => {
    const { page, errors } = await openPage(browser)
    const shown = await page.$$eval('table.guests tbody tr[data-key]', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.key),
    )
    const expected = lab.guests.filter((g) => !g.template).map((g) => `${g.cluster}/${g.vmid}`)
    expect(shown.sort()).toEqual(expected.sort())
    await page.screenshot({ path: new URL('dashboard-main.png', ARTIFACTS).pathname })
    await page.getByLabel('Show templates').check()
    expect(await page.locator(row(`${f.template.cluster}/${f.template.vmid}`)).count()).toBe(1)
    expect(new URL(page.url()).searchParams.get('templates')).toBe('1')
    expect(errors).toEqual([])
  })

  it("switches filters in the page, without a request, to the design note's exact ages", async () => {
    const { page } = await openPage(browser)
    const requests: string[] = []
    page.on('request', (r) => requests.push(r.url()))
    const age = page.locator(`${row(designKey)} td.age`)
    const expected = { All: '11h', PVE: '17h', PBS: '11h', Snapshots: '14h' }
    for (const [tab, text] of Object.entries(expected)) {
      await page
        .getByRole('group', { name: 'Backup type' })
        .getByRole('button', { name: tab, exact: true })
        .click()
      expect(await age.textContent()).toBe(text)
      expect(await age.getAttribute('data-status')).toBe('fresh')
    }
    expect(requests.filter((u) => new URL(u).pathname.startsWith('/api/'))).toEqual([])
    // A guest without a backup of the chosen type says so.
    await page
      .getByRole('group', { name: 'Backup type' })
      .getByRole('button', { name: 'PBS', exact: true })
      .click()
    const migrated = page.locator(
      `${row(`${f.migratedGuest.cluster}/${f.migratedGuest.vmid}`)} td.age`,
    )
    expect(await migrated.textContent()).toBe('never')
    expect(new URL(page.url()).searchParams.get('filter')).toBe('pbs')
  })

  it('puts the 23:30 New York backup on that local day in the drill-down calendar', async () => {
    const late = f.lateNightBackup
    const { page } = await openPage(browser, '', { timezoneId: late.viewerTimeZone })
    await goto(page, `/?guest=${late.cluster}/${late.vmid}`)
    const dialog = page.getByRole('dialog')
    await dialog.locator('.calendar li[data-date]').first().waitFor()
    const cell = dialog.locator(`.calendar li[data-date="${late.localDate}"]`)
    expect(await cell.getAttribute('data-count')).toBe('1')
    expect(await cell.getAttribute('data-kinds')).toBe('pve')
    const utcDay = new Date(late.time * 1000).toISOString().slice(0, 10)
    expect(
      await dialog.locator(`.calendar li[data-date="${utcDay}"]`).getAttribute('data-count'),
    ).toBe('0')
    const backupRow = dialog.locator(`tr[data-time="${late.time}"]`)
    expect(await backupRow.locator('td.when').textContent()).toMatch(/11:30:00\sPM EST/)
    expect(await backupRow.locator('td.notes').textContent()).toBe(late.notes)
    await page.screenshot({ path: new URL('dashboard-drilldown.png', ARTIFACTS).pathname })
  })

  it('shows the drill-down for the design guest with every backup and its details', async () => {
    const { page } = await openPage(browser)
    await page.locator(`${row(designKey)} a`).click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('.backup-list').waitFor()
    expect(new URL(page.url()).searchParams.get('guest')).toBe(designKey)
    expect(await dialog.locator('dd[data-filter="pve"]').textContent()).toBe('17h')
    expect(await dialog.locator('dd[data-filter="pbs"]').textContent()).toBe('11h')
    const pbsRow = dialog.locator(`tr[data-time="${f.failedVerification.time}"]`)
    expect(await pbsRow.textContent()).toContain('failed')
    expect(await pbsRow.textContent()).toContain(
      `${f.failedVerification.datastore}/${f.failedVerification.namespace}`,
    )
    const protectedRow = dialog.locator(`tr[data-time="${f.protectedPbsSnapshot.time}"]`)
    expect(await protectedRow.textContent()).toContain('protected')
    expect(
      await dialog.locator(`tr[data-time="${f.designGuest.pveBackupTime}"]`).textContent(),
    ).toMatch(/17h ago.*PVE.*nas-nfs.*GiB/)
    // Escape closes it and the URL forgets the guest.
    await page.keyboard.press('Escape')
    // The key is handled after press() resolves; wait for the close, with a time limit.
    await dialog.waitFor({ state: 'hidden', timeout: 5_000 })
    // The dialog's close event (which updates the URL) is dispatched after it hides.
    await page.waitForURL((url) => !url.searchParams.has('guest'), { timeout: 5_000 })
  })

  it('renders a guest named as HTML as text and runs nothing', async () => {
    const { page, dialogs, errors } = await openPage(browser)
    const hostile = f.hostileName
    const link = page.locator(`${row(`${hostile.cluster}/${hostile.vmid}`)} a`)
    expect(await link.textContent()).toBe(hostile.name)
    expect(await page.locator('table.guests img').count()).toBe(0)
    await link.click()
    const dialog = page.getByRole('dialog')
    await dialog.locator('.calendar').waitFor()
    expect(await dialog.locator('h2').textContent()).toContain(hostile.name)
    expect(await page.locator('img').count()).toBe(0)
    await page.waitForTimeout(300)
    expect(dialogs).toEqual([])
    expect(errors).toEqual([])
  })

  it('searches, sorts, filters by status and type, and restores all of it from the URL', async () => {
    const { page } = await openPage(browser)
    const total = await page.locator('table.guests tbody tr').count()
    await page.getByLabel('Search guests').fill('debian')
    const names = await page.$$eval('table.guests tbody tr td.name a', (links) =>
      links.map((a) => a.textContent),
    )
    expect(names.length).toBeLessThan(total)
    expect(names).toContain(f.designGuest.name)
    expect(names.every((n) => n?.includes('debian'))).toBe(true)
    expect(new URL(page.url()).searchParams.get('q')).toBe('debian')
    await page.getByLabel('Search guests').fill('')
    await page.getByLabel('Guest type').selectOption('lxc')
    const types = await page.$$eval('table.guests tbody tr td:nth-child(5)', (cells) =>
      cells.map((c) => c.textContent),
    )
    expect(new Set(types)).toEqual(new Set(['CT']))
    await page.getByLabel('Guest type').selectOption('any')
    const neverPill = page.locator('.summary button[data-status="never"]')
    const neverCount = Number((await neverPill.textContent())?.split(' ')[0])
    await neverPill.click()
    const ages = await page.$$eval('table.guests tbody tr td.age', (cells) =>
      cells.map((c) => c.textContent),
    )
    expect(ages).toHaveLength(neverCount)
    expect(new Set(ages)).toEqual(new Set(['never']))
    await page.getByRole('button', { name: 'Sort by VMID' }).click()
    const url = page.url()
    expect(new URL(url).searchParams.get('status')).toBe('never')
    expect(new URL(url).searchParams.get('sort')).toBe('vmid')
    const vmids = await page.$$eval('table.guests tbody tr td:nth-child(2)', (cells) =>
      cells.map((c) => Number(c.textContent)),
    )
    expect(vmids).toEqual([...vmids].sort((a, b) => a - b))
    // The same URL in a new tab shows the same view.
    const other = await openPage(browser, `/${new URL(url).search}`)
    const again = await other.page.$$eval('table.guests tbody tr td:nth-child(2)', (cells) =>
      cells.map((c) => Number(c.textContent)),
    )
    expect(again).toEqual(vmids)
    expect(await other.page.locator('th[aria-sort="ascending"]').textContent()).toContain('VMID')
  })

  it('puts guests without any backup and those no job covers one click away', async () => {
    const { page } = await openPage(browser)
    await page.getByRole('button', { name: /No backup at all/ }).click()
    const keys = await page.$$eval('table.guests tbody tr[data-key]', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.key),
    )
    expect(keys).toContain(`${f.neverBackedUp.cluster}/${f.neverBackedUp.vmid}`)
    expect(keys).not.toContain(designKey)
    await page.getByRole('button', { name: /Not in any backup job/ }).click()
    const uncovered = await page.$$eval('table.guests tbody tr[data-key]', (rows) =>
      rows.map((r) => (r as HTMLElement).dataset.key),
    )
    expect(uncovered).toContain(`${f.neverBackedUp.cluster}/${f.neverBackedUp.vmid}`)
    expect(new URL(page.url()).searchParams.get('only')).toBe('uncovered')
  })

  it('explains orphans and ambiguous snapshots in their own sections', async () => {
    const { page } = await openPage(browser)
    await page.getByText(/^Orphaned backups/).click()
    expect(await page.locator('#orphans table').textContent()).toContain(String(f.orphan.vmid))
    await page.getByText(/^Ambiguous PBS snapshots/).click()
    const ambiguous = await page.locator('#ambiguous table').textContent()
    expect(ambiguous).toContain(String(f.vmidCollision.vmid))
    expect(ambiguous).toMatch(/homelab, office|office, homelab/)
    expect(await page.locator(row(`${f.orphan.cluster}/${f.orphan.vmid}`)).count()).toBe(0)
  })

  it('shows a failed job on its row, with the error on hover and keyboard focus', async () => {
    const { page } = await openPage(browser)
    const job = page.locator(
      `${row(`${f.failedTask.cluster}/${f.failedTask.failedVmid}`)} .job span`,
    )
    expect(await job.textContent()).toBe('failed')
    const tooltip = page.getByRole('tooltip')
    await job.hover()
    expect(await tooltip.textContent()).toContain(f.failedTask.reason)
    await page.mouse.move(0, 0)
    expect(await tooltip.isVisible()).toBe(false)
    await job.focus()
    expect(await tooltip.isVisible()).toBe(true)
    expect(await tooltip.textContent()).toContain(f.failedTask.reason)
    expect(await job.getAttribute('aria-describedby')).toBe('tooltip')
    const running = page.locator(`${row(`${f.inProgress.cluster}/${f.inProgress.vmid}`)} .job span`)
    expect(await running.textContent()).toBe('running')
  })

  it('is usable from the keyboard alone', async () => {
    const { page } = await openPage(browser)
    await page.getByLabel('Search guests').fill('debian')
    await page.getByLabel('Search guests').press('Tab')
    // Tab through the controls to the first guest link, then open it with Enter.
    for (let i = 0; i < 30; i++) {
      const onLink = await page.evaluate(() => document.activeElement?.matches('a[data-guest]'))
      if (onLink) break
      await page.keyboard.press('Tab')
    }
    await page.keyboard.press('Enter')
    await page.getByRole('dialog').locator('.calendar').waitFor()
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null)).toBe(true)
    await page.keyboard.press('Escape')
    await page.getByRole('dialog').waitFor({ state: 'hidden', timeout: 5_000 })
  })

  it('fits a phone and follows the dark system theme', async () => {
    const { page } = await openPage(browser, '/', {
      viewport: { width: 390, height: 844 },
      colorScheme: 'dark',
      isMobile: true,
      hasTouch: true,
    })
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    )
    expect(overflow).toBeLessThanOrEqual(0)
    const bg = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor)
    expect(bg).toBe('rgb(17, 20, 24)')
    expect(await page.locator(`${row(designKey)} td.age`).isVisible()).toBe(true)
    await page.screenshot({ path: new URL('dashboard-phone-dark.png', ARTIFACTS).pathname })
  })

  it('shows a loading state, then an error state with a retry when the API fails', async () => {
    const { page } = await openPage(browser, '')
    let fail = true
    await page.route('**/api/guests', async (route) => {
      if (fail)
        await route.fulfill({
          status: 503,
          contentType: 'application/json',
          body: '{"error":{"code":"x","message":"KV is down"}}',
        })
      else await route.continue()
    })
    await page.goto(workerUrl)
    const alert = page.locator('.error-state')
    await alert.waitFor()
    expect(await alert.textContent()).toContain('KV is down')
    fail = false
    await page.getByRole('button', { name: 'Try again' }).click()
    await page.waitForSelector('body[data-ready]')
    expect(await page.locator(row(designKey)).count()).toBe(1)
  })

  it('ships no inline script and works under its Content-Security-Policy', async () => {
    const response = await fetch(workerUrl)
    const html = await response.text()
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/)
    expect(html).not.toMatch(/\son[a-z]+=/i)
    const csp = response.headers.get('content-security-policy') ?? ''
    expect(csp).toContain("script-src 'self'")
    expect(csp).toContain("frame-ancestors 'none'")
    const { errors } = await openPage(browser)
    expect(errors).toEqual([])
  })

  it('asks for the API token when a refresh needs one, and sends it', async () => {
    const { page } = await openPage(browser)
    let auth: string | undefined
    await page.route('**/api/refresh', async (route) => {
      auth = route.request().headers().authorization
      if (!auth) {
        await route.fulfill({
          status: 401,
          contentType: 'application/json',
          body: '{"error":{"code":"unauthorized","message":"A valid API token is required"}}',
        })
      } else {
        await route.fulfill({ status: 200, contentType: 'application/json', body: '{}' })
      }
    })
    await page.getByRole('button', { name: 'Refresh now' }).click()
    await page.getByLabel('API token').fill('s3cret-token')
    await page.getByLabel('API token').press('Enter')
    await page.getByText('Refreshed.').waitFor()
    expect(auth).toBe('Bearer s3cret-token')
  })

  it('keeps a 3,000-guest fleet complete while painting only the rows in view', async () => {
    const real = (await (await fetch(`${workerUrl}/api/guests`)).json()) as {
      guests: { key: string; cluster: string; guestId: number; guestName: string | null }[]
    }
    const template = real.guests.find((g) => g.key === designKey)
    const guests = Array.from({ length: 3000 }, (_, i) => ({
      ...template,
      key: `big/${1000 + i}`,
      cluster: 'big',
      guestId: 1000 + i,
      guestName: `guest-${1000 + i}`,
    }))
    const { page } = await openPage(browser, '')
    await page.route('**/api/guests', (route) =>
      route.fulfill({
        contentType: 'application/json',
        body: JSON.stringify({ guests, orphans: [], ambiguous: [] }),
      }),
    )
    await goto(page, '/?sort=vmid')
    const table = page.locator('table.guests')
    expect(await table.getAttribute('aria-rowcount')).toBe('3001')
    const painted = await page.locator('table.guests tbody tr[data-key]').count()
    expect(painted).toBeGreaterThan(20)
    expect(painted).toBeLessThan(200)
    await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight))
    const last = page.locator('tr[data-key="big/3999"]')
    await last.waitFor()
    expect(await last.getAttribute('aria-rowindex')).toBe('3001')
    expect(await page.locator('tr[data-key="big/1000"]').count()).toBe(0)
    // Searching still reaches every guest, painted or not.
    await page.getByLabel('Search guests').fill('guest-1234')
    expect(await page.locator('table.guests tbody tr[data-key]').count()).toBe(1)
  })

  it('says so when the last refresh could not be stored', async () => {
    const { page } = await openPage(browser, '')
    await page.route('**/api/status', async (route) => {
      const response = await route.fetch()
      const status = await response.json()
      status.storeError = { message: 'KV put failed: 429 Too Many Requests', at: lab.now }
      await route.fulfill({ response, json: status })
    })
    await goto(page, '/')
    const banner = page.locator('.banner')
    expect(await banner.getAttribute('data-state')).toBe('bad')
    expect(await banner.locator('.problems li').first().textContent()).toMatch(
      /^Storage could not save the refresh of .*: KV put failed: 429 Too Many Requests — showing the data stored before it\.$/,
    )
  })

  it("keeps every row's link on the current view after the filter, sort and search change", async () => {
    const { page } = await openPage(browser)
    const link = page.locator(`${row(designKey)} a`)
    const params = (url: string) => Object.fromEntries(new URL(url, workerUrl).searchParams)
    const hrefParams = async () => params((await link.getAttribute('href')) ?? '')
    expect(await hrefParams()).toEqual({ guest: designKey })
    await page
      .getByRole('group', { name: 'Backup type' })
      .getByRole('button', { name: 'PBS', exact: true })
      .click()
    await page.getByRole('button', { name: 'Sort by VMID' }).click()
    await page.getByLabel('Search guests').fill('debian')
    // The page's URL changes by history.replaceState; Playwright hears of it a moment later.
    await page.waitForURL((url) => url.searchParams.get('q') === 'debian')
    expect(params(page.url())).toEqual({ filter: 'pbs', sort: 'vmid', q: 'debian' })
    // Middle-click or "copy link" opens this view with the guest, not the first render's view.
    expect(await hrefParams()).toEqual({
      filter: 'pbs',
      sort: 'vmid',
      q: 'debian',
      guest: designKey,
    })
    // Back restores the previous view, and the links follow it too.
    await page.getByLabel('Search guests').fill('')
    await page.goBack()
    await expect.poll(hrefParams).toEqual({ filter: 'pbs', guest: designKey })
  })

  it('announces data problems when they change, not on every 30 s tick', async () => {
    const { page } = await openPage(browser, '')
    let failing = 1
    const sourceNames: string[] = []
    await page.route('**/api/status', async (route) => {
      const response = await route.fetch()
      const status = (await response.json()) as {
        sources: { id: string; name?: string; stale: boolean; lastError: unknown }[]
      }
      sourceNames.splice(0, Infinity, ...status.sources.map((s) => s.name ?? s.id))
      status.sources.slice(0, failing).forEach((s, i) => {
        s.stale = true
        s.lastError = { kind: 'http', message: `injected failure ${i}`, at: lab.now }
      })
      await route.fulfill({ response, json: status })
    })
    await page.clock.install()
    await goto(page, '/')
    const alert = page.locator('.banner [role="alert"]')
    const announced = (await alert.textContent()) ?? ''
    expect(announced).toContain('injected failure 0')
    expect(announced).not.toContain('injected failure 1')
    // Watch the live region and the visible list for any change, and tag the list item.
    await page.evaluate(() => {
      const w = window as unknown as { mutations: string[] }
      w.mutations = []
      const banner = document.querySelector('.banner') as HTMLElement
      // The alert: any change inside it. The list: its items added or removed (its ages tick).
      banner.querySelectorAll('[role="alert"], .problems').forEach((node) => {
        new MutationObserver((records) => {
          for (const r of records)
            w.mutations.push(`${r.type} in ${(r.target as Element).outerHTML}`)
        }).observe(node, {
          childList: true,
          characterData: true,
          subtree: node.matches('[role="alert"]'),
        })
      })
      ;(banner.querySelector('.problems li') as unknown as { probe: boolean }).probe = true
    })
    const problemText = () => page.locator('.banner .problems li').first().textContent()
    const before = await problemText()
    // Three ticks (30 s each), nothing changed: nothing is announced, the list item stays.
    await page.clock.runFor(95_000)
    // An hour on (one tick and one reload): the age in the list moves on, the alert does not.
    await page.clock.fastForward('01:00:00')
    await expect.poll(problemText).not.toBe(before)
    expect(await problemText()).toMatch(/\(1h old\)/)
    expect(await alert.textContent()).toBe(announced)
    expect(
      await page.evaluate(() => (window as unknown as { mutations: string[] }).mutations),
    ).toEqual([])
    expect(
      await page.evaluate(
        () =>
          (document.querySelector('.banner .problems li') as unknown as { probe?: boolean }).probe,
      ),
    ).toBe(true)
    // A second source fails: the next reload (5 min) announces the new set.
    failing = 2
    await page.clock.fastForward('05:00')
    await expect.poll(() => alert.textContent()).toContain('injected failure 1')
    expect(await alert.textContent()).toContain(sourceNames[1])
    // All recover: that is announced too, once.
    failing = 0
    await page.clock.fastForward('05:00')
    await expect.poll(() => page.locator('.banner').getAttribute('data-state')).toBe('ok')
    // No failure is left; what stands is the lab's removable PBS store, not mounted, which is
    // held (not failing) in every refresh, so the announcement names that instead of "healthy".
    const after = await alert.textContent()
    expect(after).not.toContain('injected failure')
    expect(after).toContain(`datastore:${lab.facts.pbsHealth.removableStore} is held`)
  })

  // Last: it breaks a source, then repairs it.
  it('raises the data-health banner when a source fails, and clears it when it recovers', async () => {
    await setFaults([{ kind: 'bad-token', source: 'pbs/pbs' }])
    try {
      await scheduledRefresh()
      const { page } = await openPage(browser)
      const banner = page.locator('.banner')
      expect(await banner.getAttribute('data-state')).toBe('bad')
      const problem = await banner.locator('.problems li').first().textContent()
      expect(problem).toMatch(/pbs \(PBS\) is failing since .*:.*— showing data from/)
      // The stale source's backups are still shown.
      expect(await page.locator(`${row(designKey)} td.age`).textContent()).toBe('11h')
      await page.screenshot({ path: new URL('dashboard-banner.png', ARTIFACTS).pathname })
    } finally {
      await clearFaults()
    }
    await scheduledRefresh()
    const { page } = await openPage(browser)
    expect(await page.locator('.banner').getAttribute('data-state')).toBe('ok')
    expect(await page.locator('.banner .problems li').count()).toBe(0)
  })
})
