// The alert state the coordinator keeps: plain JSON, one record per alert id (one row each),
// parsed back with these schemas. The engine never stores it; step() takes and returns it.
import * as z from 'zod/mini'
import {
  AcknowledgementSchema,
  type Alert,
  AlertRuleSchema,
  AlertSubjectSchema,
  ResolutionSchema,
  SeveritySchema,
} from '../../shared/schema/alerts.ts'
import type { AlertEvent } from './message.ts'

const Epoch = z.int()
const NullableEpoch = z.nullable(z.int())

export const AlertRecordSchema = z.object({
  id: z.string(),
  rule: AlertRuleSchema,
  subject: AlertSubjectSchema,
  /** Current severity (it may drop below what was notified: de-escalation is silent). */
  severity: SeveritySchema,
  summary: z.string(),
  detail: z.nullable(z.string()),
  link: z.string(),
  state: z.enum(['firing', 'resolved']),
  /** Start of the incident: when the data says it began, else when it was first seen. */
  since: Epoch,
  /** When this incident was first seen firing. */
  openedAt: Epoch,
  resolvedAt: NullableEpoch,
  resolution: z.nullable(ResolutionSchema),
  /** Incidents so far, this one included: 1 for the first. */
  incident: z.int(),
  /** Highest severity told in this incident; null until its "fired" went out. */
  notifiedSeverity: z.nullable(SeveritySchema),
  /** The incident is over for notifications: its resolve was told, or there is nothing to tell. */
  closed: z.boolean(),
  lastNotified: NullableEpoch,
  acknowledged: z.nullable(AcknowledgementSchema),
  snoozedUntil: NullableEpoch,
})

export const AlertStateSchema = z.object({
  /** Sorted by id. */
  alerts: z.array(AlertRecordSchema),
})

export type AlertRecord = z.infer<typeof AlertRecordSchema>
export type AlertState = z.infer<typeof AlertStateSchema>

export const EMPTY_ALERT_STATE: AlertState = { alerts: [] }

/** An AlertEvent as stored while it waits in a channel's outbox (quiet hours, hourly cap). */
export const AlertEventSchema = z.object({
  eventId: z.string(),
  alertId: z.string(),
  kind: z.enum(['fired', 'escalated', 'repeat', 'resolved', 'test']),
  rule: z.string(),
  severity: SeveritySchema,
  subject: z.object({ kind: z.string(), key: z.string(), name: z.string() }),
  summary: z.string(),
  detail: z.optional(z.string()),
  since: Epoch,
  at: Epoch,
  link: z.string(),
})

// The schema and message.ts's interface describe the same thing: fail to compile if they drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const eventShapeMatches: Same<z.infer<typeof AlertEventSchema>, AlertEvent> = true
void eventShapeMatches

/** Per channel: events waiting to be sent, and when its recent digests went out. */
export const OutboxSchema = z.object({
  channelId: z.string(),
  pending: z.array(AlertEventSchema),
  /** Epoch seconds of the digests sent in the last hour, for the hourly cap. */
  sentAt: z.array(Epoch),
})

export type Outbox = z.infer<typeof OutboxSchema>

export function toPublicAlert(record: AlertRecord): Alert {
  return {
    id: record.id,
    rule: record.rule,
    severity: record.severity,
    subject: record.subject,
    summary: record.summary,
    detail: record.detail,
    link: record.link,
    state: record.state,
    since: record.since,
    resolvedAt: record.resolvedAt,
    resolution: record.resolution,
    lastNotified: record.lastNotified,
    acknowledged: record.acknowledged,
    snoozedUntil: record.snoozedUntil,
    incidents: record.incident,
  }
}

export function firingCounts(state: AlertState): { warning: number; critical: number } {
  const counts = { warning: 0, critical: 0 }
  for (const record of state.alerts) if (record.state === 'firing') counts[record.severity] += 1
  return counts
}
