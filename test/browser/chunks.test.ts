// The views that load their code when first shown (web/src/chunks.ts): the guest table fetches
// none of it; each other view works opened cold by its URL and opened from the header; and a
// view (or the drill-down) whose file cannot be fetched says so instead of staying blank, while
// the rest of the page keeps working.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ARTIFACTS, lab, launch, openPage, workerUrl } from './browser.ts'

let browser: Browser
beforeAll(async () => {
  browser = await launch()
})
afterAll(async () => {
  await browser?.close()
})

const shot = (name: string) => new URL(name, ARTIFACTS).pathname

/** Each lazily loaded view: its header link, heading, the chunk file it starts from and CSS. */
const VIEWS = [
  { page: 'jobs', heading: 'Backup jobs', chunk: 'jobs-view-', css: null },
  { page: 'storage', heading: 'Storage', chunk: 'storage-view-', css: '/history.css' },
  { page: 'alerts', heading: 'Alerts', chunk: 'alerts-page-', css: '/alerts.css' },
  { page: 'activity', heading: 'Backup activity', chunk: 'activity-view-', css: '/history.css' },
] as const
const VIEW_CHUNKS = [...VIEWS.map((v) => v.chunk), 'detail-']

/** Every path the page requests from here on. */
function requests(page: Page): string[] {
  const paths: string[] = []
  page.on('request', (r) => paths.push(new URL(r.url()).pathname))
  return paths
}

const viewHeading = (page: Page) => page.locator('main h2[tabindex="-1"]:visible')
const linkedStyles = (page: Page) =>
  page.$$eval('link[rel="stylesheet"]', (links) =>
    links.map((l) => new URL((l as HTMLLinkElement).href).pathname),
  )

describe('caching the split code', () => {
  it('serves the content-hashed chunks as immutable, and app.js and the page as revalidated', async () => {
    const html = await (await fetch(new URL('/', workerUrl))).text()
    const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map(
      (m) => m[1] ?? '',
    )
    expect(preloaded.length).toBeGreaterThan(0)
    for (const path of preloaded) {
      expect(path).toMatch(/^\/chunks\/[\w-]+-[A-Z0-9]{8}\.js$/)
      const response = await fetch(new URL(path, workerUrl))
      expect(response.status, path).toBe(200)
      expect(response.headers.get('cache-control'), path).toBe(
        'public, max-age=31536000, immutable',
      )
      // The security headers of every asset still apply.
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
    }
    for (const path of ['/', '/app.js', '/app.css']) {
      const response = await fetch(new URL(path, workerUrl))
      expect(response.headers.get('cache-control') ?? '', path).not.toContain('immutable')
    }
  })
})

