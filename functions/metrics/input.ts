// What GET /metrics is made from: the read cache's three documents, the coordinator's status
// and counters, and the alerts firing now. Plain data, so the exposition is a pure function.

import type { GuestIndex } from '../../shared/schema/index.ts'
import type { JobsIndex } from '../../shared/schema/jobs.ts'
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { StorageIndex } from '../../shared/schema/storage.ts'
import type { Severity } from '../alerts/message.ts'
import type { Sample } from './exposition.ts'
import type { FamilyId, LabelOf } from './families.ts'

/** The least the alert engine must say about an alert firing now. */
export interface FiringAlert {
  /** Stable id per (rule, subject). */
  alertId: string
  rule: string
  severity: Severity
  /** The subject's key: a guest's is `cluster/vmid`, as in the guest index. */
  subjectKey: string
}

export interface MetricsInput {
  /** Epoch seconds of the scrape: ages are computed from it. */
  now: number
  index: GuestIndex
  jobs: JobsIndex
  storage: StorageIndex
  /** Every configured source (a never-refreshed one included). */
  sources: readonly SourceStatus[]
  lastRefresh: { finishedAt: number } | null
  /** Monotonic counters kept by the coordinator; null while it does not count them. */
  counters: { refreshes: number | null; notificationsSent: number | null }
  firing: readonly FiringAlert[]
}

/** Samples per family, filled by the builders and written in the catalogue's order. */
export type Samples = { [Id in FamilyId]: Sample<LabelOf<Id>>[] }
