// GET /api/storage: where backups are kept and how full it is — PVE backup storages (a shared
// one once) and PBS datastores with maintenance, mount state and garbage collection.
// All times are epoch seconds, sizes bytes.
import * as z from 'zod/mini'

const NullableEpoch = z.nullable(z.int())
const NullableBytes = z.nullable(z.number())

export const BackupStorageSchema = z.object({
  /** `cluster/storage` for a shared storage, `cluster/node/storage` for a node-local one. */
  key: z.string(),
  cluster: z.string(),
  storage: z.string(),
  type: z.string(),
  shared: z.boolean(),
  /** Nodes that report it (one for a local storage). */
  nodes: z.array(z.string()),
  used: NullableBytes,
  total: NullableBytes,
  /** Least-squares fit over the samples the coordinator kept; null while too few or not growing. */
  estimatedFull: NullableEpoch,
  /** Samples behind the estimate. */
  samples: z.int(),
  /** PVE reports it active (mounted / reachable). */
  active: z.nullable(z.boolean()),
})

export const MaintenanceSchema = z.object({
  /** `read-only`, `offline`, `unmount`, ... as PBS sends it. */
  type: z.string(),
  message: z.nullable(z.string()),
  /** When Pulse Edge first saw it in this mode. */
  since: z.int(),
})

export const GcStatusSchema = z.object({
  /** PBS's last GC state text (`OK`, `WARNINGS: n`, error text) or null if never run. */
  lastRunState: z.nullable(z.string()),
  outcome: z.enum(['ok', 'warning', 'failed', 'running', 'never']),
  lastRunEnd: NullableEpoch,
  nextRun: NullableEpoch,
  schedule: z.nullable(z.string()),
  /** Bytes removed / pending by the last GC, when sent. */
  removedBytes: NullableBytes,
  pendingBytes: NullableBytes,
})

export const DatastoreSchema = z.object({
  /** `source/store`. */
  key: z.string(),
  source: z.string(),
  store: z.string(),
  comment: z.nullable(z.string()),
  total: NullableBytes,
  used: NullableBytes,
  avail: NullableBytes,
  /**
   * PBS's own `estimated-full-date`; null when PBS has no estimate, or when it lies in the past
   * (PBS's way of saying usage is not growing).
   */
  estimatedFull: NullableEpoch,
  /** `error` of /status/datastore-usage for this store. */
  error: z.nullable(z.string()),
  maintenance: z.nullable(MaintenanceSchema),
  /** `mounted`, `notmounted`, `nonremovable` (PBS ≥ 3.3), null when not sent. */
  mountStatus: z.nullable(z.string()),
  /** `filesystem`, `s3` (PBS ≥ 4.0), null when not sent. */
  backend: z.nullable(z.string()),
  gc: z.nullable(GcStatusSchema),
  /** Its snapshots are the last good ones, kept while it cannot be listed. */
  held: z.nullable(z.object({ reason: z.string(), since: z.int() })),
})

export const StorageIndexSchema = z.object({
  storages: z.array(BackupStorageSchema),
  datastores: z.array(DatastoreSchema),
})

export type BackupStorage = z.infer<typeof BackupStorageSchema>
export type Maintenance = z.infer<typeof MaintenanceSchema>
export type GcStatus = z.infer<typeof GcStatusSchema>
export type Datastore = z.infer<typeof DatastoreSchema>
export type StorageIndex = z.infer<typeof StorageIndexSchema>
