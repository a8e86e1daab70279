// `npm run bench -- history`: the `large` lab (800 guests, nightly backups) with a year of
// history, written by the ordinary refresh pass into the coordinator's own SQLite state
// (sqlite-state.ts over node:sqlite): the database's size; a refresh's cost with history
// writing ÷ without (the steady refresh, and the one that sees the night's backups); one
// guest's 365-day drill-down ÷ reading its record today; GET /metrics ÷ GET /api/guests. Ratios
// of medians measured in the same run; absolute times vary with the machine.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { app } from '../functions/app.ts'
import type { CoordinatorApi } from '../functions/coordinator/client.ts'
import { CoordinatorCore, type PassOverrides } from '../functions/coordinator/core.ts'
import { createSqliteState } from '../functions/coordinator/sqlite-state.ts'
import type { StateStore } from '../functions/coordinator/state.ts'
import type { Env } from '../functions/env.ts'
import type { RefreshReport } from '../functions/refresh.ts'
import { labWorkerVars } from '../scripts/lab-env.ts'
import { nodeSqliteStorage } from '../scripts/node-sqlite-storage.ts'
import { replaySteps } from '../scripts/replay.ts'
import type { GuestIndex } from '../shared/schema/index.ts'
import { presets } from '../test/lab/presets.ts'
import { type RunningLab, startLab } from '../test/lab/server.ts'
import { median } from './measure.ts'
import { createMemoryKv } from './memory-kv.ts'
import { compareMetrics } from './metrics.ts'

const DAY = 86_400
const HISTORY_DAYS = 365
/** Older than this the replay steps a week at a time (a year of daily large refreshes is slow). */
const DAILY_DAYS = 14
const WEEK = 7
const TRIALS = 5
const ROUNDS = 40
const TOKEN = 'bench-history-token'

const ctx = {
  waitUntil() {},
  passThroughOnException() {},
  props: {},
} as unknown as ExecutionContext

interface Stack {
  state: StateStore
  core: CoordinatorCore
  kv: ReturnType<typeof createMemoryKv>
  env: Env
  sqlite: ReturnType<typeof nodeSqliteStorage>
}

function stack(lab: RunningLab, path: string, kvData?: Map<string, string>): Stack {
  const sqlite = nodeSqliteStorage(path)
  const state = createSqliteState(sqlite.storage)
  const core = new CoordinatorCore(state, () => {})
  const kv = createMemoryKv()
  for (const [key, value] of kvData ?? []) kv.data.set(key, value)
  const env = {
    ...labWorkerVars(lab.model, lab.sources, {
      PULSE_SUBREQUEST_BUDGET: '1000000',
      PULSE_API_TOKEN: TOKEN,
    }),
    PULSE_KV: kv.namespace,
  } as unknown as Env
  // The routes reach this core, as they reach the Durable Object in production.
  const api: Partial<CoordinatorApi> = {
    status: async () => core.status(),
    guestHistory: async (key, days) => core.guestHistory(env, key, days),
    newestBackups: async () => core.newestBackups(),
    activity: async (days, tz) => core.activity(days, tz),
  }
  env.PULSE_COORDINATOR = {
    idFromName: () => ({}),
    get: () => api,
  } as unknown as DurableObjectNamespace
  return { state, core, kv, env, sqlite }
}

async function refresh(
  s: Stack,
  overrides: PassOverrides & { now: number },
): Promise<RefreshReport> {
  const report = await s.core.refreshNow(s.env, { reason: 'bench' }, overrides)
  if (!report) throw new Error('nothing refreshed')
  return report
}

/** The year, through the refresh pass: weekly steps, then daily for the last two weeks. */
function yearSteps(now: number): number[] {
  const daily = replaySteps(now, HISTORY_DAYS)
  return daily.filter((at, i) => at >= now - DAILY_DAYS * DAY || i % WEEK === 0)
}

async function timedRequest(env: Env, path: string, init?: RequestInit) {
  const started = performance.now()
  const response = await app.request(path, init, env, ctx)
  const body = await response.text()
  const ms = performance.now() - started
  if (response.status !== 200) throw new Error(`${path} answered ${response.status}`)
  return { ms, body }
}

/** Interleaved medians of two routes. */
async function interleaved(env: Env, a: string, b: string) {
  for (let i = 0; i < 5; i++) {
    await timedRequest(env, a)
    await timedRequest(env, b)
  }
  const as: number[] = []
  const bs: number[] = []
  let aBody = ''
  let bBody = ''
  for (let i = 0; i < ROUNDS; i++) {
    const x = await timedRequest(env, a)
    const y = await timedRequest(env, b)
    as.push(x.ms)
    bs.push(y.ms)
    aBody = x.body
    bBody = y.body
  }
  return { a: median(as), b: median(bs), aBody, bBody }
}

const ratioLine = (label: string, value: number, base: number, goal: number, unit = 'ms') =>
  console.log(
    `${label}: ${value.toFixed(1)} ${unit} vs ${base.toFixed(1)} ${unit} = ${(value / base).toFixed(2)}× (goal ≤ ${goal}×)`,
  )

