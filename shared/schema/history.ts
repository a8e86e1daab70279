// The backup record over time, as the coordinator's history keeps it (GET /api/history/…).
// History outlives storage: a backup prune removed stays, marked pruned with when it was last
// seen. All times are epoch seconds; calendar days are the viewer's (the page buckets times,
// and /api/history/activity buckets in the `tz` it is asked for). Defined once; the Worker
// writes it, the page parses it.
import * as z from 'zod/mini'
import {
  BackupKindSchema,
  GuestTypeSchema,
  JobOutcomeSchema,
  ScheduleStateSchema,
} from './guest.ts'

const Epoch = z.int()
const NullableEpoch = z.nullable(z.int())

export const HistoryBackupSchema = z.object({
  kind: BackupKindSchema,
  time: Epoch,
  /** As in the guest record: storage id, `datastore/namespace` for PBS, node for snapshots. */
  location: z.string(),
  node: z.nullable(z.string()),
  /** Snapshot name, PVE volid or PBS `type/id/time` path. */
  name: z.string(),
  size: z.nullable(z.number()),
  verification: z.nullable(z.enum(['ok', 'failed'])),
  protected: z.boolean(),
  notes: z.nullable(z.string()),
  /** From the vzdump task that made it, when known. */
  durationSeconds: z.nullable(z.int()),
  firstSeen: Epoch,
  lastSeen: Epoch,
  /** No longer on storage (prune, manual delete): lastSeen is when it was last there. */
  pruned: z.boolean(),
})

export const HistoryJobRunSchema = z.object({
  /** Job key (`cluster/id`), null for a "Run now" or a run no job could be matched to. */
  job: z.nullable(z.string()),
  node: z.string(),
  start: Epoch,
  end: NullableEpoch,
  outcome: JobOutcomeSchema,
  /** The guest's error text in that run, when it failed. */
  error: z.nullable(z.string()),
})

/** GET /api/history/guests/:cluster/:vmid?days=N (default: the whole retention). */
export const GuestHistoryResponseSchema = z.object({
  key: z.string(),
  from: Epoch,
  to: Epoch,
  /** Oldest first. */
  backups: z.array(HistoryBackupSchema),
  /** This guest's runs, oldest first. */
  runs: z.array(HistoryJobRunSchema),
  summary: z.object({
    /** Backups still on storage (restore points), all kinds but snapshots. */
    restorePoints: z.int(),
    /** Oldest restore point still on storage. */
    oldestRestorePoint: NullableEpoch,
    /** Backups (not snapshots) history holds that are no longer on storage. */
    pruned: z.int(),
    /** First backup history holds for the guest: the oldest backup's time (not snapshots). */
    firstSeen: NullableEpoch,
  }),
  retentionDays: z.int(),
})

/**
 * One type's counts on one calendar day, from what history holds (README "History"):
 * `ok` backups made that day (each restore point, those pruned since included; a snapshot
 * counts under snapshots); `failed` guests whose backup failed in a vzdump run that started that
 * day (counted under the type of the job's target storage, PVE when it is unknown); `missed`
 * guests whose scheduled run that day passed its deadline with no new backup (the type of the
 * job that missed). Snapshots are never scheduled: their failed and missed are always 0.
 */
export const ActivityCountsSchema = z.object({
  ok: z.int(),
  failed: z.int(),
  missed: z.int(),
})

export const ActivityDaySchema = z.object({
  /** Calendar day (YYYY-MM-DD) in the response's time zone. */
  date: z.string(),
  pve: ActivityCountsSchema,
  pbs: ActivityCountsSchema,
  snapshots: ActivityCountsSchema,
})

export const ACTIVITY_RANGES = [7, 30, 90, 365] as const

/** GET /api/history/activity?days=7|30|90|365&tz=<IANA zone>: fleet backups per day. */
export const ActivityResponseSchema = z.object({
  days: z.int(),
  timeZone: z.string(),
  from: Epoch,
  to: Epoch,
  /** One entry per calendar day, oldest first, days with nothing included (zeros). */
  series: z.array(ActivityDaySchema),
})

export const UsagePointSchema = z.object({ at: Epoch, used: z.number(), total: z.number() })

export const StorageTrendSchema = z.object({
  /** As in /api/storage: a storage's or datastore's key. */
  key: z.string(),
  kind: z.enum(['storage', 'datastore']),
  name: z.string(),
  /** Oldest first. */
  samples: z.array(UsagePointSchema),
  /** Estimated full date as /api/storage states it now; null when none. */
  estimatedFull: NullableEpoch,
})

/** GET /api/history/storage?days=N: usage over time of every storage and datastore. */
export const StorageTrendsResponseSchema = z.object({
  from: Epoch,
  to: Epoch,
  trends: z.array(StorageTrendSchema),
})

/** A guest's newest backup of one type, as the inventory export lists it. */
export const InventoryBackupSchema = z.object({
  time: Epoch,
  location: z.string(),
  node: z.nullable(z.string()),
  name: z.string(),
  size: z.nullable(z.number()),
  verification: z.nullable(z.enum(['ok', 'failed'])),
  protected: z.boolean(),
})

export const InventoryEntrySchema = z.object({
  /** `cluster/vmid`, or an orphan's key. */
  key: z.string(),
  cluster: z.nullable(z.string()),
  vmid: z.int(),
  name: z.nullable(z.string()),
  type: z.nullable(GuestTypeSchema),
  node: z.nullable(z.string()),
  pool: z.nullable(z.string()),
  tags: z.array(z.string()),
  /** Backups of a guest that no longer exists. */
  orphan: z.boolean(),
  template: z.boolean(),
  /** Keys of the enabled jobs covering it. */
  jobs: z.array(z.string()),
  schedule: z.nullable(ScheduleStateSchema),
  lastJob: z.nullable(
    z.object({ outcome: JobOutcomeSchema, time: Epoch, error: z.nullable(z.string()) }),
  ),
  newest: z.object({
    pve: z.nullable(InventoryBackupSchema),
    pbs: z.nullable(InventoryBackupSchema),
    snapshot: z.nullable(InventoryBackupSchema),
  }),
})

/** GET /api/export/inventory.json (and .csv): each guest and orphan with its newest backups. */
export const InventoryResponseSchema = z.object({
  generatedAt: Epoch,
  guests: z.array(InventoryEntrySchema),
})

export type HistoryBackup = z.infer<typeof HistoryBackupSchema>
export type HistoryJobRun = z.infer<typeof HistoryJobRunSchema>
export type GuestHistoryResponse = z.infer<typeof GuestHistoryResponseSchema>
export type ActivityCounts = z.infer<typeof ActivityCountsSchema>
export type ActivityDay = z.infer<typeof ActivityDaySchema>
export type ActivityResponse = z.infer<typeof ActivityResponseSchema>
export type UsagePoint = z.infer<typeof UsagePointSchema>
export type StorageTrend = z.infer<typeof StorageTrendSchema>
export type StorageTrendsResponse = z.infer<typeof StorageTrendsResponseSchema>
export type InventoryBackup = z.infer<typeof InventoryBackupSchema>
export type InventoryEntry = z.infer<typeof InventoryEntrySchema>
export type InventoryResponse = z.infer<typeof InventoryResponseSchema>
