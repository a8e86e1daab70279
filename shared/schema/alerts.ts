// GET /api/alerts and the acknowledge / snooze bodies: an alert as the API and the page show it.
// One alert per (rule, subject), with a stable id `<rule>:<subject key>` (`age-pbs:pve-a/101`).
// All times are epoch seconds. Defined once; the Worker writes it, the page parses it.
import * as z from 'zod/mini'

export const SEVERITIES = ['warning', 'critical'] as const
export const SeveritySchema = z.enum(SEVERITIES)

/**
 * Every rule, by the name used in PULSE_ALERT_RULES, in alert ids and in the API (README
 * "Alerts" says what each means and its default).
 */
export const ALERT_RULES = [
  'age-all',
  'age-pve',
  'age-pbs',
  'age-snapshots',
  'missed',
  'job-failed',
  'guest-failed',
  'verify-failed',
  'pbs-job',
  'store-full',
  'store-usage',
  'store-maintenance',
  'store-unmounted',
  'source-down',
  'no-job',
  'orphan-new',
] as const
export const AlertRuleSchema = z.enum(ALERT_RULES)

export const SUBJECT_KINDS = [
  'guest',
  'job',
  'pbs-job',
  'datastore',
  'storage',
  'source',
  'orphan',
] as const

export const AlertSubjectSchema = z.object({
  kind: z.enum(SUBJECT_KINDS),
  /** Stable key: `pve-a/101`, `pve-a/backup-nightly`, `pbs-main/store1`, `pbs-main`. */
  key: z.string(),
  /** In words: `db01 (VM 101, cluster pve-a)`. */
  name: z.string(),
})

/**
 * Why a resolved alert ended: `ok` (the condition cleared: notified), or silently because its
 * subject was `removed` (a deleted guest, job or store), `excluded` (template, stopped, tag,
 * pool…), its rule `disabled`, or `replaced` (an age rule once a job covers the guest: the
 * missed-backup rule judges it instead).
 */
export const ResolutionSchema = z.enum(['ok', 'removed', 'excluded', 'disabled', 'replaced'])

export const AcknowledgementSchema = z.object({
  /** Free text from the acknowledge body; null when not given. */
  by: z.nullable(z.string()),
  at: z.int(),
})

export const AlertSchema = z.object({
  id: z.string(),
  rule: AlertRuleSchema,
  severity: SeveritySchema,
  subject: AlertSubjectSchema,
  summary: z.string(),
  detail: z.nullable(z.string()),
  /** Absolute URL of the dashboard view of the subject. */
  link: z.string(),
  state: z.enum(['firing', 'resolved']),
  /** Start of the current (or last) incident. */
  since: z.int(),
  resolvedAt: z.nullable(z.int()),
  resolution: z.nullable(ResolutionSchema),
  /** Last time a channel was told about it (fired, escalated, repeat, resolved). */
  lastNotified: z.nullable(z.int()),
  /** Set until the incident resolves: no repeats meanwhile. */
  acknowledged: z.nullable(AcknowledgementSchema),
  /** No notifications about this alert before this time. */
  snoozedUntil: z.nullable(z.int()),
  /** How many incidents this alert has had (a re-fire within the flap window is the same one). */
  incidents: z.int(),
})

/**
 * A subject that never alerts, and why in a few words (`tag pulse-ignore`, `template`,
 * `job disabled`): the reason is the one the rules exclude it by (functions/alerts/scope.ts).
 */
export const ExcludedSubjectSchema = z.object({
  ...AlertSubjectSchema.shape,
  reason: z.string(),
})

export const AlertsResponseSchema = z.object({
  /** Firing first, then resolved ones kept for the recent history. */
  alerts: z.array(AlertSchema),
  firing: z.object({ warning: z.int(), critical: z.int() }),
  /**
   * Every subject excluded from alerting at the last evaluation, by kind then key. Absent
   * from a document written before it existed: read as none.
   */
  excluded: z._default(z.array(ExcludedSubjectSchema), () => []),
})

const ActorSchema = z.optional(z.string().check(z.minLength(1), z.maxLength(64)))

/** POST /api/alerts/:id/ack */
export const AckBodySchema = z.object({ by: ActorSchema })
/** POST /api/alerts/:id/unack */
export const UnackBodySchema = z.object({})
/** POST /api/alerts/:id/snooze: `until` in epoch seconds; null ends a snooze. */
export const SnoozeBodySchema = z.object({ until: z.nullable(z.int()), by: ActorSchema })

