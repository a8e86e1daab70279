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
import type { PbsFacts, PveFacts } from '../functions/collect/facts.ts'
import { readConfig } from '../functions/config.ts'
import type { CoordinatorApi } from '../functions/coordinator/client.ts'
import { CoordinatorCore, type PassOverrides } from '../functions/coordinator/core.ts'
import { createSqliteState } from '../functions/coordinator/sqlite-state.ts'
import type { StateStore } from '../functions/coordinator/state.ts'
import type { Env } from '../functions/env.ts'
import { type HistoryPassInput, recordHistory } from '../functions/history/record.ts'
import { normalizeGuests } from '../functions/normalize/index.ts'
import {
  backupStorageKeys,
  SAMPLE_RETENTION_SECONDS,
} from '../functions/normalize/storage-usage.ts'
import type { RefreshReport } from '../functions/refresh.ts'
import { labWorkerVars } from '../scripts/lab-env.ts'
import { nodeSqliteStorage } from '../scripts/node-sqlite-storage.ts'
import { replaySteps } from '../scripts/replay.ts'
import type { GuestIndex } from '../shared/schema/index.ts'
import { createLabHandler } from '../test/lab/handle.ts'
import { createLabState } from '../test/lab/lab-state.ts'
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
    counters: async () => core.counters(),
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

/**
 * The lab answers in-process (no sockets: a year of `large` refreshes over loopback takes too
 * long for a benchmark), and no source runs out of its time budget on a busy machine.
 */
const labState = createLabState()
let labFetch: typeof fetch = fetch
const setClock = (at: number | null) => {
  labState.clock = at
}

async function refresh(
  s: Stack,
  overrides: PassOverrides & { now: number },
): Promise<RefreshReport> {
  const report = await s.core.refreshNow(
    s.env,
    { reason: 'bench' },
    { fetch: labFetch, sourceTimeBudgetMs: 600_000, ...overrides },
  )
  if (!report) throw new Error('nothing refreshed')
  return report
}

