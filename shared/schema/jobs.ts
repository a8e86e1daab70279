// GET /api/jobs: the backup jobs behind the backups — PVE vzdump jobs (/cluster/backup) with
// what they cover and how their last run went, and PBS verify / prune / sync / GC jobs.
// All times are epoch seconds. Defined once; the Worker writes it, the page parses it.
import * as z from 'zod/mini'

const Epoch = z.int()
const NullableEpoch = z.nullable(z.int())

/** How a run ended. `running` while it runs; `never` before a first run is seen. */
export const RunOutcomeSchema = z.enum(['ok', 'warning', 'failed', 'running', 'never'])

export const FailedGuestSchema = z.object({
  vmid: z.int(),
  /** The guest's key (`cluster/vmid`) when the guest still exists. */
  key: z.nullable(z.string()),
  error: z.string(),
})

/**
 * One run of a job: the vzdump tasks it started (one per node) taken together. PVE tasks carry
 * no job id (the worker id is the vmid of a lone guest, else empty), so runs are matched by node
 * and time (see matchedByTime).
 */
export const PveJobRunSchema = z.object({
  /** The task that decided the outcome (the worst; the newest of equals). */
  upid: z.string(),
  node: z.string(),
  start: Epoch,
  end: NullableEpoch,
  outcome: RunOutcomeSchema,
  /** PVE's status text ("OK", "job errors", "WARNINGS: 1", an error message). */
  status: z.string(),
  failed: z.array(FailedGuestSchema),
  /**
   * true: started on a node the job runs on just after one of its scheduled times; false: an
   * off-schedule run ("Run now") matched because it backed up exactly the job's guests there.
   */
  matchedByTime: z.boolean(),
})

export const PveJobSelectionSchema = z.object({
  /** `all`, an explicit `vmid` list, or a `pool`. */
  mode: z.enum(['all', 'vmids', 'pool']),
  vmids: z.array(z.int()),
  pool: z.nullable(z.string()),
  exclude: z.array(z.int()),
  /** Only guests on this node (job `node`). */
  node: z.nullable(z.string()),
})

export const PveBackupJobSchema = z.object({
  /** `cluster/id`: job ids are only unique per cluster. */
  key: z.string(),
  cluster: z.string(),
  id: z.string(),
  enabled: z.boolean(),
  /** PVE calendar event as configured (node local time unless it ends in ` UTC`). */
  schedule: z.nullable(z.string()),
  /** PVE's own next run; null for a disabled job. */
  nextRun: NullableEpoch,
  /** The scheduled run before now, from /cluster/jobs/schedule-analyze; null when unknown. */
  previousRun: NullableEpoch,
  storage: z.nullable(z.string()),
  mode: z.nullable(z.string()),
  selection: PveJobSelectionSchema,
  comment: z.nullable(z.string()),
  notificationMode: z.nullable(z.string()),
  /** Keys (`cluster/vmid`) of the existing guests the job covers now. */
  covers: z.array(z.string()),
  lastRun: z.nullable(PveJobRunSchema),
  /** Usual duration of a run in seconds (median of the runs seen), null before one ended. */
  typicalDuration: z.nullable(z.int()),
})

export const PbsJobKindSchema = z.enum(['verify', 'prune', 'sync', 'gc'])

export const PbsJobSchema = z.object({
  /** `source/kind/id`. */
  key: z.string(),
  source: z.string(),
  kind: PbsJobKindSchema,
  id: z.string(),
  store: z.string(),
  schedule: z.nullable(z.string()),
  nextRun: NullableEpoch,
  lastRunEnd: NullableEpoch,
  /** PBS's text as sent: `OK`, `WARNINGS: n` or the bare error text. */
  lastRunState: z.nullable(z.string()),
  outcome: RunOutcomeSchema,
  /** n of `WARNINGS: n`; 0 otherwise. */
  warnings: z.int(),
  /** The error text when outcome is `failed`. */
  error: z.nullable(z.string()),
  comment: z.nullable(z.string()),
})

export const JobsIndexSchema = z.object({
  pve: z.array(PveBackupJobSchema),
  pbs: z.array(PbsJobSchema),
})

export type RunOutcome = z.infer<typeof RunOutcomeSchema>
export type FailedGuest = z.infer<typeof FailedGuestSchema>
export type PveJobRun = z.infer<typeof PveJobRunSchema>
export type PveJobSelection = z.infer<typeof PveJobSelectionSchema>
export type PveBackupJob = z.infer<typeof PveBackupJobSchema>
export type PbsJobKind = z.infer<typeof PbsJobKindSchema>
export type PbsJob = z.infer<typeof PbsJobSchema>
export type JobsIndex = z.infer<typeof JobsIndexSchema>
