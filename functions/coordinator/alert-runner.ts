// The alert engine wired into the coordinator: after every refresh pass (and on every alarm)
// the lifecycle steps, its events go into each channel's outbox and out as digests, and what
// the page shows is published to the read cache. The engine itself is pure (functions/alerts/);
// this is where its state is kept and its messages are sent.
//
// Delivery is at least once: a step, its records, outboxes and the digests it made are written
// in one transaction before anything is sent, so a crash re-sends rather than loses; each
// digest keeps its message id (the Standard Webhooks id, the e-mail Message-ID) across retries,
// and an event enters an outbox once (by event id). Every attempt is logged; a retry waits by
// the backoff schedule and the receiver's Retry-After, driven by the coordinator's alarm. Each
// digest is sent on its own, so a failing or slow channel never holds up another.
//
// Scheduled reports (functions/reports/) take the same path: when a channel's report time has
// come, the fleet's state is read from the read cache (what the dashboard shows), made into a
// digest with a message id of the channel and the scheduled time, and persisted as a delivery
// in the same transaction as the channel's report mark — so a retry, a second alarm or a
// restart never makes a second one. Reports skip the routing, the hourly cap and quiet hours
// (they go at the time the owner chose; a retry waits out quiet hours like any other).
import type { ChannelsResponse, DeliveryLogEntry } from '../../shared/schema/alerts.ts'
import { type ActionResult, type AlertAction, applyAction } from '../alerts/actions.ts'
import type { EvaluationInput } from '../alerts/condition.ts'
import { logEntry } from '../alerts/delivery/log-entry.ts'
import { sendDigest } from '../alerts/delivery/send.ts'
import { buildDigests, nextDigestDue } from '../alerts/digest.ts'
import { evaluate } from '../alerts/evaluate.ts'
import { lifecycleSettings, nextDue, step } from '../alerts/lifecycle.ts'
import { alertsLink, dashboardLink } from '../alerts/links.ts'
import { alertsDocument, channelView, testDigest } from '../alerts/run-views.ts'
import { type AlertRecord, type AlertState, firingCounts, toPublicAlert } from '../alerts/state.ts'
import { readConfig } from '../config.ts'
import type { Env } from '../env.ts'
import { fleetReport } from '../reports/fleet-report.ts'
import { reportDigest } from '../reports/report-digest.ts'
import { decideReport, nextReportAt, type ReportMarks } from '../reports/schedule.ts'
import {
  describeStoreFailure,
  publishAlerts,
  readIndex,
  readJobs,
  readStorage,
  type WriteLog,
} from '../store/read-cache.ts'
import type { StateStore } from './state.ts'

/** Attempts kept in each channel's delivery log. */
export const DELIVERY_LOG_KEEP = 50
/** Links when neither PULSE_PUBLIC_URL is set nor the Worker has been reached yet. */
export const DEFAULT_BASE_URL = 'http://localhost:8787'

