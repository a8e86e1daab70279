// Pipeline benchmarks against the simulated lab: upstream requests of a cold and a steady
// refresh beside the minimum the lab's data needs (bench/minimum.ts, from the model, not from
// the collectors' plan); KV writes of a steady refresh; convergence at the Free plan's budget of
// 45 requests per invocation; refresh wall time under 20 ms latency beside its critical path;
// normalization cost beside JSON.parse of the same payloads; the CPU time of one refresh of the
// demo lab. Ratios are measured in the same run; absolute times vary with the machine.
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PbsFacts, PveFacts } from '../functions/collect/facts.ts'
import type { Env } from '../functions/env.ts'
import { normalizeGuests } from '../functions/normalize/index.ts'
import { MAX_CONCURRENT_REQUESTS } from '../functions/proxmox/limit.ts'
import { KV_ALERTS_KEY } from '../functions/store/keys.ts'
import { labWorkerVars } from '../scripts/lab-env.ts'
import { freePort } from '../scripts/wrangler-dev.ts'
import { generateLab } from '../test/lab/generate.ts'
import type { LabModel, LabSource } from '../test/lab/model.ts'
import { startLab } from '../test/lab/server.ts'
import { benchCoordinator } from './coordinator.ts'
import { median, row, timeIt } from './measure.ts'
import { createMemoryKv } from './memory-kv.ts'
import { collectionExtras, minimumRequests } from './minimum.ts'

const LATENCY_MS = 20
const FREE_BUDGET = 45
/**
 * Dependent request rounds of one refresh: PVE base calls → storage contents, snapshot lists
 * and task logs; PBS datastores → namespaces → snapshot listings.
 */
const DEPENDENCY_DEPTH = 3

function labEnv(model: LabModel, sources: LabSource[], budget = 1_000_000) {
  const kv = createMemoryKv()
  const env = {
    ...labWorkerVars(model, sources, { PULSE_SUBREQUEST_BUDGET: String(budget) }),
    PULSE_KV: kv.namespace,
  } as unknown as Env
  return { env, kv }
}

async function requestsAndWrites(): Promise<void> {
  const lab = await startLab({ preset: 'large', seed: 1 })
  const { model } = lab
  const { env, kv } = labEnv(model, lab.sources)
  const coordinator = benchCoordinator(env)

  // Cold: a fresh coordinator, everything to read.
  lab.resetCounts()
  const bodies: string[] = []
  const capture: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    bodies.push(await response.clone().text())
    return response
  }
  await coordinator.refresh({ now: model.now, fetch: capture })
  const cold = lab.requestCounts().total
  // Steady: nothing new upstream (the first runs may still read older job logs; settle first).
  let steady = 0
  let steadyWrites = 0
  for (let run = 1; run <= 10; run++) {
    lab.resetCounts()
    const writesBefore = kv.counts.writes + kv.counts.deletes
    await coordinator.refresh({ now: model.now + 60 * run })
    steady = lab.requestCounts().total
    steadyWrites = kv.counts.writes + kv.counts.deletes - writesBefore
    if (steadyWrites === 0) break
  }
  const coldMin = minimumRequests(model, false)
  const steadyMin = minimumRequests(model, true)
  console.log(
    'lab preset "large": 2 clusters × 10 nodes, 800 guests, a PBS with its namespaces, 30 days',
  )
  console.log(
    `upstream requests, cold refresh:   ${cold} (data minimum ${coldMin}; goal = minimum)`,
  )
  console.log(
    `upstream requests, steady refresh: ${steady} (data minimum ${steadyMin}; goal = minimum)`,
  )
  for (const [name, steadyRun] of [
    ['cold', false],
    ['steady', true],
  ] as const) {
    for (const extra of collectionExtras(model, steadyRun)) {
      console.log(`  extra (${name}, ${extra.source}): ${extra.calls} call(s): ${extra.why}`)
    }
  }
  console.log(`KV writes + deletes, steady refresh: ${steadyWrites} (goal 0)`)

  // Normalization cost against JSON.parse of the same upstream payloads.
  const facts = coordinator.state.allFacts().map((s) => s.facts)
  const pve = facts.filter((f): f is PveFacts => f.kind === 'pve')
  const pbs = facts.filter((f): f is PbsFacts => f.kind === 'pbs')
  const bytes = bodies.reduce((sum, b) => sum + b.length, 0)
  const parseMs = median(await timeIt(15, () => bodies.map((b) => JSON.parse(b))))
  const normalizeMs = median(
    await timeIt(15, () => normalizeGuests({ pve, pbs, clusterMaps: {}, now: model.now })),
  )
  console.log(`upstream payloads: ${bodies.length} responses, ${(bytes / 1e6).toFixed(1)} MB`)
  row('normalize vs JSON.parse of the payloads', normalizeMs, parseMs, '≤ 2.0×')

  // Convergence at the Free plan's budget: invocations until nothing is deferred, beside the
  // fewest the data allows, ⌈minimum ÷ 45⌉; then the guests equal an unbudgeted refresh's.
  const tight = labEnv(model, lab.sources, FREE_BUDGET)
  const budgeted = benchCoordinator(tight.env)
  await budgeted.refresh({ now: model.now })
  const invocations = 1 + (await budgeted.converge(500, { now: model.now }))
  const fewest = Math.ceil(coldMin / FREE_BUDGET)
  // (The alerts document is not the guests: it says when each alert was told, which differs.)
  const same =
    tight.kv.data.get('index/v1') === kv.data.get('index/v1') &&
    [...kv.data].every(([key, value]) => key === KV_ALERTS_KEY || tight.kv.data.get(key) === value)
  console.log(
    `convergence at budget ${FREE_BUDGET}: ${invocations} invocations vs ⌈${coldMin} ÷ ${FREE_BUDGET}⌉ = ${fewest} → ${(invocations / fewest).toFixed(2)}× (goal ≤ 1.2×); guests ${same ? 'equal' : 'DIFFER from'} one unbudgeted refresh`,
  )
  await lab.close()
}

