// GET /metrics beside GET /api/guests for the `large` lab (800 guests), through the Worker's own
// routes in Node: the same read cache (one KV read of the index, plus jobs and storage for
// /metrics), the coordinator's status, and the response body read to the end. Interleaved
// rounds in the same run; the ratio is the figure to compare, absolute times vary by machine.
import { gzipSync } from 'node:zlib'
import { app } from '../functions/app.ts'
import type { CoordinatorApi } from '../functions/coordinator/client.ts'
import type { Env } from '../functions/env.ts'
import { KV_INDEX_KEY } from '../functions/store/keys.ts'
import { labWorkerVars } from '../scripts/lab-env.ts'
import type { GuestIndex } from '../shared/schema/index.ts'
import { startLab } from '../test/lab/server.ts'
import { benchCoordinator } from './coordinator.ts'
import { median } from './measure.ts'
import { createMemoryKv } from './memory-kv.ts'

const ROUNDS = 40
const GOAL_RATIO = 2
const TOKEN = 'bench-metrics-token'

const ctx = {
  waitUntil() {},
  passThroughOnException() {},
  props: {},
} as unknown as ExecutionContext

async function timed(env: Env, path: string, init?: RequestInit) {
  const started = performance.now()
  const response = await app.request(path, init, env, ctx)
  const body = await response.text()
  const ms = performance.now() - started
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
  return { ms, body }
}

interface Compared {
  guestsMs: number
  metricsMs: number
  guestsBody: string
  metricsBody: string
}

/** Interleaved requests to both routes, after a warm-up; medians and the last bodies. */
async function compare(env: Env, token = TOKEN): Promise<Compared> {
  const auth = { headers: { authorization: `Bearer ${token}` } }
  for (let i = 0; i < 5; i++) {
    await timed(env, '/api/guests')
    await timed(env, '/metrics', auth)
  }
  const guests: number[] = []
  const metrics: number[] = []
  let guestsBody = ''
  let metricsBody = ''
  for (let round = 0; round < ROUNDS; round++) {
    const g = await timed(env, '/api/guests')
    const m = await timed(env, '/metrics', auth)
    guests.push(g.ms)
    metrics.push(m.ms)
    guestsBody = g.body
    metricsBody = m.body
  }
  return { guestsMs: median(guests), metricsMs: median(metrics), guestsBody, metricsBody }
}

/** The same comparison for another bench's environment (bench/history.ts). */
export const compareMetrics = (env: Env, token: string) => compare(env, token)

function report(label: string, r: Compared): void {
  const guestCount = (JSON.parse(r.guestsBody) as { guests: unknown[] }).guests.length
  const samples = r.metricsBody.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length
  const size = (text: string) =>
    `${(text.length / 1024).toFixed(0)} KB, ${(gzipSync(text).length / 1024).toFixed(0)} KB gzipped`
  console.log(`${label}: ${guestCount} guests, ${samples} samples`)
  console.log(`  bodies: /api/guests ${size(r.guestsBody)}; /metrics ${size(r.metricsBody)}`)
  console.log(
    `  /metrics vs /api/guests (median of ${ROUNDS} interleaved requests): ${r.metricsMs.toFixed(1)} ms vs ${r.guestsMs.toFixed(1)} ms = ${(r.metricsMs / r.guestsMs).toFixed(2)}× (goal ≤ ${GOAL_RATIO}×)`,
  )
}

export async function benchMetrics(): Promise<void> {
  console.log('\n## GET /metrics (lab preset "large", through the Worker routes in Node)\n')
  const lab = await startLab({ preset: 'large', seed: 1 })
  try {
    const kv = createMemoryKv()
    const env = {
      ...labWorkerVars(lab.model, lab.sources, {
        PULSE_SUBREQUEST_BUDGET: '1000000',
        PULSE_API_TOKEN: TOKEN,
      }),
      PULSE_KV: kv.namespace,
    } as unknown as Env
    const coordinator = benchCoordinator(env)
    await coordinator.refresh({ now: lab.model.now })
    // The routes reach the coordinator for its status and counters; the bench's core answers.
    const api = {
      status: async () => coordinator.state.readStatus(),
      counters: async () => coordinator.core.counters(),
    } as Partial<CoordinatorApi>
    env.PULSE_COORDINATOR = {
      idFromName: () => ({}),
      get: () => api,
    } as unknown as DurableObjectNamespace

    const today = await compare(env)
    report('lab data today', today)
    // Issue 11's guest fields (schedule, verification) are in the contract but not yet filled
    // by the collectors: put them on every guest, as a full deployment will have them, so the
    // ratio is measured for the exposition's full size too.
    const stored = JSON.parse(kv.data.get(KV_INDEX_KEY) ?? '{}') as GuestIndex
    for (const [i, guest] of stored.guests.entries()) {
      guest.schedule = {
        state: (['ok', 'due', 'missed'] as const)[i % 3] ?? 'ok',
        jobs: [`${guest.cluster}/backup-nightly`],
        previousRun: lab.model.now - 36_000,
        nextRun: lab.model.now + 50_400,
        deadline: lab.model.now - 21_600,
        missedSince: i % 3 === 2 ? lab.model.now - 21_600 : null,
      }
      guest.verification = {
        latest: i % 5 === 0 ? 'failed' : 'ok',
        latestVerified: guest.latestTimes.pbs,
      }
    }
    kv.data.set(KV_INDEX_KEY, JSON.stringify(stored))
    report('with schedule and verification on every guest', await compare(env))
  } finally {
    await lab.close()
  }
}
