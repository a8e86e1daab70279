// Debian's Chromium, driven by playwright-core, with the flags that make it run headless and
// offline here: for the browser tests and the dashboard benchmark.
import { type Browser, chromium } from 'playwright-core'

export const CHROMIUM = process.env.PULSE_CHROMIUM ?? '/usr/bin/chromium'

export function launchChromium(): Promise<Browser> {
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
