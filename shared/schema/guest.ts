// The public guest record: the design note's enhanced structure (guestId, guestName,
// latestBackupTime, latestTimes, backupDates[].timestamps) plus identity and details.
// All times are epoch seconds. Defined once; the Worker writes it, the page parses it.
import * as z from 'zod/mini'

export const GuestTypeSchema = z.enum(['qemu', 'lxc'])

const Epoch = z.int()
const NullableEpoch = z.nullable(z.int())

export const LatestTimesSchema = z.object({
  pve: NullableEpoch,
  pbs: NullableEpoch,
  snapshots: NullableEpoch,
})

/**
 * Bytes of the newest finished backup per type (the one `latestTimes` names); null when there
 * is none or it has no size. PBS sizes are logical (full disk), not deduplicated. Guest
 * snapshots have no size in the PVE API, so they have no entry.
 */
export const LatestSizesSchema = z.object({
  pve: z.nullable(z.number()),
  pbs: z.nullable(z.number()),
})

export const BACKUP_DATE_TYPES = ['pveBackups', 'pbsSnapshots', 'vmSnapshots'] as const

export const BackupDateSchema = z.object({
  /** UTC calendar day (YYYY-MM-DD); the page re-buckets `timestamps` in the viewer's zone. */
  date: z.string(),
  types: z.array(z.enum(BACKUP_DATE_TYPES)),
  count: z.int(),
  timestamps: z.object({
    pveBackups: z.array(Epoch),
    pbsSnapshots: z.array(Epoch),
    vmSnapshots: z.array(Epoch),
  }),
})

export const BackupKindSchema = z.enum(['pve', 'pbs', 'snapshot'])

export const BackupDetailSchema = z.object({
  kind: BackupKindSchema,
  time: Epoch,
  /** Storage id for PVE archives and snapshots' node, `datastore/namespace` for PBS. */
  location: z.string(),
  /** Node holding a node-local archive, or the node of a snapshot. */
  node: z.optional(z.string()),
  /** Bytes; PBS sizes are logical (full disk), not deduplicated. */
  size: z.optional(z.number()),
  verification: z.optional(z.enum(['ok', 'failed'])),
  protected: z.boolean(),
  notes: z.optional(z.string()),
  /** Snapshot name, PVE volid or PBS `type/id/time` path. */
  name: z.string(),
  /** Running or aborted; never counts as the latest. */
  inProgress: z.boolean(),
})

export const JobOutcomeSchema = z.enum(['ok', 'warning', 'failed', 'running'])

export const LastJobSchema = z.object({
  outcome: JobOutcomeSchema,
  /** Task start (running) or end (finished). */
  time: Epoch,
  node: z.string(),
  error: z.optional(z.string()),
})

/**
 * Due / missed from Proxmox's own schedules, for a guest some enabled job covers: `ok` when a
 * backup on the job's storage is newer than the previous scheduled run; `due` after that run
 * until its deadline (run + grace); `missed` once the deadline passed with no such backup.
 */
export const ScheduleStateSchema = z.enum(['ok', 'due', 'missed'])

export const GuestScheduleSchema = z.object({
  state: ScheduleStateSchema,
  /** Keys (`cluster/id`) of the enabled jobs that cover the guest. */
  jobs: z.array(z.string()),
  /**
   * The scheduled run (before now) that decides the state: of the job in the worst state (the
   * one whose deadline passed or passes first); when all are ok, the newest.
   */
  previousRun: NullableEpoch,
  /** Soonest next run of those jobs. */
  nextRun: NullableEpoch,
  /** previousRun + grace: missed after this without a new backup on the job's storage. */
  deadline: NullableEpoch,
  /** Since when it is missed (the deadline it passed); null unless missed. */
  missedSince: NullableEpoch,
})

/** Verification of the guest's PBS snapshots; null for a guest with none. */
export const GuestVerificationSchema = z.object({
  /** State of the newest finished snapshot: never verified is `none`. */
  latest: z.enum(['ok', 'failed', 'none']),
  /** Time of the newest snapshot that verified ok. */
  latestVerified: NullableEpoch,
})

