// Headless Chromium (the one @sparticuz/chromium ships in node_modules, driven by playwright-core;
// see scripts/chromium.ts) for the dashboard tests: one browser per file, a fresh page per test,
// with every console error, page error and dialog recorded.
import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { inject } from 'vitest'
import { launchChromium } from '../../scripts/chromium.ts'
import { runScheduledRefresh } from '../../scripts/local-stack.ts'
import { clearLabFaults, setLabFaults } from '../lab/client.ts'
import type { BrowserLab } from './global-setup.ts'

export const workerUrl = inject('workerUrl')
export const labUrl = inject('browserLabUrl')
export const lab: BrowserLab = JSON.parse(inject('browserLab'))
export const ARTIFACTS = new URL('../artifacts/', import.meta.url)
export const launch = launchChromium

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

export const setFaults = (faults: unknown[]) => setLabFaults(labUrl, faults)
export const clearFaults = () => clearLabFaults(labUrl)
export const scheduledRefresh = () => runScheduledRefresh(workerUrl)
