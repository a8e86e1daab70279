// `npm run dev`: starts the simulated Proxmox lab, then `wrangler dev` wired to it, and
// triggers the first refresh so the dashboard at http://127.0.0.1:8787/ has data at once.
// Point the Worker at a real Proxmox instead with `.dev.vars` and `npm run dev:real`.
import { spawn } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { startLab } from '../test/lab/server.ts'
import { labWorkerVars } from './lab-env.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
const LAB_PORT = Number(process.env.PULSE_LAB_PORT ?? 8006)
const WORKER_PORT = Number(process.env.PULSE_DEV_PORT ?? 8787)
const PRESET = (process.env.PULSE_LAB_PRESET ?? 'demo') as 'demo' | 'tiny' | 'large'
const READY_TIMEOUT_MS = 120_000

function dotenvLine(key: string, value: string): string {
  // Single quotes keep JSON's double quotes literal in wrangler's .env parser.
  return `${key}='${value.replace(/'/g, '')}'`
}

async function waitForWorker(url: string): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
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

async function refreshUntilComplete(base: string): Promise<void> {
  // Locally there is no subrequest cap, but keep going if a run deferred work anyway.
  for (let run = 0; run < 5; run++) {
    const response = await fetch(`${base}/api/refresh`, { method: 'POST' })
    if (!response.ok) {
      console.warn(`[dev] first refresh answered ${response.status}`)
      return
    }
    const report = (await response.json()) as {
      guests: number
      subrequests: number
      deferred: number
    }
    console.log(`[dev] refresh: ${report.guests} guests, ${report.subrequests} upstream requests`)
    if (report.deferred === 0) return
    await new Promise((resolve) => setTimeout(resolve, 31_000))
  }
}

const lab = await startLab({ port: LAB_PORT, preset: PRESET })
console.log(
  `[dev] simulated Proxmox lab (${PRESET}) on ${lab.url} — controls at ${lab.url}/_lab/sources`,
)

mkdirSync(`${root}.wrangler`, { recursive: true })
const envFile = `${root}.wrangler/lab.env`
const vars = labWorkerVars(lab.model, lab.sources, {
  PULSE_ALLOW_ANONYMOUS_REFRESH: 'true',
  PULSE_SUBREQUEST_BUDGET: '1000',
})
writeFileSync(
  envFile,
  `${Object.entries(vars)
    .map(([k, v]) => dotenvLine(k, v))
    .join('\n')}\n`,
  {
    mode: 0o600,
  },
)

const wrangler = spawn(
  process.execPath,
  [
    `${root}node_modules/wrangler/bin/wrangler.js`,
    'dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(WORKER_PORT),
    '--env-file',
    envFile,
    '--test-scheduled',
    '--show-interactive-dev-session=false',
    '--persist-to',
    `${root}.wrangler/state-lab`,
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, WRANGLER_SEND_METRICS: 'false' } },
)

let stopping = false
async function stop(code: number): Promise<void> {
  if (stopping) return
  stopping = true
  wrangler.kill('SIGTERM')
  await lab.close()
  process.exit(code)
}
process.on('SIGINT', () => void stop(0))
process.on('SIGTERM', () => void stop(0))
wrangler.on('exit', (code) => void stop(code ?? 1))

const base = `http://127.0.0.1:${WORKER_PORT}`
try {
  await waitForWorker(`${base}/api/health`)
  await refreshUntilComplete(base)
  console.log(`\n[dev] Pulse Edge is ready: ${base}/  (Ctrl-C stops the Worker and the lab)\n`)
} catch (error) {
  console.error(`[dev] ${error instanceof Error ? error.message : String(error)}`)
  await stop(1)
}
