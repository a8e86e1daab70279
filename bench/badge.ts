// Badge serving under concurrent load against `wrangler dev` on loopback, beside the same bytes
// served as a static file by the same Worker (Workers Static Assets) in the same run: the
// static file is the floor, so the ratio shows what the Worker's badge code costs. One URL is
// requested over and over, so after the first KV read the badge comes from the route's
// seconds-long read memory: these are hot-badge figures. Absolute numbers depend on the
// machine (and on what else runs on it); the ratio is the figure to compare.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { labWorkerVars } from '../scripts/lab-env.ts'
import { startWranglerDev, type WranglerDev } from '../scripts/wrangler-dev.ts'
import { startLab } from '../test/lab/server.ts'
import { type LoadResult, load } from './load.ts'
import { median } from './measure.ts'

const root = fileURLToPath(new URL('..', import.meta.url))
/** Other worktrees and `npm run dev` use 8787. */
const PORT = 8791
const STATE_DIR = `${root}.wrangler/bench-badge`
const CONNECTIONS = 16
const ROUND_SECONDS = 5
const WARMUP_SECONDS = 2
/** A bound in case loopback is far faster than expected. */
const MAX_REQUESTS_PER_ROUND = 200_000
const ROUNDS = 3
const GOAL_RATIO = 1.5

function summarize(results: LoadResult[]) {
  return {
    requestsPerSecond: median(results.map((r) => r.requestsPerSecond)),
    p50Ms: median(results.map((r) => r.p50Ms)),
    p99Ms: median(results.map((r) => r.p99Ms)),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
  }
}

function print(label: string, s: ReturnType<typeof summarize>): void {
  console.log(
    `  ${label.padEnd(8)} ${s.requestsPerSecond.toFixed(0).padStart(6)} req/s   p50 ${s.p50Ms} ms   p99 ${s.p99Ms} ms` +
      (s.non2xx + s.errors > 0 ? `   not 2xx: ${s.non2xx}, no answer: ${s.errors}` : ''),
  )
}

async function measure(badgeUrl: string, staticUrl: string) {
  const limits = {
    connections: CONNECTIONS,
    seconds: ROUND_SECONDS,
    maxRequests: MAX_REQUESTS_PER_ROUND,
  }
  await load(badgeUrl, { ...limits, seconds: WARMUP_SECONDS })
  await load(staticUrl, { ...limits, seconds: WARMUP_SECONDS })
  const badgeRuns: LoadResult[] = []
  const staticRuns: LoadResult[] = []
  // Interleaved, so a slow moment of the machine hits both sides alike.
  for (let round = 0; round < ROUNDS; round++) {
    badgeRuns.push(await load(badgeUrl, limits))
    staticRuns.push(await load(staticUrl, limits))
  }
  return { badge: summarize(badgeRuns), static: summarize(staticRuns) }
}

export async function benchBadge(): Promise<void> {
  console.log(
    `\n## Badges under load (wrangler dev on 127.0.0.1:${PORT}, lab preset "demo"; ` +
      `${CONNECTIONS} connections, median of ${ROUNDS} interleaved ${ROUND_SECONDS} s rounds)\n`,
  )
  rmSync(STATE_DIR, { recursive: true, force: true })
  mkdirSync(`${STATE_DIR}/assets`, { recursive: true })
  const lab = await startLab({ preset: 'demo', seed: 7 })
  const design = lab.model.facts.designGuest
  const badges = [
    { name: 'guest SVG', path: `/badge/${design.cluster}/${design.vmid}.svg` },
    { name: 'fleet SVG', path: '/badge/summary.svg' },
    { name: 'guest JSON', path: `/badge/${design.cluster}/${design.vmid}.json?type=pbs` },
  ].map((badge, i) => ({
    ...badge,
    file: `bench-badge-${i}.${badge.path.includes('.json') ? 'json' : 'svg'}`,
  }))
  const devOptions = {
    root,
    port: PORT,
    persistTo: `${STATE_DIR}/state`,
    envFile: `${STATE_DIR}/lab.env`,
    vars: labWorkerVars(lab.model, lab.sources, {
      PULSE_ALLOW_ANONYMOUS_REFRESH: 'true',
      PULSE_SUBREQUEST_BUDGET: '1000',
    }),
  }
  let dev: WranglerDev | undefined
  try {
    // wrangler dev reads its assets once at start, and its [build] empties dist/web: so first
    // refresh and take each badge's bytes, then restart (same KV state) with those bytes as
    // static files in an assets directory of the bench's own.
    dev = await startWranglerDev(devOptions)
    const refreshed = await fetch(`${dev.base}/api/refresh`, { method: 'POST' })
    if (!refreshed.ok) throw new Error(`refresh answered ${refreshed.status}`)
    const report = (await refreshed.json()) as { guests: number }
    console.log(`refresh: ${report.guests} guests in KV\n`)
    for (const badge of badges) {
      const body = await (await fetch(`${dev.base}${badge.path}`)).text()
      writeFileSync(`${STATE_DIR}/assets/${badge.file}`, body)
    }
    await dev.stop()
    dev = await startWranglerDev({ ...devOptions, assetsDir: `${STATE_DIR}/assets` })

    for (const badge of badges) {
      const badgeUrl = `${dev.base}${badge.path}`
      const staticUrl = `${dev.base}/${badge.file}`
      const [dynamicBytes, staticBytes] = await Promise.all(
        [badgeUrl, staticUrl].map(
          async (url) => (await (await fetch(url)).arrayBuffer()).byteLength,
        ),
      )
      // An hour boundary between the two starts may change an age's text, and its size.
      if (dynamicBytes !== staticBytes) {
        throw new Error(
          `${badge.path} is ${dynamicBytes} bytes, its static copy ${staticBytes}: run again`,
        )
      }
      const result = await measure(badgeUrl, staticUrl)
      console.log(`${badge.name} ${badge.path} (${dynamicBytes} bytes; static: /${badge.file})`)
      print('badge', result.badge)
      print('static', result.static)
      const b = result.badge
      const s = result.static
      console.log(
        `  static/badge throughput ${(s.requestsPerSecond / b.requestsPerSecond).toFixed(2)}×, ` +
          `badge/static p50 ${(b.p50Ms / s.p50Ms).toFixed(2)}×, p99 ${(b.p99Ms / s.p99Ms).toFixed(2)}× ` +
          `(goal ≤ ${GOAL_RATIO}×)\n`,
      )
    }
  } finally {
    await dev?.stop()
    await lab.close()
  }
}
