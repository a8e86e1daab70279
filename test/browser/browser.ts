// Headless Chromium (Debian's, driven by playwright-core) for the dashboard tests: one browser
// per file, a fresh page per test, with every console error, page error and dialog recorded.
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core'
import { inject } from 'vitest'
import type { BrowserLab } from './global-setup.ts'

export const CHROMIUM = process.env.PULSE_CHROMIUM ?? '/usr/bin/chromium'
export const workerUrl = inject('workerUrl')
export const labUrl = inject('browserLabUrl')
export const lab: BrowserLab = JSON.parse(inject('browserLab'))
export const ARTIFACTS = new URL('../artifacts/', import.meta.url)

export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  })
}

export interface Watched {
  page: Page
  errors: string[]
  dialogs: string[]
}

export async function openPage(
  browser: Browser,
  path = '/',
  options: BrowserContextOptions = {},
): Promise<Watched> {
  const context = await browser.newContext({
    timezoneId: 'America/New_York',
    viewport: { width: 1400, height: 1000 },
    ...options,
  })
  const page = await context.newPage()
  const errors: string[] = []
  const dialogs: string[] = []
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text())
  })
  page.on('pageerror', (e) => errors.push(String(e)))
  page.on('dialog', (d) => {
    dialogs.push(d.message())
    void d.dismiss()
  })
  if (path !== '') await goto(page, path)
  return { page, errors, dialogs }
}

export async function goto(page: Page, path: string): Promise<void> {
  await page.goto(new URL(path, workerUrl).toString())
  await page.waitForSelector('body[data-ready]', { timeout: 15_000 })
}

export async function setFaults(faults: unknown[]): Promise<void> {
  const response = await fetch(`${labUrl}/_lab/faults`, {
    method: 'PUT',
    body: JSON.stringify(faults),
  })
  if (!response.ok) throw new Error(`lab refused faults: ${await response.text()}`)
}

export async function clearFaults(): Promise<void> {
  await fetch(`${labUrl}/_lab/faults`, { method: 'DELETE' })
}

/** Runs the cron path (no manual-refresh rate limit) and waits for it to finish. */
export async function scheduledRefresh(): Promise<void> {
  const before = await lastRefreshStart()
  // Refresh reports are stamped in whole seconds: make sure the new one cannot look the same.
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const response = await fetch(
    `${workerUrl}/__scheduled?cron=${encodeURIComponent('*/15 * * * *')}`,
  )
  if (!response.ok) throw new Error(`scheduled run answered ${response.status}`)
  for (let i = 0; i < 100; i++) {
    if ((await lastRefreshStart()) !== before) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the scheduled refresh did not finish')
}

async function lastRefreshStart(): Promise<string> {
  const status = (await (await fetch(`${workerUrl}/api/status`)).json()) as {
    lastRefresh: { startedAt: number; finishedAt: number } | null
  }
  return JSON.stringify(status.lastRefresh)
}
