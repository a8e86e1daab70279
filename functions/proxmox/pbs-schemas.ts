// Raw PBS response shapes (proxmox-api.md §2): serde-strict upstream, but we still read
// only what we use and ignore the rest so a PBS upgrade cannot break collection.
import * as z from 'zod'
import { MAX_EPOCH } from '../epoch.ts'
import { pathSegment } from './lenient.ts'

/** Decoration that must never cost a datastore its listing: a bad value reads as absent. */
const optionalText = z.string().optional().catch(undefined)

export const PbsDatastoreSchema = z.object({
  store: pathSegment,
  /** `null` when the caller only has namespace-level privileges (proxmox-api.md §2.2). */
  comment: z.string().nullable().optional().catch(undefined),
  /** Property string, e.g. `type=offline,message=disk%20swap` (functions/collect/maintenance.ts). */
  maintenance: z.string().optional(),
  'mount-status': z.string().optional(),
  /** PBS ≥ 4.0: `filesystem` or `s3`. */
  'backend-type': optionalText,
})

const bytes = z.number().nonnegative()
const epoch = z.number().int()

/**
 * GET /status/datastore-usage, one item per datastore (pbs-api-types DataStoreStatusListItem):
 * sizes absent and `error` set when the store cannot be looked up (maintenance, not mounted).
 * `history` (a month of usage fractions) is not read. `estimated-full-date` is a linear fit:
 * 0 or a time in the past means usage is not growing.
 */
export const PbsDatastoreUsageSchema = z.object({
  store: z.string().min(1),
  total: bytes.optional(),
  used: bytes.optional(),
  avail: bytes.optional(),
  'estimated-full-date': epoch.optional(),
  error: z.string().optional(),
  'mount-status': optionalText,
  'backend-type': optionalText,
})

/** The schedule status every PBS job list flattens into its items (JobScheduleStatus). */
const jobScheduleStatus = {
  'next-run': epoch.optional(),
  /** `OK`, `WARNINGS: n`, `unknown` or the bare error text; absent before a finished run. */
  'last-run-state': z.string().optional(),
  /** Set while a run is going on, with no state yet. */
  'last-run-upid': z.string().optional(),
  'last-run-endtime': epoch.optional(),
}

/** Items of /admin/verify, /admin/prune and /admin/sync (…JobStatus: config + status). */
export const PbsJobStatusSchema = z.object({
  id: z.string().min(1),
  store: z.string().min(1),
  schedule: z.string().optional(),
  comment: optionalText,
  /** Prune jobs only; a disabled job has no next run. */
  disable: z.boolean().optional().catch(undefined),
  ...jobScheduleStatus,
})

/**
 * Items of /admin/gc (PBS ≥ 3.2, GarbageCollectionJobStatus: one per datastore it can look up,
 * the last GC's GarbageCollectionStatus flattened in). Its `upid` is the last finished GC.
 */
export const PbsGcJobSchema = z.object({
  store: z.string().min(1),
  schedule: z.string().optional(),
  'next-run': epoch.optional(),
  'last-run-state': z.string().optional(),
  'last-run-endtime': epoch.optional(),
  upid: z.string().optional(),
  'removed-bytes': bytes.optional(),
  'pending-bytes': bytes.optional(),
})

export const PbsNamespaceSchema = z.object({ ns: z.string() })

const BackupType = z.enum(['vm', 'ct', 'host'])

export const PbsGroupSchema = z.object({
  'backup-type': BackupType,
  'backup-id': z.string().min(1),
  'last-backup': z.number().int(),
  'backup-count': z.number().int().nonnegative(),
  owner: z.string().optional(),
  /** First line of the group's notes (not a snapshot's comment); a bad value reads as absent. */
  comment: optionalText,
})

export const PbsSnapshotSchema = z.object({
  'backup-type': BackupType,
  'backup-id': z.string().min(1),
  'backup-time': z.number().int().min(0).max(MAX_EPOCH),
  /**
   * Read only for the manifest's name (collect/pbs.ts fileNames): entries are `{filename, …}`
   * objects (strings in old PBS), checked there, so an entry of another shape costs nothing but
   * itself. As a union per entry it was over half of a 6 MB namespace listing's check.
   */
  files: z.array(z.unknown()).default([]),
  size: z.number().optional(),
  owner: z.string().optional(),
  protected: z.boolean().default(false),
  comment: z.string().optional(),
  verification: z.object({ state: z.string() }).optional(),
})
