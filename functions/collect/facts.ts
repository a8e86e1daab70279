// What collectors hand to the normalizer: validated, typed facts exactly as Proxmox reported
// them, one set per source, before any attribution to guests. Plain data, stored by the
// coordinator as JSON and parsed back with these same schemas: each fact type is defined once,
// here, as a schema, and its TypeScript type is inferred from it.
import * as z from 'zod'

const int = z.int()
const GuestTypeSchema = z.enum(['qemu', 'lxc'])
export type GuestType = z.infer<typeof GuestTypeSchema>

const PbsTargetSchema = z.object({
  server: z.string(),
  datastore: z.string(),
  namespace: z.string(),
  username: z.string().optional(),
})

const PveGuestFactSchema = z.object({
  vmid: int,
  type: GuestTypeSchema,
  /** Current node. */
  node: z.string(),
  /** Absent while PVE has no RRD data for the guest (status "unknown"). */
  name: z.string().optional(),
  status: z.string(),
  template: z.boolean(),
  /** e.g. "backup" while vzdump runs. */
  lock: z.string().optional(),
  /** PVE's tag string as sent (`;`-separated). */
  tags: z.string().optional(),
  /** The resource pool; absent when the guest is in none or the token lacks Pool.Audit. */
  pool: z.string().optional(),
})
export type PveGuestFact = z.infer<typeof PveGuestFactSchema>

const PveStorageFactSchema = z.object({
  storage: z.string(),
  /** Plugin type: dir, nfs, cifs, pbs, cephfs, ... Classification is by this, never by name. */
  type: z.string(),
  shared: z.boolean(),
  /** For type "pbs" only. */
  pbs: PbsTargetSchema.optional(),
})
export type PveStorageFact = z.infer<typeof PveStorageFactSchema>

/**
 * A storage entry of /cluster/resources for a storage that holds backups (content `backup`, or
 * plugin type `pbs`): one per node it is enabled on, with that node's usage figures.
 */
const PveStorageEntryFactSchema = z.object({
  storage: z.string(),
  node: z.string(),
  /** "available" while the node reports it active; "unknown" (no figures) otherwise. */
  status: z.string(),
  /** `plugintype`; absent when PVE did not send it. */
  type: z.string().optional(),
  shared: z.boolean(),
  /** Bytes (`disk`, `maxdisk`); absent while the node reports no figures. */
  used: z.number().optional(),
  total: z.number().optional(),
})
export type PveStorageEntryFact = z.infer<typeof PveStorageEntryFactSchema>

/**
 * What the token may do, from one GET /access/permissions (PVE and PBS answer alike): ACL path
 * → privilege → whether it propagates to the paths below. Rechecked now and then, carried in
 * between (see collect/token-permissions.ts).
 */
const TokenPermissionsFactSchema = z.object({
  /** Epoch seconds of the call. */
  checkedAt: int,
  /** Null when the call failed; `error` then says how. */
  paths: z.record(z.string(), z.record(z.string(), z.boolean())).nullable(),
  error: z.string().optional(),
  /** The call was refused (403): the fallback heuristics stand in for it. */
  refused: z.boolean().optional(),
})
export type TokenPermissionsFact = z.infer<typeof TokenPermissionsFactSchema>

const PveBackupFactSchema = z.object({
  volid: z.string(),
  storage: z.string(),
  storageType: z.string(),
  shared: z.boolean(),
  /** The node whose listing returned it; for a non-shared storage, the node that holds it. */
  node: z.string(),
  vmid: int,
  guestType: GuestTypeSchema.nullable(),
  /** Epoch seconds (PVE `ctime`; for PBS-type storages the PBS backup-time). */
  ctime: int,
  size: z.number().optional(),
  notes: z.string().optional(),
  protected: z.boolean(),
  verification: z.enum(['ok', 'failed']).optional(),
  format: z.string(),
  /** PBS-type storage listing: size 1 (no manifest yet). */
  inProgress: z.boolean(),
  /** Set for items listed through a PVE storage of type "pbs". */
  pbs: PbsTargetSchema.optional(),
})
export type PveBackupFact = z.infer<typeof PveBackupFactSchema>

const PveSnapshotFactSchema = z.object({
  vmid: int,
  guestType: GuestTypeSchema,
  node: z.string(),
  name: z.string(),
  /** Epoch seconds; PVE sends 0 when unknown. */
  snaptime: int,
  description: z.string(),
  vmstate: z.boolean(),
})
export type PveSnapshotFact = z.infer<typeof PveSnapshotFactSchema>

const TaskOutcomeSchema = z.enum(['ok', 'warning', 'failed', 'running', 'unknown'])
export type TaskOutcome = z.infer<typeof TaskOutcomeSchema>

const PveGuestTaskResultSchema = z.object({
  vmid: int,
  outcome: z.enum(['ok', 'failed', 'running']),
  error: z.string().optional(),
  /** How long its backup took, from the log's `Finished Backup of VM n (HH:MM:SS)`. */
  seconds: int.optional(),
})
export type PveGuestTaskResult = z.infer<typeof PveGuestTaskResultSchema>

