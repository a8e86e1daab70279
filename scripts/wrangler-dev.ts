// Starts `wrangler dev` on its own port and state directory (dev, browser tests, benchmarks) and
// stops it — and the workerd processes it started — again, also on failure or interruption.
import { type ChildProcess, spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { connect, createServer } from 'node:net'

const READY_TIMEOUT_MS = 120_000
const STOP_TIMEOUT_MS = 10_000

export interface WranglerDev {
  base: string
  stop(): Promise<void>
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal)
  } catch {
    // already gone
  }
}

function isGroupAlive(group: number): boolean {
  try {
    process.kill(-group, 0)
    return true
  } catch {
    return false
  }
}

async function isPortTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1')
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })
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

async function waitForWorker(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited with ${child.exitCode}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
  throw new Error(`the Worker did not answer at ${url} within ${READY_TIMEOUT_MS / 1000} s`)
}

export async function startWranglerDev(options: {
  root: string
  port: number
  persistTo: string
  envFile: string
  vars: Record<string, string>
  /** Serve static assets from here instead of wrangler.toml's directory. */
  assetsDir?: string
  /** Expose /__scheduled to fire the cron handler. */
  testScheduled?: boolean
  /** wrangler's own output: shown (dev) or dropped (tests, benchmarks; errors still surface). */
  output?: 'inherit' | 'ignore'
  logLevel?: 'info' | 'warn' | 'error'
}): Promise<WranglerDev> {
  // Otherwise the readiness check would pass against whatever already listens there.
  if (await isPortTaken(options.port)) {
    throw new Error(`port ${options.port} is in use; stop what listens there and run again`)
  }
  const lines = Object.entries(options.vars).map(([k, v]) => dotenvLine(k, v))
  writeFileSync(options.envFile, `${lines.join('\n')}\n`, { mode: 0o600 })
  const child = spawn(
    process.execPath,
    [
      `${options.root}node_modules/wrangler/bin/wrangler.js`,
      'dev',
      '--ip',
      '127.0.0.1',
      '--port',
      String(options.port),
      '--env-file',
      options.envFile,
      '--persist-to',
      options.persistTo,
      '--show-interactive-dev-session=false',
      '--log-level',
      options.logLevel ?? 'warn',
      '--inspector-port',
      String(await freePort()),
      ...(options.testScheduled ? ['--test-scheduled'] : []),
      ...(options.assetsDir ? ['--assets', options.assetsDir] : []),
    ],
    {
      cwd: options.root,
      // Its own process group, so stopping it also stops the workerd it spawned.
      detached: true,
      stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit'],
      env: { ...process.env, WRANGLER_SEND_METRICS: 'false' },
    },
  )
  const stopOnSignal = () => void stop().then(() => process.exit(130))
  async function stop(): Promise<void> {
    process.off('SIGINT', stopOnSignal)
    process.off('SIGTERM', stopOnSignal)
    const group = child.pid
    if (group === undefined) return
    signalGroup(group, 'SIGTERM')
    // wrangler's own exit is not enough: its workerd must be gone before the port is reused.
    const deadline = Date.now() + STOP_TIMEOUT_MS
    while (isGroupAlive(group) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    if (isGroupAlive(group)) signalGroup(group, 'SIGKILL')
  }
  process.on('SIGINT', stopOnSignal)
  process.on('SIGTERM', stopOnSignal)
  const base = `http://127.0.0.1:${options.port}`
  try {
    await waitForWorker(`${base}/api/health`, child)
  } catch (error) {
    await stop()
    throw error
  }
  return { base, stop }
}
