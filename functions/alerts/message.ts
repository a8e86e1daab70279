// The seam between the alert engine (which decides what to tell) and the channels (which say
// it in each receiver's format): one digest per channel per evaluation, carrying every alert
// that fired, escalated, repeated or resolved — or, for a scheduled report, no event and the
// fleet's state (`report`). Channels render it; they decide nothing.

export type Severity = 'warning' | 'critical'

/** What happened to an alert in this evaluation. `test` is a channel test message. */
export type AlertEventKind = 'fired' | 'escalated' | 'repeat' | 'resolved' | 'test'

export interface AlertSubject {
  /** `guest`, `job`, `pbs-job`, `datastore`, `storage`, `source`, `orphan`. */
  kind: string
  /** Stable key of the subject (e.g. `pve-a/101`, `pve-a/backup-nightly`, `pbs-main/store1`). */
  key: string
  /** In words, e.g. `db01 (VM 101, cluster pve-a)`. */
  name: string
}

export interface AlertEvent {
  /** Idempotency key of this event (alert id + transition + time): receivers may dedupe on it. */
  eventId: string
  /** Stable id per (rule, subject). */
  alertId: string
  kind: AlertEventKind
  rule: string
  severity: Severity
  subject: AlertSubject
  /** One line: what is wrong, e.g. `newest PBS backup is 50 h old (critical after 48 h)`. */
  summary: string
  /** Optional longer text (a job's error text, failed guests). */
  detail?: string
  /** Epoch seconds the condition began (the incident's start). */
  since: number
  /** Epoch seconds of this event. */
  at: number
  /** Absolute URL of the dashboard view of the subject. */
  link: string
}

/** A scheduled report of the fleet's state (reports/fleet-report.ts), as a digest carries it. */
export interface ReportSummary {
  every: 'daily' | 'weekly'
  /** Epoch seconds of the scheduled time the report is for (with the channel: its identity). */
  scheduledAt: number
  /** The parts joined by " · ": `42 of 45 guests fresh · 2 jobs failed · store1 full in 23 days`. */
  text: string
  parts: string[]
  /** Guests counted (templates are not) and how many are fresh, missed, never backed up. */
  guests: number
  fresh: number
  missed: number
  never: number
  /** Keys of the jobs whose last run failed. */
  failedJobs: string[]
  /** Stores estimated full within 30 days, soonest first. */
  stores: { key: string; name: string; estimatedFull: number; days: number }[]
  /** False when nothing had been collected yet: the counts are then all 0. */
  hasData: boolean
}

export interface Digest {
  /** Idempotency key of the whole message (Standard Webhooks `webhook-id`, email Message-ID). */
  messageId: string
  channelId: string
  /** Epoch seconds the digest was made. */
  at: number
  events: AlertEvent[]
  /** Absolute URL of the dashboard's alerts view (of the dashboard, for a report). */
  dashboardLink: string
  /** Counts of all firing alerts after this evaluation, for a one-line headline. */
  firing: { warning: number; critical: number }
  /** Set on a scheduled report (then `events` is empty); never on an alert digest. */
  report?: ReportSummary
}
