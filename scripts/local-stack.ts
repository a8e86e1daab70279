// The simulated lab plus `wrangler dev` pointed at it, on loopback: what `npm run dev`, the
// browser tests and the benchmarks run against. One place that knows how to start and stop it.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { type RunningLab, startLab } from '../test/lab/server.ts'
import type { LabOptions } from '../test/lab/types.ts'
import { labWorkerVars } from './lab-env.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const READY_TIMEOUT_MS = 120_000

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
  /** Runs refreshes until nothing is deferred; returns the last report. */
  refresh(): Promise<RefreshSummary>
  /** The cron path (no manual-refresh rate limit), as Cloudflare would call it. */
  scheduled(): Promise<void>
  stop(): Promise<void>
}

export interface RefreshSummary {
  guests: number
  subrequests: number
  deferred: number
}

export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

function dotenvLine(key: string, value: string): string {
  // Single quotes keep JSON's double quotes literal in wrangler's .env parser.
  return `${key}='${value.replace(/'/g, '')}'`
}

async function waitForWorker(url: string, child: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log()}`)
    try {
      const response = await fetch(url)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`the Worker did not answer at ${url} within ${READY_TIMEOUT_MS / 1000} s`)
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
  const text = Object.entries(all)
    .map(([k, v]) => dotenvLine(k, v))
    .join('\n')
  writeFileSync(envFile, `${text}\n`, { mode: 0o600 })

  let output = ''
  const child = spawn(
    process.execPath,
    [
      `${root}node_modules/wrangler/bin/wrangler.js`,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(port),
      '--inspector-port',
      String(await freePort()),
      '--env-file',
      envFile,
      '--test-scheduled',
      '--show-interactive-dev-session=false',
      '--persist-to',
      `${root}.wrangler/${stateName}`,
    ],
    {
      cwd: root,
      stdio: verbose ? 'inherit' : 'pipe',
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  )
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000)
  }
  child.stdout?.on('data', keep)
  child.stderr?.on('data', keep)

  const base = `http://127.0.0.1:${port}`
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))])
      if (child.exitCode === null) child.kill('SIGKILL')
    }
    await running.close()
  }
  try {
    await waitForWorker(`${base}/api/health`, child, () => output)
  } catch (error) {
    await stop()
    throw error
  }

  return {
    base,
    lab: running,
    stop,
    async scheduled() {
      const response = await fetch(`${base}/__scheduled?cron=${encodeURIComponent('*/15 * * * *')}`)
      if (!response.ok) throw new Error(`scheduled run answered ${response.status}`)
    },
    async refresh() {
      let report: RefreshSummary = { guests: 0, subrequests: 0, deferred: 0 }
      // Locally there is no subrequest cap, but keep going if a run deferred work anyway.
      for (let run = 0; run < 5; run++) {
        const response = await fetch(`${base}/api/refresh`, { method: 'POST' })
        if (!response.ok) throw new Error(`refresh answered ${response.status}`)
        report = (await response.json()) as RefreshSummary
        if (report.deferred === 0) break
        await new Promise((resolve) => setTimeout(resolve, 31_000))
      }
      return report
    },
  }
}