const ORIGIN = /^https?:\/\/[^/\s?#]+$/
/** After the read cache could not be read for a due report: when to try again. */
export const REPORT_RETRY_SECONDS = 300

export type AlertActionInput =
  | { kind: 'ack'; alertId: string; by?: string }
  | { kind: 'unack'; alertId: string }
  | { kind: 'snooze'; alertId: string; until: number | null; by?: string }

export type ActionOutcome =
  | { ok: true; alert: ReturnType<typeof toPublicAlert> }
  | { ok: false; reason: Exclude<ActionResult, 'ok'> }

export interface StepSummary {
  events: number
  digests: number
  /** Records were written or dropped: the published document may differ. */
  changed: boolean
}

export class AlertRunner {
  /** Digests being sent now (by message id): never sent twice at once. */
  private readonly inFlight = new Set<string>()
  private origin: string | null | undefined
  /** A due report could not be made (the read cache failed): not before this (memory only). */
  private reportRetryAt: number | null = null

  private readonly state: StateStore

  constructor(state: StateStore) {
    this.state = state
  }

  /** Remembers where the Worker was reached, for links when PULSE_PUBLIC_URL is unset. */
  noteOrigin(origin: string | undefined): void {
    if (origin === undefined || !ORIGIN.test(origin)) return
    if (this.origin === undefined) this.origin = this.state.readOrigin()
    if (this.origin === origin) return
    this.origin = origin
    this.state.writeOrigin(origin)
  }

  baseUrl(env: Env): string {
    const configured = readConfig(env).publicUrl
    if (configured) return configured
    if (this.origin === undefined) this.origin = this.state.readOrigin()
    return this.origin ?? DEFAULT_BASE_URL
  }

  /**
   * One lifecycle step, its records, outboxes and digests written in one transaction: over
   * fresh data (`input`, which is then kept as the last Evaluation) or, between refreshes, over
   * the last Evaluation (reminders, snooze ends, flap windows, quiet hours ending).
   */
  step(
    env: Env,
    now: number,
    input: EvaluationInput | null,
    actions: readonly AlertAction[] = [],
  ): StepSummary {
    const config = readConfig(env)
    const baseUrl = input?.dashboardBaseUrl ?? this.baseUrl(env)
    return this.state.transaction(() => {
      const previous: AlertState = { alerts: this.state.readAlerts() }
      const evaluation = input
        ? evaluate(input, config.alertRules, now)
        : this.state.readEvaluation()
      let state: AlertState
      let events: ReturnType<typeof step>['events'] = []
      let changed = false
      if (evaluation) {
        const result = step(
          previous,
          evaluation,
          now,
          lifecycleSettings(config.alertRules),
          actions,
        )
        const byId = new Map(result.state.alerts.map((r) => [r.id, r]))
        this.state.writeAlerts(
          result.changed.flatMap((id) => byId.get(id) ?? []),
          result.dropped,
        )
        if (input) this.state.writeEvaluation(evaluation)
        state = result.state
        events = result.events
        changed = result.changed.length > 0 || result.dropped.length > 0
      } else {
        // Nothing judged yet (or the last judgement unreadable): never step on no data, which
        // would close every alert as removed; an owner's action still applies.
        state = previous
        for (const action of actions) state = applyAction(state, action).state
        const before = new Map(previous.alerts.map((r) => [r.id, JSON.stringify(r)]))
        const updated = state.alerts.filter((r) => before.get(r.id) !== JSON.stringify(r))
        this.state.writeAlerts(updated, [])
        changed = updated.length > 0
      }
      const digests = this.queueDigests(env, now, events, state, baseUrl)
      return { events: events.length, digests, changed }
    })
  }

  /** Routes events into the outboxes and persists each digest they release. */
  private queueDigests(
    env: Env,
    now: number,
    events: ReturnType<typeof step>['events'],
    state: AlertState,
    baseUrl: string,
  ): number {
    const config = readConfig(env)
    const policies = config.channels.map((c) => c.policy)
    const stored = this.state.readOutboxes()
    const { digests, outboxes } = buildDigests({
      events,
      policies,
      outboxes: stored,
      firing: firingCounts(state),
      now,
      dashboardLink: alertsLink(baseUrl),
    })
    const before = new Map(stored.map((o) => [o.channelId, JSON.stringify(o)]))
    for (const outbox of outboxes) {
      if (before.get(outbox.channelId) !== JSON.stringify(outbox)) this.state.writeOutbox(outbox)
    }
    // A channel missing from a configuration with errors may be a typo: its state stays.
    if (!config.channelsIncomplete) {
      const configured = new Set(policies.map((p) => p.id))
      const known = new Set([
        ...stored.map((o) => o.channelId),
        ...this.state.readDeliveries().map((d) => d.digest.channelId),
      ])
      for (const id of known) if (!configured.has(id)) this.state.deleteChannel(id)
    }
    for (const digest of digests) this.state.writeDelivery({ digest, attempt: 0, due: now })
    return digests.length
  }

  /**
   * One attempt for every digest that is due, all at once; each result is recorded as soon as
   * it is known. Resolves when every attempt has ended; how many digests were sent.
   */
  async deliverDue(env: Env, now: number, fetcher: typeof fetch): Promise<number> {
    const channels = new Map(readConfig(env).channels.map((c) => [c.id, c]))
    const due = this.state
      .readDeliveries()
      .filter(
        (d) =>
          d.due <= now &&
          channels.has(d.digest.channelId) &&
          !this.inFlight.has(d.digest.messageId),
      )
    let sent = 0
    await Promise.all(
      due.map(async (delivery) => {
        const { digest } = delivery
        const channel = channels.get(digest.channelId)
        if (!channel) return
        this.inFlight.add(digest.messageId)
        try {
          const result = await sendDigest(channel, digest, { fetch: fetcher, now, env })
          const entry = logEntry(result, delivery.attempt + 1, channel.policy, digest)
          this.state.transaction(() => {
            this.state.appendDeliveryLog(entry, DELIVERY_LOG_KEEP)
            if (entry.status === 'retry' && entry.nextAttemptAt !== null) {
              this.state.writeDelivery({
                digest,
                attempt: delivery.attempt + 1,
                due: entry.nextAttemptAt,
              })
            } else {
              this.state.deleteDelivery(digest.messageId)
            }
            if (entry.status === 'sent') this.state.addToCounter('notifications', 1)
          })
          if (entry.status === 'sent') sent += 1
          else {
            // Redacted by sendDigest: no secret reaches the log.
            console.warn(
              `alerts: ${channel.id} ${entry.status} (attempt ${entry.attempt}): ${entry.error ?? ''}`,
            )
          }
        } finally {
          this.inFlight.delete(digest.messageId)
        }
      }),
    )
    return sent
  }

  /**
   * Arms each channel's report schedule and persists the reports that are due (one per channel,
   * for the latest scheduled time: a missed time is reported once). Never throws; how many
   * reports were queued. deliverDue sends them.
   */
  async queueReports(env: Env, now: number): Promise<number> {
    try {
      const config = readConfig(env)
      const marks = this.state.readReportMarks()
      // While the channels' configuration has errors, a missing channel may be a typo: its mark stays.
      const next: ReportMarks = config.channelsIncomplete ? { ...marks } : {}
      const due: { channelId: string; every: 'daily' | 'weekly'; slot: number }[] = []
      for (const channel of config.channels) {
        if (!channel.report) continue
        const decision = decideReport(channel.report, marks[channel.id], now)
        next[channel.id] = decision.mark
        if (decision.due !== null) {
          due.push({ channelId: channel.id, every: channel.report.every, slot: decision.due })
        }
      }
      const unchanged = (m: ReportMarks) => JSON.stringify(m) === JSON.stringify(marks)
      /** The marks with the due channels' left as they were: they are still to report. */
      const armedOnly = () => {
        const kept = { ...next }
        for (const d of due) {
          const old = marks[d.channelId]
          if (old) kept[d.channelId] = old
          else delete kept[d.channelId]
        }
        return kept
      }
      if (due.length === 0 || (this.reportRetryAt !== null && now < this.reportRetryAt)) {
        const kept = armedOnly()
        if (!unchanged(kept)) this.state.writeReportMarks(kept)
        return 0
      }
      let data: Awaited<ReturnType<typeof readReportData>>
      try {
        data = await readReportData(env)
      } catch (error) {
        this.reportRetryAt = now + REPORT_RETRY_SECONDS
        console.error(
          `reports: ${describeStoreFailure(error)}; the due reports are tried again in ${REPORT_RETRY_SECONDS} s`,
        )
        const kept = armedOnly()
        if (!unchanged(kept)) this.state.writeReportMarks(kept)
        return 0
      }
      this.reportRetryAt = null
      const report = data ? fleetReport({ ...data, now, thresholds: config.thresholds }) : null
      const link = dashboardLink(this.baseUrl(env))
      const firing = firingCounts({ alerts: this.state.readAlerts() })
      return this.state.transaction(() => {
        // Read again: nothing else may have queued these while the read cache was read.
        const current = this.state.readReportMarks()
        let queued = 0
        for (const d of due) {
          const mark = current[d.channelId]
          if (mark && mark.schedule === next[d.channelId]?.schedule && mark.slot >= d.slot) continue
          const digest = reportDigest({
            channelId: d.channelId,
            every: d.every,
            scheduledAt: d.slot,
            now,
            report,
            dashboardLink: link,
            firing,
          })
          this.state.writeDelivery({ digest, attempt: 0, due: now })
          queued += 1
        }
        this.state.writeReportMarks(next)
        return queued
      })
    } catch (error) {
      this.reportRetryAt = now + REPORT_RETRY_SECONDS
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error)
      console.error(`reports: ${message}`)
      return 0
    }
  }

  /**
   * The earliest time (epoch seconds) something is due without new data: a delivery, a
   * reminder, a snooze end, a flap window, quiet hours ending, the hourly cap freeing, a
   * channel's next report.
   */
  nextDue(env: Env, now: number): number | null {
    const config = readConfig(env)
    const configured = new Set(config.channels.map((c) => c.id))
    const times: number[] = []
    for (const d of this.state.readDeliveries()) {
      if (configured.has(d.digest.channelId) && !this.inFlight.has(d.digest.messageId)) {
        times.push(d.due)
      }
    }
    const lifecycle = nextDue(
      { alerts: this.state.readAlerts() },
      lifecycleSettings(config.alertRules),
      now,
    )
    if (lifecycle !== null) times.push(lifecycle)
    const digest = nextDigestDue(
      config.channels.map((c) => c.policy),
      this.state.readOutboxes(),
      now,
    )
    if (digest !== null) times.push(digest)
    const marks = this.state.readReportMarks()
    for (const channel of config.channels) {
      if (!channel.report) continue
      const at = nextReportAt(channel.report, marks[channel.id], now)
      times.push(this.reportRetryAt !== null ? Math.max(at, this.reportRetryAt) : at)
    }
    return times.length === 0 ? null : Math.min(...times)
  }

  /** Writes the alerts document to the read cache where it changed; KV writes made. */
  async publish(env: Env, now: number): Promise<number> {
    const log: WriteLog = { writes: 0, deletes: 0 }
    try {
      await publishAlerts(
        env,
        alertsDocument(
          { alerts: this.state.readAlerts() },
          this.state.readEvaluation()?.excluded ?? [],
        ),
        {
          digests: this.state.cacheDigests(),
          record: (key, digest) => this.state.setCacheDigest(key, digest),
        },
        log,
        now,
      )
    } catch (error) {
      console.error(`alerts: ${describeStoreFailure(error)}; the previous alerts stay served`)
    }
    return log.writes
  }

  /** Acknowledge, unacknowledge or snooze, through the lifecycle (so what it frees is told). */
  act(env: Env, now: number, input: AlertActionInput): ActionOutcome {
    const action: AlertAction =
      input.kind === 'ack'
        ? { kind: 'ack', alertId: input.alertId, by: input.by ?? null, at: now }
        : input.kind === 'unack'
          ? { kind: 'unack', alertId: input.alertId, at: now }
          : { kind: 'snooze', alertId: input.alertId, until: input.until, at: now }
    // Checked and applied with no await between: nothing can interleave.
    const { result } = applyAction({ alerts: this.state.readAlerts() }, action)
    if (result !== 'ok') return { ok: false, reason: result }
    this.step(env, now, null, [action])
    const record: AlertRecord | undefined = this.state
      .readAlerts()
      .find((r) => r.id === input.alertId)
    // The step keeps every record it was given (only long-resolved ones are dropped).
    if (!record) return { ok: false, reason: 'unknown-alert' }
    return { ok: true, alert: toPublicAlert(record) }
  }

  channels(env: Env, now: number): ChannelsResponse {
    const config = readConfig(env)
    const outboxes = new Map(this.state.readOutboxes().map((o) => [o.channelId, o]))
    const deliveries = this.state.readDeliveries()
    const marks = this.state.readReportMarks()
    return {
      channels: config.channels.map((channel) =>
        channelView(
          channel,
          outboxes.get(channel.id),
          deliveries,
          this.state.deliveryLog(channel.id),
          { mark: marks[channel.id], now },
        ),
      ),
      incomplete: config.channelsIncomplete,
    }
  }

  /**
   * Sends a channel's test message now (one attempt, not retried: the owner is watching) and
   * logs it. Null when no channel has that id.
   */
  async test(
    env: Env,
    channelId: string,
    now: number,
    fetcher: typeof fetch,
  ): Promise<DeliveryLogEntry | null> {
    const channel = readConfig(env).channels.find((c) => c.id === channelId)
    if (!channel) return null
    const digest = testDigest(
      channel.id,
      now,
      this.baseUrl(env),
      firingCounts({ alerts: this.state.readAlerts() }),
      crypto.randomUUID().slice(0, 8),
    )
    const result = await sendDigest(channel, digest, { fetch: fetcher, now, env })
    const logged = logEntry(result, 1, channel.policy, digest)
    const entry: DeliveryLogEntry =
      logged.status === 'retry' ? { ...logged, status: 'failed', nextAttemptAt: null } : logged
    this.state.appendDeliveryLog(entry, DELIVERY_LOG_KEEP)
    return entry
  }

  counters(): { refreshes: number; notificationsSent: number } {
    return {
      refreshes: this.state.readCounter('refreshes'),
      notificationsSent: this.state.readCounter('notifications'),
    }
  }
}

/**
 * What a report counts, from the read cache: the guest index, jobs and storage exactly as the
 * dashboard reads them. Null when nothing has been published yet; throws when KV fails.
 */
async function readReportData(env: Env) {
  const [index, jobs, storage] = await Promise.all([
    readIndex(env),
    readJobs(env),
    readStorage(env),
  ])
  if (!index) return null
  return {
    guests: index.guests,
    jobs: jobs?.value ?? { pve: [], pbs: [] },
    storage: storage?.value ?? { storages: [], datastores: [] },
  }
}
