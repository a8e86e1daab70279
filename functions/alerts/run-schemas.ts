// The shapes the coordinator stores for the alert engine besides the records (state.ts): the
// last Evaluation (so reminders, snooze ends and flap windows are told between refreshes, with
// no new data) and the digests awaiting delivery. Parsed back with these schemas: a row an
// older release wrote in another shape counts as missing.
import * as z from 'zod/mini'
import {
  AlertRuleSchema,
  AlertSubjectSchema,
  ExcludedSubjectSchema,
  SeveritySchema,
} from '../../shared/schema/alerts.ts'
import type { Evaluation } from './condition.ts'
import type { Digest } from './message.ts'
import { AlertEventSchema } from './state.ts'

const ConditionSchema = z.object({
  alertId: z.string(),
  rule: AlertRuleSchema,
  severity: SeveritySchema,
  subject: AlertSubjectSchema,
  summary: z.string(),
  detail: z.nullable(z.string()),
  since: z.nullable(z.int()),
  link: z.string(),
})

export const EvaluationSchema = z.object({
  conditions: z.array(ConditionSchema),
  held: z.object({ ids: z.array(z.string()), rules: z.array(AlertRuleSchema) }),
  subjects: z.record(z.string(), z.enum(['watched', 'excluded'])),
  /** Absent from an Evaluation stored before it existed: none until the next refresh. */
  excluded: z._default(z.array(ExcludedSubjectSchema), () => []),
  rules: z.array(AlertRuleSchema),
  off: z.record(z.string(), z.enum(['disabled', 'replaced'])),
})

const ReportSummarySchema = z.object({
  every: z.enum(['daily', 'weekly']),
  scheduledAt: z.int(),
  text: z.string(),
  parts: z.array(z.string()),
  guests: z.int(),
  fresh: z.int(),
  missed: z.int(),
  never: z.int(),
  failedJobs: z.array(z.string()),
  stores: z.array(
    z.object({ key: z.string(), name: z.string(), estimatedFull: z.int(), days: z.int() }),
  ),
  hasData: z.boolean(),
})

export const DigestSchema = z.object({
  messageId: z.string(),
  channelId: z.string(),
  at: z.int(),
  events: z.array(AlertEventSchema),
  dashboardLink: z.string(),
  firing: z.object({ warning: z.int(), critical: z.int() }),
  report: z.optional(ReportSummarySchema),
})

/** A digest persisted before it is sent (a crash re-sends it), until it is sent or given up. */
export const DeliverySchema = z.object({
  digest: DigestSchema,
  /** Attempts made so far: 0 until the first one. */
  attempt: z.int(),
  /** Epoch seconds of the next attempt. */
  due: z.int(),
})

export type Delivery = z.infer<typeof DeliverySchema>

// The schemas and the engine's interfaces describe the same things: fail to compile on drift.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
const evaluationMatches: Same<z.infer<typeof EvaluationSchema>, Evaluation> = true
const digestMatches: Same<z.infer<typeof DigestSchema>, Digest> = true
void evaluationMatches
void digestMatches
