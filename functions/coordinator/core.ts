// The coordinator's logic, apart from the Durable Object that hosts it (durable-object.ts), so
// the same code runs over SQLite in production and over memory in Node benches and tests. It is
// the only writer of Pulse Edge's state: every trigger (cron, queue, webhooks, manual, an empty
// cache) goes through trigger() or refreshNow(); passes run one at a time (at most one refresh
// of a source at a time, at most one follow-up queued behind it); work the subrequest budget
// deferred continues in the next invocation, chained by the alarm, until nothing is left.
import type { ActivityResponse, GuestHistoryResponse } from '../../shared/schema/history.ts'
import { readConfig } from '../config.ts'
import type { Env } from '../env.ts'
import { activity, guestHistory } from '../history/queries.ts'
import type { StoredBackup } from '../history/types.ts'
import { type SourceNames, sourceNames } from '../hooks/source-match.ts'
import { TIMESTAMP_TOLERANCE_SECONDS } from '../hooks/standard-webhooks.ts'
import type { UsageSample } from '../normalize/types.ts'
import { type RefreshReport, runRefreshPass } from '../refresh.ts'
import { digestOf } from '../store/digest.ts'
import {
  beginPass,
  type Decision,
  endPass,
  hasWork,
  recoverSchedule,
  requestRefresh,
  type Schedule,
} from './schedule.ts'
import type { StateStore, StoredStatus } from './state.ts'

/**
 * A replayed webhook must still pass the timestamp check, so it can only arrive while its
 * timestamp is within the tolerance of now; the original arrived within the tolerance of it.
 */
const REMEMBER_SECONDS = 2 * TIMESTAMP_TOLERANCE_SECONDS

/** Pause between the invocations of one refresh round, so a long round is gentle upstream. */
export const CONTINUE_DELAY_MS = 1_000

export interface TriggerInput {
  /** Default: every configured source. */
  sourceIds?: string[]
  reason: string
  priorityNode?: string
  /** Webhooks: least seconds between webhook-started refreshes of one source. */
  minIntervalSeconds?: number
}

export interface TriggerResult {
  decisions: Record<string, Decision>
}

/** For tests and benches: what production takes from the clock and the configuration. */
export interface PassOverrides {
  now?: number
  subrequestBudget?: number
  fetch?: typeof fetch
  sourceTimeBudgetMs?: number
  /** False: the pass writes no history (the history benchmark's baseline). */
  recordHistory?: boolean
  /** False: the pass leaves the read cache alone (the lab's replayed past, see replay()). */
  publish?: boolean
}

/** How the host runs alarm() later: the Durable Object's alarm, or a test's own loop. */
export type SetAlarm = (atMs: number) => void | Promise<void>

const nowSeconds = () => Math.floor(Date.now() / 1000)

/** The asked-for sources that are configured (default: all of them). */
function configuredIds(env: Env, asked: readonly string[] | undefined): string[] {
  const ids = readConfig(env).sources.map((s) => s.id)
  return asked ? asked.filter((id) => ids.includes(id)) : ids
}

export class CoordinatorCore {
  private schedule: Schedule | null = null
  private running: Promise<void> | null = null

  private readonly state: StateStore
  private readonly setAlarm: SetAlarm

  constructor(state: StateStore, setAlarm: SetAlarm) {
    this.state = state
    this.setAlarm = setAlarm
  }

  private loadSchedule(env: Env): Schedule {
    if (!this.schedule) {
      // First use since the object started: a pass that was running when it stopped is queued.
      const ids = readConfig(env).sources.map((s) => s.id)
      this.schedule = recoverSchedule(this.state.readSchedule(), ids)
      this.state.writeSchedule(this.schedule)
    }
    return this.schedule
  }

  private saveSchedule(schedule: Schedule): void {
    this.schedule = schedule
    this.state.writeSchedule(schedule)
  }

  /** Queues refreshes; the alarm runs them (a running pass's follow-up runs after it). */
  async trigger(env: Env, input: TriggerInput): Promise<TriggerResult> {
    const ids = configuredIds(env, input.sourceIds)
    const { schedule, decisions } = requestRefresh(this.loadSchedule(env), ids, {
      reason: input.reason,
      now: nowSeconds(),
      ...(input.minIntervalSeconds !== undefined
        ? { minIntervalSeconds: input.minIntervalSeconds }
        : {}),
      ...(input.priorityNode ? { priorityNode: input.priorityNode } : {}),
    })
    this.saveSchedule(schedule)
    if (Object.values(decisions).some((d) => d.outcome !== 'coalesced')) {
      await this.setAlarm(Date.now())
    }
    return { decisions }
  }

