// What the coordinator hands the alert engine and what it shows of it, as pure functions: the
// evaluation input from what a refresh pass just published, the public alerts document
// (GET /api/alerts, KV `alerts/v1`), each channel as the API shows it (never a secret), and a
// channel's test message.
import type {
  Alert,
  AlertsResponse,
  ChannelView,
  DeliveryLogEntry,
  ExcludedSubject,
  ReportScheduleView,
} from '../../shared/schema/alerts.ts'
import type { GuestSummary, Orphan } from '../../shared/schema/guest.ts'
import type { JobsIndex } from '../../shared/schema/jobs.ts'
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { StorageIndex } from '../../shared/schema/storage.ts'
import type { ChannelConfig } from '../config/channels.ts'
import {
  formatReportTime,
  type ReportMark,
  type ReportSchedule,
  upcomingReport,
} from '../reports/schedule.ts'
import type { EvaluationInput } from './condition.ts'
import { alertsLink } from './links.ts'
import type { Digest } from './message.ts'
import type { Delivery } from './run-schemas.ts'
import { type AlertState, firingCounts, type Outbox, toPublicAlert } from './state.ts'

/** What a refresh pass normalized and published: the rules read exactly this. */
export interface PublishedData {
  guests: readonly GuestSummary[]
  orphans: readonly Orphan[]
  jobs: JobsIndex
  storage: StorageIndex
  sources: readonly SourceStatus[]
}

/**
 * The rules' input. A source whose round the subrequest budget cut short (work units still
 * deferred) has data that is not complete yet: it is presented as stale, so the alerts that
 * depend on it are held until the round finishes rather than fired on half-read data.
 */
export function evaluationInput(
  published: PublishedData,
  dashboardBaseUrl: string,
): EvaluationInput {
  return {
    guests: published.guests,
    orphans: published.orphans,
    jobs: published.jobs,
    storage: published.storage,
    sources: published.sources.map((s) => (s.deferred > 0 ? { ...s, stale: true } : s)),
    dashboardBaseUrl,
  }
}

const RANK = { critical: 0, warning: 1 } as const

/** Firing first (critical first, oldest first), then the recent history, newest first. */
function order(a: Alert, b: Alert): number {
  if (a.state !== b.state) return a.state === 'firing' ? -1 : 1
  if (a.state === 'firing') {
    return RANK[a.severity] - RANK[b.severity] || a.since - b.since || (a.id < b.id ? -1 : 1)
  }
  return (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0) || (a.id < b.id ? -1 : 1)
}

/** The alerts, and what the last evaluation excluded from alerting (already in order). */
export function alertsDocument(
  state: AlertState,
  excluded: readonly ExcludedSubject[],
): AlertsResponse {
  return {
    alerts: state.alerts.map(toPublicAlert).sort(order),
    firing: firingCounts(state),
    excluded: [...excluded],
  }
}

/** A channel as GET /api/alerts/channels shows it: routing, what waits, recent attempts. */
export function channelView(
  channel: ChannelConfig,
  outbox: Outbox | undefined,
  deliveries: readonly Delivery[],
  log: readonly DeliveryLogEntry[],
  /** The channel's report mark (reports/schedule.ts), and the time now. */
  report: { mark: ReportMark | undefined; now: number },
): ChannelView {
  const { policy } = channel
  const waiting = deliveries
    .filter((d) => d.digest.channelId === channel.id)
    .reduce((sum, d) => sum + d.digest.events.length, 0)
  return {
    id: channel.id,
    type: channel.type,
    label: channel.label,
    minSeverity: policy.minSeverity,
    rules: policy.rules === null ? null : [...policy.rules],
    maxPerHour: policy.maxPerHour,
    quietHours: policy.quietHours
      ? {
          start: policy.quietHours.start,
          end: policy.quietHours.end,
          timeZone: policy.quietHours.timeZone,
          criticalBypass: policy.quietCriticalBypass,
        }
      : null,
    report: channel.report
      ? reportView(channel.report, upcomingReport(channel.report, report.mark, report.now))
      : null,
    pending: (outbox?.pending.length ?? 0) + waiting,
    log: [...log],
  }
}

function reportView(schedule: ReportSchedule, next: number): ReportScheduleView {
  return {
    every: schedule.every,
    at: formatReportTime(schedule.at),
    weekday: schedule.every === 'weekly' ? schedule.weekday : null,
    timeZone: schedule.timeZone,
    next,
  }
}

/** POST /api/alerts/channels/:id/test: one `test` event, sent now, outside the outbox. */
export function testDigest(
  channelId: string,
  now: number,
  dashboardBaseUrl: string,
  firing: Digest['firing'],
  nonce: string,
): Digest {
  const link = alertsLink(dashboardBaseUrl)
  return {
    messageId: `${channelId}:test:${now}:${nonce}`,
    channelId,
    at: now,
    events: [
      {
        eventId: `test:${now}:${nonce}`,
        alertId: 'test',
        kind: 'test',
        rule: 'test',
        severity: 'warning',
        subject: { kind: 'source', key: 'test', name: 'a test message from Pulse Edge' },
        summary: 'If you read this, the channel works.',
        since: now,
        at: now,
        link,
      },
    ],
    dashboardLink: link,
    firing,
  }
}
