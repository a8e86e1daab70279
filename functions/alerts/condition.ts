// What the rules read (the published records) and what they answer: the conditions that hold
// now, and what the lifecycle must know to tell "cleared" from "cannot tell" and "gone".
import type {
  AlertRule,
  AlertSubjectView,
  ExcludedSubject,
  Resolution,
  Severity,
} from '../../shared/schema/alerts.ts'
import type { GuestSummary, Orphan } from '../../shared/schema/guest.ts'
import type { JobsIndex } from '../../shared/schema/jobs.ts'
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { StorageIndex } from '../../shared/schema/storage.ts'

export interface EvaluationInput {
  guests: readonly GuestSummary[]
  orphans: readonly Orphan[]
  /** Null while not yet known: every job alert is then held, none resolves. */
  jobs: JobsIndex | null
  /** Null while not yet known: every store alert is then held, none resolves. */
  storage: StorageIndex | null
  sources: readonly SourceStatus[]
  /** Absolute base URL of the dashboard, e.g. `https://pulse.example.com`. */
  dashboardBaseUrl: string
}

/** One thing wrong now, about one subject. */
export interface Condition {
  /** `<rule>:<subject key>`: stable across evaluations. */
  alertId: string
  rule: AlertRule
  severity: Severity
  subject: AlertSubjectView
  summary: string
  detail: string | null
  /** When the condition began, when the data says (a deadline, a failed run); else null. */
  since: number | null
  link: string
}

/** Why an alert whose condition is gone closes without a "resolved" notification. */
export type SilentResolution = Exclude<Resolution, 'ok'>

export interface Evaluation {
  conditions: Condition[]
  /**
   * Alerts whose truth cannot be told now — a backup of the guest is running, a job is
   * running, the data comes from a source that is unexpectedly stale or not yet read: their
   * state is kept as it is (a firing one stays firing, nothing new fires).
   */
  held: { ids: string[]; rules: AlertRule[] }
  /** Every subject that exists, by `<kind>:<key>`: watched, or excluded from alerting. */
  subjects: Record<string, 'watched' | 'excluded'>
  /** The excluded ones, each with why (scope.ts), by kind then key: the Alerts view lists them. */
  excluded: ExcludedSubject[]
  /** Rules switched on. */
  rules: AlertRule[]
  /** Alerts not evaluated for a subject by configuration (an override, a job's schedule). */
  off: Record<string, Extract<SilentResolution, 'disabled' | 'replaced'>>
}

export function alertId(rule: AlertRule, subjectKey: string): string {
  return `${rule}:${subjectKey}`
}

export function subjectRef(subject: { kind: string; key: string }): string {
  return `${subject.kind}:${subject.key}`
}