export async function benchHistory(): Promise<void> {
  console.log(
    '\n## History (lab preset "large", a year of nightly backups, SQLite via node:sqlite)\n',
  )
  const generated = performance.now()
  const lab = await startLab({
    preset: 'large',
    seed: 1,
    replayDays: HISTORY_DAYS - presets.large.days,
  })
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-history-'))
  try {
    const { now } = lab.model
    console.log(`lab generated in ${((performance.now() - generated) / 1000).toFixed(1)} s`)
    const main = stack(lab, join(dir, 'main.sqlite'))
    const steps = yearSteps(now)
    const replayStarted = performance.now()
    let rows = 0
    for (const at of steps) {
      lab.setClock(at)
      rows += (await refresh(main, { now: at })).historyRows
    }
    const beforeNight = steps.at(-1) as number
    console.log(
      `a year replayed through the refresh pass: ${steps.length} passes (weekly, daily for the last ${DAILY_DAYS} days) in ${((performance.now() - replayStarted) / 1000).toFixed(0)} s, ${rows} history rows written`,
    )

    // The night: from yesterday's step to today's, every guest's new backup, on copies of the
    // same database, with history and without.
    const night = beforeNight + DAY
    main.sqlite.db.exec(`VACUUM INTO '${join(dir, 'before-night.sqlite')}'`)
    const kvBefore = new Map(main.kv.data)
    lab.setClock(night)
    const nightly = { with: [] as number[], without: [] as number[], rows: 0 }
    for (let trial = 0; trial < TRIALS; trial++) {
      for (const withHistory of [true, false]) {
        const path = join(dir, `trial-${trial}-${withHistory}.sqlite`)
        copyFileSync(join(dir, 'before-night.sqlite'), path)
        const copy = stack(lab, path, kvBefore)
        const started = performance.now()
        const report = await refresh(copy, {
          now: night,
          ...(withHistory ? {} : { recordHistory: false }),
        })
        ;(withHistory ? nightly.with : nightly.without).push(performance.now() - started)
        if (withHistory) nightly.rows = report.historyRows
        copy.sqlite.close()
        rmSync(path)
      }
    }
    lab.setClock(night)
    await refresh(main, { now: night })
    lab.setClock(null)
    await refresh(main, { now })

    // Steady: nothing new upstream, alternating with and without history on the same state.
    const steady = { with: [] as number[], without: [] as number[], rows: 0 }
    for (let run = 1; run <= 2 * TRIALS + 2; run++) {
      for (const withHistory of [true, false]) {
        const started = performance.now()
        const report = await refresh(main, {
          now: now + run * 60,
          ...(withHistory ? {} : { recordHistory: false }),
        })
        if (run <= 2) continue // settle: the first may still read job logs
        ;(withHistory ? steady.with : steady.without).push(performance.now() - started)
        if (withHistory) steady.rows += report.historyRows
      }
    }

    const size = main.state.historySize()
    const bytes = main.sqlite.bytes()
    const index = JSON.parse(main.kv.data.get('index/v1') ?? '{}') as GuestIndex
    console.log(
      `storage: ${(bytes / 1e6).toFixed(1)} MB of SQLite for ${index.guests.length} guests — ${size.backups} backups (${(bytes / Math.max(1, size.backups)).toFixed(0)} bytes a backup, all tables and indexes), ${size.runs} runs with ${size.runGuests} guest results, ${size.misses} misses, ${size.usageSamples} usage samples (Durable Object SQLite: 10 GB per object on paid plans, 5 GB on Free)`,
    )
    ratioLine(
      `refresh that sees the night's backups (${nightly.rows} history rows), with history ÷ without (median of ${TRIALS})`,
      median(nightly.with),
      median(nightly.without),
      1.1,
    )
    ratioLine(
      `steady refresh (${steady.rows} history rows in ${steady.with.length}), with history ÷ without (median of ${steady.with.length})`,
      median(steady.with),
      median(steady.without),
      1.1,
    )

    // One guest's year beside its record today, through the routes.
    const guest = index.guests.find((g) => g.latestTimes.pbs !== null) ?? index.guests[0]
    const drill = await interleaved(
      main.env,
      `/api/history/guests/${guest?.cluster}/${guest?.guestId}?days=365`,
      `/api/guests/${guest?.cluster}/${guest?.guestId}`,
    )
    const year = JSON.parse(drill.aBody) as { backups: unknown[]; runs: unknown[] }
    ratioLine(
      `one guest's 365-day drill-down (${year.backups.length} backups, ${year.runs.length} runs; ${(drill.aBody.length / 1024).toFixed(0)} KB) ÷ its record today (${(drill.bBody.length / 1024).toFixed(0)} KB), median of ${ROUNDS}`,
      drill.a,
      drill.b,
      1.5,
    )
    const activity = await interleaved(
      main.env,
      '/api/history/activity?days=365&tz=Europe/Berlin',
      '/api/guests',
    )
    console.log(
      `fleet activity, 365 days in Europe/Berlin: ${activity.a.toFixed(1)} ms (beside /api/guests ${activity.b.toFixed(1)} ms; no goal)`,
    )

    const metrics = await compareMetrics(main.env, TOKEN)
    ratioLine(
      `GET /metrics ÷ GET /api/guests for ${index.guests.length} guests (median of interleaved requests)`,
      metrics.metricsMs,
      metrics.guestsMs,
      2,
    )
    main.sqlite.close()
  } finally {
    await lab.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
