// The simulated lab plus `wrangler dev` pointed at it, on loopback: what `npm run dev`, the
// browser tests and the benchmarks run against. One place that knows how to start and stop it.
import { mkdirSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { type RunningLab, startLab } from '../test/lab/server.ts'
import type { LabOptions } from '../test/lab/types.ts'
import { labWorkerVars } from './lab-env.ts'
import { freePort, startWranglerDev } from './wrangler-dev.ts'

const root = fileURLToPath(new URL('..', import.meta.url))

export interface LocalStackOptions extends LabOptions {
  /** 0 picks a free port. */
  labPort?: number
  workerPort?: number
  /** Folder under .wrangler/ for this stack's KV, so stacks never share state. */
  stateName: string
  vars?: Record<string, string>
  /** Show wrangler's own output (dev) or keep it for errors only (tests, benches). */
  verbose?: boolean
}

export interface LocalStack {
  base: string
  lab: RunningLab
  /**
   * Headers for the Worker's token-guarded routes: the bearer PULSE_API_TOKEN when the shell set
   * one (then anonymous refreshes are closed), else none.
   */
  auth: Record<string, string>
  /** Runs refreshes until nothing is deferred; returns the last report. */
  refresh(): Promise<RefreshSummary>
  /** The cron path (no manual-refresh rate limit), as Cloudflare would call it; waits for it. */
  scheduled(): Promise<void>
  stop(): Promise<void>
}

export interface RefreshSummary {
  guests: number
  subrequests: number
  deferred: number
}

async function lastRefresh(base: string): Promise<string> {
  const status = (await (await fetch(`${base}/api/status`)).json()) as { lastRefresh: unknown }
  return JSON.stringify(status.lastRefresh)
}

/**
 * Fires the cron handler (`--test-scheduled`; no manual-refresh rate limit) and waits until
 * the refresh it ran is recorded.
 */
export async function runScheduledRefresh(base: string): Promise<void> {
  const before = await lastRefresh(base)
  // Refresh reports are stamped in whole seconds: make sure the new one cannot look the same.
  await new Promise((resolve) => setTimeout(resolve, 1100))
  const response = await fetch(`${base}/__scheduled?cron=${encodeURIComponent('*/15 * * * *')}`)
  if (!response.ok) throw new Error(`scheduled run answered ${response.status}`)
  for (let i = 0; i < 100; i++) {
    if ((await lastRefresh(base)) !== before) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('the scheduled refresh did not finish')
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const { labPort = 0, workerPort = 0, stateName, vars = {}, verbose = false, ...lab } = options
  const running = await startLab({ ...lab, port: labPort })
  const port = workerPort || (await freePort())
  mkdirSync(`${root}.wrangler`, { recursive: true })
  // The lab is generated afresh (new tokens, times relative to now): so is the Worker's KV.
  rmSync(`${root}.wrangler/${stateName}`, { recursive: true, force: true })
  const envFile = `${root}.wrangler/${stateName}.env`
  const all = labWorkerVars(running.model, running.sources, {
    PULSE_ALLOW_ANONYMOUS_REFRESH: 'true',
    PULSE_SUBREQUEST_BUDGET: '1000',
    ...vars,
  })
  const dev = await startWranglerDev({
    root,
    port,
    persistTo: `${root}.wrangler/${stateName}`,
    envFile,
    vars: all,
    testScheduled: true,
    output: verbose ? 'inherit' : 'ignore',
    logLevel: verbose ? 'info' : 'warn',
  }).catch(async (error: unknown) => {
    await running.close()
    throw error
  })
  const base = dev.base
  const auth: Record<string, string> = all.PULSE_API_TOKEN
    ? { authorization: `Bearer ${all.PULSE_API_TOKEN}` }
    : {}
  const stop = async () => {
    await dev.stop()
    await running.close()
  }

  return {
    base,
    lab: running,
    auth,
    stop,
    scheduled: () => runScheduledRefresh(base),
    async refresh() {
      let report: RefreshSummary = { guests: 0, subrequests: 0, deferred: 0 }
      // Locally there is no subrequest cap, but keep going if a run deferred work anyway.
      for (let run = 0; run < 5; run++) {
        const response = await fetch(`${base}/api/refresh`, { method: 'POST', headers: auth })
        if (!response.ok) throw new Error(`refresh answered ${response.status}`)
        report = (await response.json()) as RefreshSummary
        if (report.deferred === 0) break
        await new Promise((resolve) => setTimeout(resolve, 31_000))
      }
      return report
    },
  }
}
