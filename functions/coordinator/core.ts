// The coordinator's logic, apart from the Durable Object that hosts it (durable-object.ts), so
// the same code runs over SQLite in production and over memory in Node benches and tests. It is
// the only writer of Pulse Edge's state: every trigger (cron, queue, webhooks, manual, an empty
// cache) goes through trigger() or refreshNow(); passes run one at a time (at most one refresh
// of a source at a time, at most one follow-up queued behind it); work the subrequest budget
// deferred continues in the next invocation, chained by the alarm, until nothing is left.
// After every pass the alert engine steps over what the pass published (alert-runner.ts); the
// alarm also tells what is due without new data (deliveries and their retries, reminders,
// snooze ends, flap windows, quiet hours ending, a channel's scheduled report): it is set to
// the earliest of all of these.
import type { ChannelsResponse, DeliveryLogEntry } from '../../shared/schema/alerts.ts'
import type { ActivityResponse, GuestHistoryResponse } from '../../shared/schema/history.ts'
import { evaluationInput } from '../alerts/run-views.ts'
import { readConfig } from '../config.ts'
import type { Env } from '../env.ts'
import { activity, guestHistory } from '../history/queries.ts'
import type { StoredBackup } from '../history/types.ts'
import { type SourceNames, sourceNames } from '../hooks/source-match.ts'
import { TIMESTAMP_TOLERANCE_SECONDS } from '../hooks/standard-webhooks.ts'
import type { UsageSample } from '../normalize/types.ts'
import { type PassOptions, type RefreshReport, runRefreshPass } from '../refresh.ts'
import { digestOf } from '../store/digest.ts'
import { type ActionOutcome, type AlertActionInput, AlertRunner } from './alert-runner.ts'
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
  /** Where the Worker was reached (`https://host`), for alert links without PULSE_PUBLIC_URL. */
  origin?: string
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
  /** Benches: told as each phase of the pass ends (refresh.ts PassPhase). */
  onPhase?: PassOptions['onPhase']
}

/** How the host runs alarm() later: the Durable Object's alarm, or a test's own loop. */
export type SetAlarm = (atMs: number) => void | Promise<void>

/** What the core takes from its host; production: the real clock and the runtime's fetch. */
export interface CoreHost {
  /** Milliseconds since the epoch. */
  now?: () => number
  /** For deliveries, and passes unless PassOverrides gives one. */
  fetch?: typeof fetch
}

// Called as a plain function: workerd refuses its fetch called as another object's method.
const runtimeFetch: typeof fetch = (input, init) => fetch(input, init)

/** The asked-for sources that are configured (default: all of them). */
function configuredIds(env: Env, asked: readonly string[] | undefined): string[] {
  const ids = readConfig(env).sources.map((s) => s.id)
  return asked ? asked.filter((id) => ids.includes(id)) : ids
}

export class CoordinatorCore {
  private schedule: Schedule | null = null
  private running: Promise<void> | null = null
  /** When the next continuation of a budget-split round may run (ms); null: at once. */
  private continueAt: number | null = null
  /** Wakes an alarm that is waiting for deliveries when a trigger queues a refresh. */
  private queued: { promise: Promise<void>; resolve: () => void } | null = null

  private readonly state: StateStore
  private readonly setAlarm: SetAlarm
  private readonly clock: () => number
  private readonly fetcher: typeof fetch | undefined
  readonly alerts: AlertRunner

  constructor(state: StateStore, setAlarm: SetAlarm, host: CoreHost = {}) {
    this.state = state
    this.setAlarm = setAlarm
    this.clock = host.now ?? Date.now
    this.fetcher = host.fetch
    this.alerts = new AlertRunner(state)
  }

  private nowSeconds(): number {
    return Math.floor(this.clock() / 1000)
  }