describe('views loaded when first shown', () => {
  it('draws the guest table without fetching any other view’s code or stylesheet', async () => {
    const { page, errors } = await openPage(browser, '')
    const paths = requests(page)
    await page.goto(new URL('/', workerUrl).toString())
    await page.waitForSelector('body[data-ready]')
    await page.waitForLoadState('networkidle')
    expect(await page.locator('table.guests tbody tr[data-key]').count()).toBeGreaterThan(0)
    const fetchedViews = paths.filter((p) => VIEW_CHUNKS.some((c) => p.includes(`/chunks/${c}`)))
    expect(fetchedViews).toEqual([])
    expect(paths).not.toContain('/alerts.css')
    expect(paths).not.toContain('/history.css')
    expect(await linkedStyles(page)).toEqual(['/app.css'])
    expect(errors).toEqual([])
    await page.close()
  })

  for (const v of VIEWS) {
    it(`opens ${v.page} cold by its URL, with its code and stylesheet`, async () => {
      const { page, errors } = await openPage(browser, '')
      const paths = requests(page)
      await page.goto(new URL(`/?view=${v.page}`, workerUrl).toString())
      // data-ready waits for the view's own code: it is drawn, not a placeholder.
      await page.waitForSelector('body[data-ready]', { timeout: 15_000 })
      expect(await page.locator('.chunk-loading, .chunk-failed').count()).toBe(0)
      await expect.poll(() => viewHeading(page).textContent()).toBe(v.heading)
      expect(paths.some((p) => p.startsWith(`/chunks/${v.chunk}`))).toBe(true)
      if (v.css) expect(await linkedStyles(page)).toContain(v.css)
      // The guest table is there too, hidden, for the way back.
      expect(await page.locator('table.guests').count()).toBe(1)
      expect(errors).toEqual([])
      await page.close()
    })
  }

  it('opens each view from the header, focus on its heading once its code is in', async () => {
    const { page, errors } = await openPage(browser, '/')
    for (const v of VIEWS) {
      await page.click(`nav a[data-page="${v.page}"]`)
      await expect.poll(() => viewHeading(page).textContent()).toBe(v.heading)
      expect(new URL(page.url()).searchParams.get('view')).toBe(v.page)
      await expect
        .poll(() => page.evaluate(() => document.activeElement?.textContent?.trim()))
        .toBe(v.heading)
      if (v.css) expect(await linkedStyles(page)).toContain(v.css)
    }
    // The stylesheets in index.html's old order (alerts.css, then history.css), though Storage
    // brought history.css before Alerts brought alerts.css: the cascade does not depend on it.
    const styles = await linkedStyles(page)
    expect(styles.indexOf('/alerts.css')).toBeLessThan(styles.indexOf('/history.css'))
    // Back to the table, then the drill-down's own chunk.
    await page.click('nav a[data-page="guests"]')
    const guest = lab.guests.find((g) => !g.template) as (typeof lab.guests)[number]
    await page.click(`tr[data-key="${guest.cluster}/${guest.vmid}"] a[data-guest]`)
    await page.waitForSelector('dialog.detail[open] .detail-body[data-detail="guest"]')
    expect(errors).toEqual([])
    await page.close()
  })

  it('says a view could not be loaded when its chunk is missing, and keeps the rest working', async () => {
    const { page } = await openPage(browser, '')
    // As after a deploy that replaced the file, or with the network gone for that request.
    await page.route('**/chunks/alerts-page-*.js', (route) => route.fulfill({ status: 404 }))
    await page.route('**/history.css', (route) => route.fulfill({ status: 404 }))
    await page.goto(new URL('/', workerUrl).toString())
    await page.waitForSelector('body[data-ready]')

    await page.click('nav a[data-page="alerts"]')
    const failed = page.locator('.chunk-failed [role="alert"]:visible')
    await failed.waitFor()
    expect(await failed.textContent()).toMatch(/The Alerts view could not be loaded \(.+\)/)
    expect(await failed.getByRole('button', { name: 'Reload the page' }).count()).toBe(1)
    expect(await viewHeading(page).textContent()).toBe('Alerts')
    await page.screenshot({ path: shot('chunks-failed-alerts.png') })

    // A stylesheet that cannot be fetched fails its view the same way.
    await page.click('nav a[data-page="activity"]')
    await failed.waitFor()
    expect(await failed.textContent()).toContain('The Activity view could not be loaded')
    expect(await failed.textContent()).toContain('/history.css')

    // The Jobs view (its chunk is there) and the table still work.
    await page.click('nav a[data-page="jobs"]')
    await expect.poll(() => viewHeading(page).textContent()).toBe('Backup jobs')
    await page.click('nav a[data-page="guests"]')
    expect(await page.locator('table.guests tbody tr[data-key]:visible').count()).toBeGreaterThan(0)
    await page.close()
  })

  it('says so in the dialog when the drill-down’s chunk is missing, cold by URL too', async () => {
    const { page } = await openPage(browser, '')
    await page.route('**/chunks/detail-*.js', (route) => route.fulfill({ status: 404 }))
    const guest = lab.guests.find((g) => !g.template) as (typeof lab.guests)[number]
    await page.goto(new URL(`/?guest=${guest.cluster}/${guest.vmid}`, workerUrl).toString())
    await page.waitForSelector('body[data-ready]')
    const body = page.locator('dialog.detail[open] .detail-body[data-detail="error"]')
    await body.waitFor()
    expect(await body.textContent()).toMatch(/The drill-down could not be loaded \(.+\)/)
    // Close works without the chunk, and the view returns to the table.
    await page.click('dialog.detail button.close')
    await expect.poll(() => page.locator('dialog.detail[open]').count()).toBe(0)
    await expect.poll(() => new URL(page.url()).searchParams.get('guest')).toBeNull()

    // A view opened cold whose chunk is missing: the message, not a blank page.
    await page.route('**/chunks/storage-view-*.js', (route) => route.fulfill({ status: 404 }))
    await page.goto(new URL('/?view=storage', workerUrl).toString())
    await page.waitForSelector('body[data-ready]')
    const failed = page.locator('.chunk-failed [role="alert"]:visible')
    expect(await failed.textContent()).toContain('The Storage view could not be loaded')
    await page.close()
  })
})