  /**
   * Runs one pass over what is queued (this invocation's subrequest budget), after any pass
   * already running. Null when there was nothing to do.
   */
  async runPass(
    env: Env,
    overrides: PassOverrides = {},
    options: { rebuild?: boolean } = {},
  ): Promise<RefreshReport | null> {
    while (this.running) await this.running
    const schedule = this.loadSchedule(env)
    const now = overrides.now ?? nowSeconds()
    const { schedule: begun, plan: planned } = beginPass(schedule, now)
    // With no source to refresh, a rebuild from the stored facts still drops the guests of
    // sources that were removed (asked for by refreshNow; costs no subrequest).
    const plan =
      planned ?? (options.rebuild ? { full: [], continuation: [], reason: 'rebuild' } : null)
    if (!plan) return null
    this.saveSchedule(begun)
    let deferred: Record<string, number> = {}
    const pass = (async () => {
      try {
        const report = await runRefreshPass(env, this.state, {
          now,
          reason: plan.reason,
          full: plan.full,
          continuation: plan.continuation,
          subrequestBudget: overrides.subrequestBudget ?? readConfig(env).refresh.subrequestBudget,
          ...(plan.priorityNode ? { priorityNode: plan.priorityNode } : {}),
          ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
          ...(overrides.sourceTimeBudgetMs !== undefined
            ? { sourceTimeBudgetMs: overrides.sourceTimeBudgetMs }
            : {}),
          ...(overrides.recordHistory === false ? { recordHistory: false } : {}),
          ...(overrides.publish === false ? { publish: false } : {}),
        })
        deferred = report.deferredBySource
        console.log(
          `refresh (${plan.reason}): ${report.refreshed.join(', ') || 'nothing'}` +
            `${plan.priorityNode ? ` (node ${plan.priorityNode} first)` : ''}, ` +
            `${report.subrequests} subrequests, ${report.kvWrites} KV writes, ` +
            `${report.deferred} unit(s) deferred`,
        )
        return report
      } finally {
        const after = endPass(this.loadSchedule(env), plan, deferred)
        this.saveSchedule(after)
        this.running = null
        if (hasWork(after)) {
          const queued = Object.values(after.sources).some((s) => s.pending)
          await this.setAlarm(Date.now() + (queued ? 0 : CONTINUE_DELAY_MS))
        }
      }
    })()
    this.running = pass.then(
      () => {},
      () => {},
    )
    return pass
  }

  /** Queues a refresh and runs it in this invocation; the report of that pass. */
  async refreshNow(
    env: Env,
    input: TriggerInput,
    overrides: PassOverrides = {},
  ): Promise<RefreshReport | null> {
    const ids = configuredIds(env, input.sourceIds)
    this.saveSchedule(
      requestRefresh(this.loadSchedule(env), ids, {
        reason: input.reason,
        now: overrides.now ?? nowSeconds(),
        ...(input.priorityNode ? { priorityNode: input.priorityNode } : {}),
      }).schedule,
    )
    return this.runPass(env, overrides, { rebuild: true })
  }

  status(): StoredStatus {
    return this.state.readStatus()
  }

  /** True the first time a (correctly signed) webhook id is seen; false for every replay. */
  async claimWebhookId(id: string, now: number): Promise<boolean> {
    return this.state.claimId(await digestOf(id), now, now + REMEMBER_SECONDS)
  }

  /** Names notifications may use for each source, from the stored facts. */
  sourceNames(env: Env): SourceNames[] {
    return readConfig(env).sources.map((source) =>
      sourceNames(source, this.state.readFacts(source.id)?.facts ?? null),
    )
  }

  // ---- History (functions/history/): reads of the record the refresh passes wrote. ----

  /** A guest's (or orphan's) history over `days` (null: all of it); null when none is held. */
  guestHistory(
    env: Env,
    key: string,
    days: number | null,
    now = nowSeconds(),
  ): GuestHistoryResponse | null {
    return guestHistory(this.state, {
      key,
      now,
      days,
      retentionDays: readConfig(env).history.retentionDays,
      lastPass: this.state.readStatus().lastRefresh?.startedAt ?? null,
    })
  }

  /** Backups ok / failed / missed per calendar day of `timeZone` over `days`. */
  activity(days: number, timeZone: string, now = nowSeconds()): ActivityResponse {
    return activity(this.state, { now, days, timeZone })
  }

  /** Usage samples of these storages and datastores since `since`, oldest first per key. */
  usageHistory(keys: readonly string[], since: number): UsageSample[] {
    return this.state.usageSamples(keys, since)
  }

  /** Each guest's newest backup of each type on storage, for the inventory export. */
  newestBackups(): StoredBackup[] {
    return this.state.newestBackups()
  }

  /**
   * Local development (PULSE_DEV_REPLAY): one refresh of every source as of `at`, the lab's
   * clock set to the same time, so its past is recorded by the ordinary pass. The read cache
   * is left alone: what the past looked like is of no use once the replay is over, and the
   * refresh after it publishes the present.
   */
  replay(env: Env, at: number): Promise<RefreshReport | null> {
    return this.refreshNow(env, { reason: 'replay' }, { now: at, publish: false })
  }
}