/**
 * One attempt to deliver a digest to a channel, as the delivery log keeps it: `sent`; `retry`
 * (failed, tried again at `nextAttemptAt`); `failed` (refused for good, e.g. a 400 or a
 * removed webhook); `gave-up` (failed on its last attempt). `error` is short and never holds a
 * secret.
 */
export const DeliveryLogEntrySchema = z.object({
  channelId: z.string(),
  messageId: z.string(),
  /** 1 for the first attempt. */
  attempt: z.int(),
  at: z.int(),
  status: z.enum(['sent', 'retry', 'failed', 'gave-up']),
  httpStatus: z.nullable(z.int()),
  error: z.nullable(z.string()),
  nextAttemptAt: z.nullable(z.int()),
})

export type Severity = z.infer<typeof SeveritySchema>
export type AlertRule = z.infer<typeof AlertRuleSchema>
export type SubjectKind = (typeof SUBJECT_KINDS)[number]
export type AlertSubjectView = z.infer<typeof AlertSubjectSchema>
export type ExcludedSubject = z.infer<typeof ExcludedSubjectSchema>
export type Resolution = z.infer<typeof ResolutionSchema>
export type Acknowledgement = z.infer<typeof AcknowledgementSchema>
export type Alert = z.infer<typeof AlertSchema>
export type AlertsResponse = z.infer<typeof AlertsResponseSchema>
export type AckBody = z.infer<typeof AckBodySchema>
export type SnoozeBody = z.infer<typeof SnoozeBodySchema>
export type DeliveryLogEntry = z.infer<typeof DeliveryLogEntrySchema>

/** A channel's quiet hours as the API shows them (minutes after local midnight). */
export const QuietHoursSchema = z.object({
  start: z.int(),
  end: z.int(),
  timeZone: z.string(),
  /** Critical alerts go out during quiet hours. */
  criticalBypass: z.boolean(),
})

/**
 * GET /api/alerts/channels: each configured channel, its routing policy and recent delivery
 * attempts (newest first). Never a secret: no URL, token or key, only the channel's id, type
 * and label.
 */
/** A channel's scheduled report of the fleet's state (README "Scheduled reports"). */
export const ReportScheduleViewSchema = z.object({
  every: z.enum(['daily', 'weekly']),
  /** Wall-clock time in `timeZone`, "HH:MM". */
  at: z.string(),
  /** The day of a weekly report (`mon` … `sun`); null for a daily one. */
  weekday: z.nullable(z.enum(['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'])),
  timeZone: z.string(),
  /** When the next report goes out (epoch seconds). */
  next: z.int(),
})

export const ChannelViewSchema = z.object({
  id: z.string(),
  type: z.string(),
  label: z.string(),
  minSeverity: SeveritySchema,
  /** Only these rules; null = all. */
  rules: z.nullable(z.array(AlertRuleSchema)),
  /** Digests per rolling hour; 0 = no cap. */
  maxPerHour: z.int(),
  quietHours: z.nullable(QuietHoursSchema),
  /** The scheduled report; null when the channel sends none. */
  report: z.nullable(ReportScheduleViewSchema),
  /** Events waiting in the outbox (quiet hours, hourly cap, a retry). */
  pending: z.int(),
  /** Recent attempts, newest first. */
  log: z.array(DeliveryLogEntrySchema),
})

export const ChannelsResponseSchema = z.object({
  channels: z.array(ChannelViewSchema),
  /** PULSE_ALERT_CHANNELS has entries that were left out (see /api/status configIssues). */
  incomplete: z.boolean(),
})

/** POST /api/alerts/channels/:id/test: the attempt, as logged. */
export const ChannelTestResponseSchema = z.object({ result: DeliveryLogEntrySchema })

/** POST /api/alerts/:id/ack | unack | snooze: the alert after the action. */
export const AlertActionResponseSchema = z.object({ alert: AlertSchema })

export type QuietHours = z.infer<typeof QuietHoursSchema>
export type ChannelView = z.infer<typeof ChannelViewSchema>
export type ReportScheduleView = z.infer<typeof ReportScheduleViewSchema>
export type ChannelsResponse = z.infer<typeof ChannelsResponseSchema>
export type ChannelTestResponse = z.infer<typeof ChannelTestResponseSchema>
export type AlertActionResponse = z.infer<typeof AlertActionResponseSchema>