const PveTaskFactSchema = z.object({
  upid: z.string(),
  node: z.string(),
  starttime: int,
  endtime: int.optional(),
  outcome: TaskOutcomeSchema,
  /** PVE's status text: "OK", "WARNINGS: 2", "job errors", an error message, "RUNNING". */
  status: z.string(),
  /** The vmid for single-guest tasks, "" for multi-guest jobs. */
  id: z.string(),
  /** Per-guest results from the task log (multi-guest jobs) or from the task itself. */
  guests: z.array(PveGuestTaskResultSchema),
  /** The log of this multi-guest task has been read (its `guests` are final once it ended). */
  logRead: z.boolean().optional(),
})
export type PveTaskFact = z.infer<typeof PveTaskFactSchema>

/** A vzdump backup job of /cluster/backup: what it selects, where and when. */
const PveBackupJobFactSchema = z.object({
  id: z.string(),
  enabled: z.boolean(),
  /** PVE calendar event (node local time unless it ends in ` UTC`). */
  schedule: z.string().optional(),
  /** PVE's `next-run`, computed by the answering node. */
  nextRun: int.optional(),
  storage: z.string().optional(),
  mode: z.string().optional(),
  /** Selection as vzdump reads it: `pool`, else `vmids`, else `all` minus `exclude`. */
  all: z.boolean(),
  vmids: z.array(int),
  exclude: z.array(int),
  pool: z.string().optional(),
  /** Only guests currently on this node. */
  node: z.string().optional(),
  comment: z.string().optional(),
  notificationMode: z.string().optional(),
})
export type PveBackupJobFact = z.infer<typeof PveBackupJobFactSchema>

/**
 * PVE's own runs of one calendar event (/cluster/jobs/schedule-analyze from a start in the
 * past), oldest first; kept across runs until the schedule changes or no run is left after now.
 */
const PveScheduleRunsFactSchema = z.object({ schedule: z.string(), runs: z.array(int) })
export type PveScheduleRunsFact = z.infer<typeof PveScheduleRunsFactSchema>

export const PveFactsSchema = z.object({
  kind: z.literal('pve'),
  sourceId: z.string(),
  /** From /cluster/status; absent for a standalone node. */
  clusterName: z.string().optional(),
  collectedAt: int,
  nodes: z.array(z.object({ name: z.string(), online: z.boolean() })),
  guests: z.array(PveGuestFactSchema),
  storages: z.array(PveStorageFactSchema),
  /** Usage per node of the backup storages; absent in facts stored by older releases. */
  storageEntries: z.array(PveStorageEntryFactSchema).optional(),
  /** Absent until the first check (and in facts stored by older releases). */
  permissions: TokenPermissionsFactSchema.optional(),
  /** Shared storages appear once (listed from one node); local ones once per node. */
  backups: z.array(PveBackupFactSchema),
  snapshots: z.array(PveSnapshotFactSchema),
  tasks: z.array(PveTaskFactSchema),
  /** VMIDs no backup job covers; null when PVE would not say (permission, error). */
  notBackedUp: z.array(z.object({ vmid: int, type: GuestTypeSchema })).nullable(),
  /** vzdump jobs; null when PVE would not say (no Sys.Audit), absent in older facts. */
  backupJobs: z.array(PveBackupJobFactSchema).nullable().optional(),
  /** Runs of each distinct schedule of the enabled jobs. */
  schedules: z.array(PveScheduleRunsFactSchema).optional(),
  /** Pools /cluster/resources listed (each needs Pool.Audit): membership is known for these. */
  pools: z.array(z.string()).optional(),
  /** Non-fatal problems: an offline node, one storage that failed to list, dropped items. */
  warnings: z.array(z.string()),
  /**
   * Work units skipped because the invocation's subrequest budget ran out; their previous
   * facts were kept, and the next run does them first (a continuation does only them):
   * `content:<node>/<storage>`, `snapshots:<type>/<vmid>`, `tasks:<node>` (the node's own task
   * list and its job logs), `logs:<node>` (job logs only), `schedules` (the job schedules' runs
   * not yet asked for), or `base` (the cluster-wide calls:
   * nothing of the run was used, these are the previous facts as they were).
   */
  deferred: z.array(z.string()),
})
export type PveFacts = z.infer<typeof PveFactsSchema>

const PbsBackupTypeSchema = z.enum(['vm', 'ct', 'host'])

const PbsSnapshotFactSchema = z.object({
  datastore: z.string(),
  /** "" is the root namespace. */
  namespace: z.string(),
  backupType: PbsBackupTypeSchema,
  backupId: z.string(),
  backupTime: int,
  size: z.number().optional(),
  /** No size and no index.json.blob: still running or aborted. */
  inProgress: z.boolean(),
  owner: z.string().optional(),
  protected: z.boolean(),
  comment: z.string().optional(),
  verification: z.enum(['ok', 'failed']).optional(),
})
export type PbsSnapshotFact = z.infer<typeof PbsSnapshotFactSchema>

