// The simulated lab in processes of its own, as Proxmox runs on other machines: the CPU time a
// bench measures is then the refresh's alone, and the lab building an answer (a PBS namespace's
// snapshot listing is 6 MB on the `large` preset, a quarter of a second of the lab's CPU) does
// not stall the refresh's event loop, nor, with one process per source, another source's answers.
import { type ChildProcess, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../scripts/wrangler-dev.ts'
import { generateLab } from '../test/lab/generate.ts'
import type { LabSource } from '../test/lab/model.ts'

export interface LabProcessOptions {
  preset: 'demo' | 'large'
  seed: number
  /** The model's clock: the same model is generated here (for the minimum and the graph). */
  now: number
  latencyMs?: number
  /** One process per source, each source's URL pointing at its own (as separate machines). */
  perSource?: boolean
}

async function startOne(options: LabProcessOptions) {
  const port = await freePort()
  const out = join(mkdtempSync(join(tmpdir(), 'pulse-bench-')), 'sources.json')
  const child = spawn(
    process.execPath,
    [
      'test/lab/cli.ts',
      '--port',
      String(port),
      '--preset',
      options.preset,
      '--seed',
      String(options.seed),
      '--now',
      String(options.now),
      '--latency-ms',
      String(options.latencyMs ?? 0),
      '--sources-out',
      out,
      // As a Worker's fetch reuses connections (test/lab/server.ts reuseConnections).
      '--reuse-connections',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('pulse lab')) resolve()
    })
    child.once('exit', (code) => reject(new Error(`lab exited with ${code}`)))
  })
  const sources = JSON.parse(readFileSync(out, 'utf8')) as LabSource[]
  return { child, sources, origin: `http://127.0.0.1:${port}` }
}

export async function startLabProcesses(options: LabProcessOptions) {
  const children: ChildProcess[] = []
  const stop = () => {
    for (const child of children) child.kill('SIGTERM')
  }
  try {
    const first = await startOne(options)
    children.push(first.child)
    let sources = first.sources
    if (options.perSource) {
      const others = await Promise.all(first.sources.slice(1).map(() => startOne(options)))
      children.push(...others.map((o) => o.child))
      // Every process serves every source of the same model; each source uses its own.
      sources = first.sources.map((source, i) =>
        i === 0
          ? source
          : { ...source, url: source.url.replace(first.origin, others[i - 1]?.origin ?? '') },
      )
    }
    const model = generateLab({ preset: options.preset, seed: options.seed, now: options.now })
    return { sources, model, stop }
  } catch (error) {
    stop()
    throw error
  }
}