async function wallTime(): Promise<void> {
  const slow = await startLab({ preset: 'large', seed: 1, latencyMs: LATENCY_MS })
  const { env } = labEnv(slow.model, slow.sources)
  const coordinator = benchCoordinator(env)
  const started = performance.now()
  await coordinator.refresh({ now: slow.model.now })
  const wallMs = performance.now() - started
  const requests = slow.requestCounts().total
  // Every dependent round costs one latency; the rest is requests through the connection limit.
  const limitMs = DEPENDENCY_DEPTH * LATENCY_MS + (requests / MAX_CONCURRENT_REQUESTS) * LATENCY_MS
  row(
    `refresh wall time at ${LATENCY_MS} ms/request vs critical path (${requests} requests, ${MAX_CONCURRENT_REQUESTS} at a time)`,
    wallMs,
    limitMs,
    '≤ 1.2×',
  )
  await slow.close()
}

/** The lab in its own process, so the CPU time measured here is the refresh's alone. */
async function labProcess(preset: 'demo', seed: number) {
  const port = await freePort()
  const out = join(mkdtempSync(join(tmpdir(), 'pulse-bench-')), 'sources.json')
  const child = spawn(
    process.execPath,
    [
      'test/lab/cli.ts',
      '--port',
      String(port),
      '--preset',
      preset,
      '--seed',
      String(seed),
      '--sources-out',
      out,
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
  return { sources, stop: () => child.kill('SIGTERM') }
}

async function cpuTime(): Promise<void> {
  const lab = await labProcess('demo', 1)
  try {
    // The same model the lab process generated (names and mappings do not depend on the clock).
    const now = Math.floor(Date.now() / 1000)
    const model = generateLab({ preset: 'demo', seed: 1, now })
    const { env } = labEnv(model, lab.sources)
    const coordinator = benchCoordinator(env)
    await coordinator.refresh({ now })
    // Warm: the JIT has seen the code; each steady refresh re-reads everything and changes nothing.
    const samples: number[] = []
    for (let run = 1; run <= 15; run++) {
      const before = process.cpuUsage()
      await coordinator.refresh({ now: now + run })
      const used = process.cpuUsage(before)
      samples.push((used.user + used.system) / 1000)
    }
    const cold = benchCoordinator(labEnv(model, lab.sources).env)
    const before = process.cpuUsage()
    await cold.refresh({ now })
    const coldUsed = process.cpuUsage(before)
    console.log(
      `CPU time of one refresh of the demo lab (Node, process.cpuUsage; lab in another process): steady ${median(samples).toFixed(1)} ms (median of 15, warm), first refresh of a new coordinator ${((coldUsed.user + coldUsed.system) / 1000).toFixed(1)} ms (Free plan: 10 ms per invocation)`,
    )
  } finally {
    lab.stop()
  }
}

export async function benchPipeline(): Promise<void> {
  console.log('\n## Pipeline\n')
  await requestsAndWrites()
  await wallTime()
  await cpuTime()
}