  private deliveryFetch(): typeof fetch {
    return this.fetcher ?? runtimeFetch
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
    this.alerts.noteOrigin(input.origin)
    const ids = configuredIds(env, input.sourceIds)
    const { schedule, decisions } = requestRefresh(this.loadSchedule(env), ids, {
      reason: input.reason,
      now: this.nowSeconds(),
      ...(input.minIntervalSeconds !== undefined
        ? { minIntervalSeconds: input.minIntervalSeconds }
        : {}),
      ...(input.priorityNode ? { priorityNode: input.priorityNode } : {}),
    })
    this.saveSchedule(schedule)
    if (Object.values(decisions).some((d) => d.outcome !== 'coalesced')) {
      const waiting = this.queued
      this.queued = null
      waiting?.resolve()
      await this.setAlarm(this.clock())
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
    const now = overrides.now ?? this.nowSeconds()
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
        const result = await runRefreshPass(env, this.state, {
          now,
          reason: plan.reason,
          full: plan.full,
          continuation: plan.continuation,
          subrequestBudget: overrides.subrequestBudget ?? readConfig(env).refresh.subrequestBudget,
          ...(plan.priorityNode ? { priorityNode: plan.priorityNode } : {}),
          ...((overrides.fetch ?? this.fetcher)
            ? { fetch: overrides.fetch ?? (this.fetcher as typeof fetch) }
            : {}),
          ...(overrides.sourceTimeBudgetMs !== undefined
            ? { sourceTimeBudgetMs: overrides.sourceTimeBudgetMs }
            : {}),
          ...(overrides.recordHistory === false ? { recordHistory: false } : {}),
          ...(overrides.publish === false ? { publish: false } : {}),
          ...(overrides.onPhase ? { onPhase: overrides.onPhase } : {}),
        })
        const { published, ...report } = result
        deferred = report.deferredBySource
        this.state.addToCounter('refreshes', 1)
        // The replayed past is history only: judged as of a past moment, it would fire and
        // resolve a year of alerts and send them (the present's refresh, after it, alerts).
        const alertWrites =
          overrides.publish === false ? 0 : await this.evaluateAlerts(env, now, published)
        if (alertWrites > 0) {
          report.kvWrites += alertWrites
          const status = this.state.readStatus()
          if (status.lastRefresh) {
            this.state.writeStatus({
              ...status,
              lastRefresh: {
                ...status.lastRefresh,
                kvWrites: status.lastRefresh.kvWrites + alertWrites,
              },
            })
          }
        }
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
          this.continueAt = this.clock() + (queued ? 0 : CONTINUE_DELAY_MS)
        }
        await this.scheduleAlarm(env)
      }
    })()
    this.running = pass.then(
      () => {},
      () => {},
    )
    return pass
  }

  /**
   * The alert step over what a pass published, and the alerts document published to the read
   * cache; KV writes made. A failure here is logged and never fails the refresh.
   */
  private async evaluateAlerts(
    env: Env,
    now: number,
    published: Parameters<typeof evaluationInput>[0],
  ): Promise<number> {
    try {
      this.alerts.step(env, now, evaluationInput(published, this.alerts.baseUrl(env)))
      return await this.alerts.publish(env, now)
    } catch (error) {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      console.error(`alerts: evaluation failed: ${message}`)
      return 0
    }
  }

  /** Sets the alarm to the earliest thing due: a refresh, a continuation, an alert's time. */
  private async scheduleAlarm(env: Env): Promise<void> {
    const nowMs = this.clock()
    const times: number[] = []
    const sources = Object.values(this.loadSchedule(env).sources).filter((s) => !s.running)
    if (sources.some((s) => s.pending)) times.push(nowMs)
    else if (sources.some((s) => s.continuation)) times.push(this.continueAt ?? nowMs)
    const due = this.alerts.nextDue(env, Math.floor(nowMs / 1000))
    if (due !== null) times.push(due * 1000)
    if (times.length > 0) await this.setAlarm(Math.min(...times))
  }

  /** A refresh is queued, or a continuation of a split round is due. */
  private refreshDue(env: Env): boolean {
    const sources = Object.values(this.loadSchedule(env).sources).filter((s) => !s.running)
    return (
      sources.some((s) => s.pending) ||
      (sources.some((s) => s.continuation) &&
        (this.continueAt === null || this.clock() >= this.continueAt))
    )
  }

  /** Resolves when a trigger queues a refresh (see alarm()). */
  private whenQueued(): Promise<void> {
    if (!this.queued) {
      let resolve = () => {}
      const promise = new Promise<void>((done) => {
        resolve = done
      })
      this.queued = { promise, resolve }
    }
    return this.queued.promise
  }

  /**
   * What the alarm runs: a pass if a refresh is queued or a continuation is due; a lifecycle
   * step with no new data (unless the pass just stepped); every delivery that is due; then the
   * next alarm. A refresh asked for while deliveries are on their way runs beside them, so a
   * slow receiver (up to its timeout) never holds up a webhook's refresh.
   */
  async alarm(env: Env, overrides: PassOverrides = {}): Promise<RefreshReport | null> {
    try {
      let report = this.refreshDue(env) ? await this.runPass(env, overrides) : null
      const now = this.nowSeconds()
      if (!report && this.alerts.step(env, now, null).changed) await this.alerts.publish(env, now)
      // Scheduled reports that are due go out with the deliveries (the alarm is set for them).
      await this.alerts.queueReports(env, now)
      const deliveries = [this.alerts.deliverDue(env, now, this.deliveryFetch())]
      const delivered = () => Promise.all(deliveries).then(() => false)
      while (await Promise.race([delivered(), this.whenQueued().then(() => true)])) {
        if (!this.refreshDue(env)) continue
        report = (await this.runPass(env, overrides)) ?? report
        // What that pass told goes out now, beside the deliveries still on their way.
        deliveries.push(this.alerts.deliverDue(env, this.nowSeconds(), this.deliveryFetch()))
      }
      return report
    } finally {
      await this.scheduleAlarm(env)
    }
  }

  /** Queues a refresh and runs it in this invocation; the report of that pass. */
  async refreshNow(
    env: Env,
    input: TriggerInput,
    overrides: PassOverrides = {},
  ): Promise<RefreshReport | null> {
    this.alerts.noteOrigin(input.origin)
    const ids = configuredIds(env, input.sourceIds)
    this.saveSchedule(
      requestRefresh(this.loadSchedule(env), ids, {
        reason: input.reason,
        now: overrides.now ?? this.nowSeconds(),
        ...(input.priorityNode ? { priorityNode: input.priorityNode } : {}),
      }).schedule,
    )
    return this.runPass(env, overrides, { rebuild: true })
  }

  status(origin?: string): StoredStatus {
    this.alerts.noteOrigin(origin)
    return this.state.readStatus()
  }

  /** Acknowledge / unacknowledge / snooze; what it frees goes out from the alarm. */
  async alertAction(
    env: Env,
    input: AlertActionInput & { origin?: string },
  ): Promise<ActionOutcome> {
    this.alerts.noteOrigin(input.origin)
    const now = this.nowSeconds()
    const outcome = this.alerts.act(env, now, input)
    if (outcome.ok) {
      await this.alerts.publish(env, now)
      await this.scheduleAlarm(env)
    }
    return outcome
  }

  alertChannels(env: Env): ChannelsResponse {
    return this.alerts.channels(env, this.nowSeconds())
  }

  /** A channel's test message, sent now and logged; null for an unknown channel. */
  testChannel(env: Env, channelId: string, origin?: string): Promise<DeliveryLogEntry | null> {
    this.alerts.noteOrigin(origin)
    return this.alerts.test(env, channelId, this.nowSeconds(), this.deliveryFetch())
  }

  counters(): { refreshes: number; notificationsSent: number } {
    return this.alerts.counters()
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
    now = this.nowSeconds(),
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
  activity(days: number, timeZone: string, now = this.nowSeconds()): ActivityResponse {
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
