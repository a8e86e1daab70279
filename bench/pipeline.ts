// Pipeline benchmarks against the simulated lab (large preset): normalization cost as a ratio
// to JSON.parse of the same upstream payloads, upstream requests per refresh beside the minimum
// the data requires, refresh wall time under 20 ms latency beside its critical path, and KV
// writes of a steady-state refresh. Ratios are measured in the same run; absolute times vary.
import type { PbsFacts, PveFacts } from '../functions/collect/facts.ts'
import type { Env } from '../functions/env.ts'
import { normalizeGuests } from '../functions/normalize/index.ts'
import { MAX_CONCURRENT_REQUESTS } from '../functions/proxmox/limit.ts'
import { refresh } from '../functions/refresh.ts'
import { factsKvKey } from '../functions/store/keys.ts'
import { labWorkerVars, workerSourceId } from '../scripts/lab-env.ts'
import type { LabModel } from '../test/lab/model.ts'
import { startLab } from '../test/lab/server.ts'
import { median, row, timeIt } from './measure.ts'
import { createMemoryKv } from './memory-kv.ts'
import { minimumRequests } from './minimum.ts'

const LATENCY_MS = 20
/** Collect → (node storages, tasks) → (content, snapshots, logs) ; PBS: stores → ns → groups → snapshots. */
const DEPENDENCY_DEPTH = 4

function labEnv(model: LabModel, sources: Parameters<typeof labWorkerVars>[1]) {
  const kv = createMemoryKv()
  const env = {
    ...labWorkerVars(model, sources, { PULSE_SUBREQUEST_BUDGET: '1000000' }),
    PULSE_KV: kv.namespace,
  } as unknown as Env
  return { env, kv }
}

async function payloadsOf(model: LabModel, url: string) {
  // Re-read every upstream body once, as the refresh fetched it, for the JSON.parse baseline.
  const bodies: string[] = []
  const { env } = labEnv(model, await (await fetch(`${url}/_lab/sources`)).json())
  const capture: typeof fetch = async (input, init) => {
    const response = await fetch(input, init)
    bodies.push(await response.clone().text())
    return response
  }
  await refresh(env, { now: model.now, reason: 'bench', fetch: capture, subrequestBudget: 1e6 })
  return { bodies, env }
}

export async function benchPipeline(): Promise<void> {
  console.log('\n## Pipeline (lab preset "large": 2 clusters × 10 nodes, 800 guests, 30 days)\n')
  const lab = await startLab({ preset: 'large', seed: 1 })
  const sources = lab.sources
  const { bodies, env } = await payloadsOf(lab.model, lab.url)
  const kv = (env as unknown as { PULSE_KV: KVNamespace }).PULSE_KV
  const facts = await Promise.all(
    sources.map(async (s) =>
      JSON.parse((await kv.get(factsKvKey(workerSourceId(s.id)), 'text')) ?? 'null'),
    ),
  )
  const pve = facts.filter((f): f is PveFacts => f?.kind === 'pve')
  const pbs = facts.filter((f): f is PbsFacts => f?.kind === 'pbs')
  const bytes = bodies.reduce((sum, b) => sum + b.length, 0)
  const parseMs = median(await timeIt(15, () => bodies.map((b) => JSON.parse(b))))
  const normalizeMs = median(
    await timeIt(15, () => normalizeGuests({ pve, pbs, clusterMaps: {}, now: lab.model.now })),
  )
  console.log(`upstream payloads: ${bodies.length} responses, ${(bytes / 1e6).toFixed(1)} MB`)
  row('normalize vs JSON.parse of the payloads', normalizeMs, parseMs, '≤ 2.0×')

  // Requests: a cold refresh and a steady one (nothing new upstream).
  const cold = labEnv(lab.model, sources)
  lab.resetCounts()
  await refresh(cold.env, { now: lab.model.now, reason: 'bench', subrequestBudget: 1e6 })
  const coldRequests = lab.requestCounts().total
  // Steady state: what a refresh costs once the first runs have read the job logs they need
  // (they reach back a few logs per node per run), with nothing new upstream.
  let steady = await refresh(cold.env, {
    now: lab.model.now + 60,
    reason: 'bench',
    subrequestBudget: 1e6,
  })
  let settleRuns = 1
  for (; settleRuns < 20; settleRuns++) {
    lab.resetCounts()
    steady = await refresh(cold.env, {
      now: lab.model.now + 60 * (settleRuns + 1),
      reason: 'bench',
      subrequestBudget: 1e6,
    })
    const logs = Object.entries(lab.requestCounts().byEndpoint).filter(([k]) => k.endsWith('/log'))
    if (logs.length === 0) break
  }
  const steadyRequests = lab.requestCounts().total
  const coldMin = minimumRequests(lab.model, false)
  const steadyMin = minimumRequests(lab.model, true)
  console.log(
    `upstream requests, cold refresh:   ${coldRequests} (minimum ${coldMin}; goal = minimum)`,
  )
  console.log(
    `upstream requests, steady refresh: ${steadyRequests} (minimum ${steadyMin}; goal = minimum; after ${settleRuns} settling runs)`,
  )
  console.log(
    `KV writes, steady refresh: ${steady.kvWrites} (status key only; goal: 0 for unchanged guests)`,
  )
  await lab.close()

  // Wall time with latency on every upstream request, against the critical-path limit.
  const slow = await startLab({ preset: 'large', seed: 1, latencyMs: LATENCY_MS })
  const slowEnv = labEnv(slow.model, slow.sources)
  const started = performance.now()
  await refresh(slowEnv.env, { now: slow.model.now, reason: 'bench', subrequestBudget: 1e6 })
  const wallMs = performance.now() - started
  const requests = slow.requestCounts().total
  const limitMs = DEPENDENCY_DEPTH * LATENCY_MS + (requests / MAX_CONCURRENT_REQUESTS) * LATENCY_MS
  row(
    `refresh wall time at ${LATENCY_MS} ms/request vs critical path (${requests} requests)`,
    wallMs,
    limitMs,
    '≤ 1.5×',
  )
  await slow.close()
}