/** Derived from the group's snapshots (one listing per namespace), not listed separately. */
const PbsGroupFactSchema = z.object({
  datastore: z.string(),
  namespace: z.string(),
  backupType: PbsBackupTypeSchema,
  backupId: z.string(),
  /** Newest finished snapshot (PBS 4 `last-backup`); only unfinished ones: the newest. */
  lastBackup: int,
  backupCount: int,
  owner: z.string().optional(),
})
export type PbsGroupFact = z.infer<typeof PbsGroupFactSchema>

/**
 * The group comments of one namespace, from GET /admin/datastore/{store}/groups?ns=… (the first
 * line of each group's notes: a snapshot's comment is its own). Read on the first run, then
 * again once an hour old, on a manual refresh, or after a failed call; carried in between (see
 * collect/pbs-group-comments.ts).
 */
const PbsGroupCommentsFactSchema = z.object({
  datastore: z.string(),
  namespace: z.string(),
  /** Epoch seconds of the answer the comments come from. */
  checkedAt: int,
  /** The groups that have a comment, sorted by type, then id. */
  groups: z.array(
    z.object({ backupType: PbsBackupTypeSchema, backupId: z.string(), comment: z.string() }),
  ),
  /** The last call failed (how): `groups` are the answer before it; asked again next run. */
  error: z.string().optional(),
})
export type PbsGroupCommentsFact = z.infer<typeof PbsGroupCommentsFactSchema>

/**
 * A datastore as /admin/datastore last described it. `held`: PBS refuses reads there
 * (maintenance, not mounted), so it was not listed and its namespaces and snapshots are the
 * last good ones. `since` in both is when a pass first saw the store in that mode.
 */
const PbsDatastoreFactSchema = z.object({
  store: z.string(),
  namespaces: z.array(z.string()),
  comment: z.string().optional(),
  maintenance: z
    .object({ type: z.string(), message: z.string().optional(), since: int })
    .optional(),
  /** `mounted`, `notmounted`, `nonremovable` (PBS ≥ 3.3). */
  mountStatus: z.string().optional(),
  /** `filesystem`, `s3` (PBS ≥ 4.0). */
  backend: z.string().optional(),
  /** `mode` tells one cause from another (`maintenance:offline`, `notmounted`) for `since`. */
  held: z.object({ mode: z.string(), reason: z.string(), since: int }).optional(),
})
export type PbsDatastoreFact = z.infer<typeof PbsDatastoreFactSchema>

/** One store of /status/datastore-usage; no sizes and an `error` when PBS could not look. */
const PbsUsageFactSchema = z.object({
  store: z.string(),
  total: z.number().optional(),
  used: z.number().optional(),
  avail: z.number().optional(),
  /** PBS's linear fit, as sent (0 or a past time: not growing). */
  estimatedFull: int.optional(),
  error: z.string().optional(),
})
export type PbsUsageFact = z.infer<typeof PbsUsageFactSchema>

/** A verify, prune or sync job, or a datastore's GC (id = store), with its schedule status. */
const PbsJobFactSchema = z.object({
  kind: z.enum(['verify', 'prune', 'sync', 'gc']),
  id: z.string(),
  store: z.string(),
  schedule: z.string().optional(),
  nextRun: int.optional(),
  lastRunEnd: int.optional(),
  /** As sent: `OK`, `WARNINGS: n` or the bare error text. */
  lastRunState: z.string().optional(),
  /** Verify/prune/sync: the run's UPID; GC: the last finished run's. */
  lastRunUpid: z.string().optional(),
  comment: z.string().optional(),
  disabled: z.boolean().optional(),
  /** GC only: bytes removed and pending by the last run. */
  removedBytes: z.number().optional(),
  pendingBytes: z.number().optional(),
})
export type PbsJobFact = z.infer<typeof PbsJobFactSchema>

export const PbsFactsSchema = z.object({
  kind: z.literal('pbs'),
  sourceId: z.string(),
  /** Host part of the PBS URL, to match PVE `pbs` storages' `server`. */
  host: z.string(),
  /** Every name PVE may use for this server: `host` plus the configured pveServerNames. */
  serverNames: z.array(z.string()),
  collectedAt: int,
  datastores: z.array(PbsDatastoreFactSchema),
  groups: z.array(PbsGroupFactSchema),
  snapshots: z.array(PbsSnapshotFactSchema),
  /** Per namespace, sorted by datastore, then namespace; absent in facts of older releases. */
  groupComments: z.array(PbsGroupCommentsFactSchema).optional(),
  /** Datastore usage and jobs (functions/collect/pbs-health.ts); absent in older facts. */
  usage: z.array(PbsUsageFactSchema).optional(),
  jobs: z.array(PbsJobFactSchema).optional(),
  /** As in PveFacts. */
  permissions: TokenPermissionsFactSchema.optional(),
  warnings: z.array(z.string()),
  /**
   * As in PveFacts: `snapshots:<store>/<ns>` listings, `groups:<store>/<ns>` group comments,
   * `health`, or `base`, for the next run.
   */
  deferred: z.array(z.string()),
})
export type PbsFacts = z.infer<typeof PbsFactsSchema>

export const SourceFactsSchema = z.discriminatedUnion('kind', [PveFactsSchema, PbsFactsSchema])
export type SourceFacts = z.infer<typeof SourceFactsSchema>