/** What the refresh pass hands the history step, rebuilt from the state it left. */
function historyInput(s: Stack, now: number, previousPass: number | null): HistoryPassInput {
  const config = readConfig(s.env)
  const served = s.state.allFacts().map((stored) => stored.facts)
  const pve = served.filter((f): f is PveFacts => f.kind === 'pve')
  const pbs = served.filter((f): f is PbsFacts => f.kind === 'pbs')
  const clusterMaps = Object.fromEntries(
    config.sources.flatMap((c) => (c.kind === 'pbs' && c.clusterMap ? [[c.id, c.clusterMap]] : [])),
  )
  const normalized = normalizeGuests({
    pve,
    pbs,
    clusterMaps,
    now,
    usageSamples: s.state.usageSamples(backupStorageKeys(pve), now - SAMPLE_RETENTION_SECONDS),
  })
  return {
    now,
    previousPass,
    retentionDays: config.history.retentionDays,
    normalized,
    served,
    statuses: s.state.readStatus().sources,
  }
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
  const handler = createLabHandler(lab.model, labState)
  labFetch = async (input, init) => handler(new Request(input, init))
  const dir = mkdtempSync(join(tmpdir(), 'pulse-bench-history-'))
  try {
    const { now } = lab.model
    console.log(`lab generated in ${((performance.now() - generated) / 1000).toFixed(1)} s`)
    const main = stack(lab, join(dir, 'main.sqlite'))
    const steps = yearSteps(now)
    const replayStarted = performance.now()
    let rows = 0
    for (const at of steps) {
      setClock(at)
      rows += (await refresh(main, { now: at })).historyRows
    }
    const beforeNight = steps.at(-1) as number
    console.log(
      `a year replayed through the refresh pass: ${steps.length} passes (weekly, daily for the last ${DAILY_DAYS} days) in ${((performance.now() - replayStarted) / 1000).toFixed(0)} s, ${rows} history rows written`,
    )

    // The night: from yesterday's step to today's, every guest's new backup, on copies of the
    // same database. The pass without history (its cost), and the history step of that same
    // pass timed alone on the same state; the pass with history timed whole as a cross-check.
    const night = beforeNight + DAY
    main.sqlite.db.exec(`VACUUM INTO '${join(dir, 'before-night.sqlite')}'`)
    const kvBefore = new Map(main.kv.data)
    setClock(night)
    const nightly = {
      without: [] as number[],
      step: [] as number[],
      whole: [] as number[],
      rows: 0,
    }
    for (let trial = 0; trial < TRIALS; trial++) {
      for (const whole of [false, true]) {
        const path = join(dir, `trial-${trial}-${whole}.sqlite`)
        copyFileSync(join(dir, 'before-night.sqlite'), path)
        const copy = stack(lab, path, kvBefore)
        const previousPass = copy.state.readStatus().lastRefresh?.startedAt ?? null
        const started = performance.now()
        await refresh(copy, { now: night, ...(whole ? {} : { recordHistory: false }) })
        const ms = performance.now() - started
        if (whole) nightly.whole.push(ms)
        else {
          nightly.without.push(ms)
          const input = historyInput(copy, night, previousPass)
          const stepStarted = performance.now()
          nightly.rows = recordHistory(copy.state, input)
          nightly.step.push(performance.now() - stepStarted)
        }
        copy.sqlite.close()
        rmSync(path)
      }
    }
    setClock(night)
    await refresh(main, { now: night })
    setClock(null)
    await refresh(main, { now })
    for (let run = 1; run <= 2; run++) await refresh(main, { now: now + run }) // settle

    // Steady: nothing new upstream. The pass without history, the history step alone on the
    // same state (it writes nothing), and the whole pass with history as a cross-check.
    const steady = { without: [] as number[], step: [] as number[], whole: [] as number[], rows: 0 }
    for (let run = 1; run <= 2 * TRIALS; run++) {
      const at = now + 10 + run * 60
      let started = performance.now()
      await refresh(main, { now: at, recordHistory: false })
      steady.without.push(performance.now() - started)
      const input = historyInput(main, at, at - 60)
      started = performance.now()
      steady.rows += recordHistory(main.state, input)
      steady.step.push(performance.now() - started)
      started = performance.now()
      steady.rows += (await refresh(main, { now: at + 30 })).historyRows
      steady.whole.push(performance.now() - started)
    }

    const size = main.state.historySize()
    const bytes = main.sqlite.bytes()
    const index = JSON.parse(main.kv.data.get('index/v1') ?? '{}') as GuestIndex
    console.log(
      `storage: ${(bytes / 1e6).toFixed(1)} MB of SQLite for ${index.guests.length} guests — ${size.backups} backups (${(bytes / Math.max(1, size.backups)).toFixed(0)} bytes a backup, all tables and indexes), ${size.runs} runs with ${size.runGuests} guest results, ${size.misses} misses, ${size.usageSamples} usage samples (Durable Object SQLite: 10 GB per object on paid plans, 5 GB on Free)`,
    )
    const stepRatio = (label: string, m: typeof steady, rowsText: string) => {
      const base = median(m.without)
      const step = median(m.step)
      ratioLine(`${label} (${rowsText}), with history ÷ without`, base + step, base, 1.1)
      console.log(
        `  the history step alone: ${step.toFixed(1)} ms (median of ${m.step.length}); the whole pass with history timed as well: ${median(m.whole).toFixed(1)} ms vs ${base.toFixed(1)} ms without (noisier: separate passes)`,
      )
    }
    stepRatio("refresh that sees the night's backups", nightly, `${nightly.rows} history rows`)
    stepRatio(
      'steady refresh',
      steady,
      `${steady.rows} history rows in ${2 * steady.step.length} steps`,
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
    const perKb = (ms: number, body: string) => ms / (body.length / 1024)
    console.log(
      `  per KB served: ${perKb(drill.a, drill.aBody).toFixed(3)} ms vs ${perKb(drill.b, drill.bBody).toFixed(3)} ms (a year holds ${(drill.aBody.length / drill.bBody.length).toFixed(0)}× the data of today's record)`,
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