const GuestCoreShape = {
  /** `cluster/vmid`: VMIDs are only unique per cluster. */
  key: z.string(),
  cluster: z.string(),
  clusterName: z.optional(z.string()),
  guestId: z.int(),
  /** null while PVE has no data for the guest (status "unknown"). */
  guestName: z.nullable(z.string()),
  type: GuestTypeSchema,
  node: z.string(),
  status: z.string(),
  template: z.boolean(),
  /** Newest PVE archive or PBS snapshot. Guest snapshots are not backups. */
  latestBackupTime: NullableEpoch,
  latestTimes: LatestTimesSchema,
  /** Optional while older stored indexes lack it (filled by the normalizer). */
  latestSizes: z.optional(LatestSizesSchema),
  lastJob: z.nullable(LastJobSchema),
  /** Whether any backup job covers the guest; null when PVE would not say. */
  covered: z.nullable(z.boolean()),
  /** A backup of this guest is running now. */
  backingUp: z.boolean(),
  /** PBS snapshots of this VMID that could not be attributed to one cluster. */
  ambiguousSnapshots: z.int(),
  counts: z.object({ pve: z.int(), pbs: z.int(), snapshots: z.int() }),
  /** Null when no enabled job covers the guest (the age thresholds apply) or jobs are unknown. */
  schedule: z.optional(z.nullable(GuestScheduleSchema)),
  verification: z.optional(z.nullable(GuestVerificationSchema)),
  /** Proxmox tags and pool, for rules and filters. */
  tags: z.optional(z.array(z.string())),
  pool: z.optional(z.nullable(z.string())),
  /**
   * Comments of the guest's PBS backup groups (the first line of the group notes, not a
   * snapshot's comment), for alert exclusion by `no-monitor`. Absent until collected.
   */
  pbsGroupComments: z.optional(z.array(z.string())),
}

export const GuestSummarySchema = z.object(GuestCoreShape)

export const GuestRecordSchema = z.object({
  ...GuestCoreShape,
  backupDates: z.array(BackupDateSchema),
  backups: z.array(BackupDetailSchema),
})

const OrphanCoreShape = {
  /**
   * Stable id for the detail route /api/orphans/:key: `cluster/vmid` when the cluster is known,
   * otherwise `pbs/<source>/<store>/<namespace or ->/<vm|ct>/<id>` of the PBS group (a name
   * outside [A-Za-z0-9._-] escaped as `:` + 4 hex digits per UTF-16 unit).
   */
  key: z.string(),
  orphan: z.literal(true),
  /** Cluster whose storage holds it, or null for a PBS group with no cluster evidence. */
  cluster: z.nullable(z.string()),
  guestId: z.int(),
  type: z.nullable(GuestTypeSchema),
  latestBackupTime: Epoch,
  latestTimes: LatestTimesSchema,
  count: z.int(),
  locations: z.array(z.string()),
  /** For a PBS group not attributable to a cluster: where it is and who owns it. */
  pbsGroup: z.nullable(
    z.object({
      source: z.string(),
      datastore: z.string(),
      namespace: z.string(),
      owner: z.nullable(z.string()),
    }),
  ),
  /** As on a guest: its PBS groups' comments, for alert exclusion by `no-monitor`. */
  pbsGroupComments: z.optional(z.array(z.string())),
}

export const OrphanSchema = z.object(OrphanCoreShape)

export const OrphanRecordSchema = z.object({
  ...OrphanCoreShape,
  backupDates: z.array(BackupDateSchema),
  backups: z.array(BackupDetailSchema),
})

export const AmbiguousSchema = z.object({
  guestId: z.int(),
  type: GuestTypeSchema,
  /** PBS source id, datastore and namespace of the group. */
  source: z.string(),
  datastore: z.string(),
  namespace: z.string(),
  /** Clusters that have a guest with this VMID and type. */
  candidates: z.array(z.string()),
  latestBackupTime: Epoch,
  count: z.int(),
})

export type GuestType = z.infer<typeof GuestTypeSchema>
export type LatestTimes = z.infer<typeof LatestTimesSchema>
export type LatestSizes = z.infer<typeof LatestSizesSchema>
export type BackupDate = z.infer<typeof BackupDateSchema>
export type BackupDetail = z.infer<typeof BackupDetailSchema>
export type LastJob = z.infer<typeof LastJobSchema>
export type GuestSummary = z.infer<typeof GuestSummarySchema>
export type GuestRecord = z.infer<typeof GuestRecordSchema>
export type Orphan = z.infer<typeof OrphanSchema>
export type OrphanRecord = z.infer<typeof OrphanRecordSchema>
export type ScheduleState = z.infer<typeof ScheduleStateSchema>
export type GuestSchedule = z.infer<typeof GuestScheduleSchema>
export type GuestVerification = z.infer<typeof GuestVerificationSchema>
export type Ambiguous = z.infer<typeof AmbiguousSchema>
