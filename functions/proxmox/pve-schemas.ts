// Raw PVE response shapes (proxmox-api.md §1, PVE 9.1.3 schema): only the fields we read,
// unknown fields ignored, booleans and integers decoded leniently.
import * as z from 'zod'
import { epochSeconds, looseInt, looseNumber, pathSegment, perlBool } from './lenient.ts'

export const PveClusterStatusItemSchema = z.object({
  type: z.string(),
  name: z.string().optional(),
  online: perlBool.optional(),
})

export const PveResourceGuestSchema = z.object({
  vmid: looseInt.pipe(z.number().int().positive()),
  type: z.enum(['qemu', 'lxc']),
  node: pathSegment,
  status: z.string().default('unknown'),
  name: z.string().optional(),
  template: perlBool.optional(),
  lock: z.string().optional(),
  /** `;`-separated as PVE stores them (older releases also wrote `,` or spaces). */
  tags: z.string().optional().catch(undefined),
  /** Only with Pool.Audit on /pool/<pool>; without it PVE leaves the field out. */
  pool: z.string().optional().catch(undefined),
})

/** A `type: "pool"` entry of /cluster/resources: listed only with Pool.Audit on it. */
export const PveResourcePoolSchema = z.object({ pool: z.string().min(1) })

/** A `type: "storage"` entry of /cluster/resources: one per node the storage is enabled on. */
export const PveResourceStorageSchema = z.object({
  storage: pathSegment,
  node: pathSegment,
  /** "available" while the node reports it active (recent usage data), else "unknown". */
  status: z.string().default('unknown'),
  plugintype: z.string().optional(),
  shared: perlBool.optional(),
  content: z.string().optional(),
  /** Bytes used and size, sent only with the node's recent usage data. */
  disk: looseNumber.pipe(z.number().nonnegative()).optional(),
  maxdisk: looseNumber.pipe(z.number().nonnegative()).optional(),
})

export const PveStorageConfigSchema = z.object({
  storage: pathSegment,
  type: z.string().min(1),
  content: z.string().default(''),
  shared: perlBool.optional(),
  disable: perlBool.optional(),
  nodes: z.string().optional(),
  server: z.string().optional(),
  datastore: z.string().optional(),
  namespace: z.string().optional(),
  username: z.string().optional(),
})

export const PveBackupVolumeSchema = z.object({
  volid: z.string().min(1),
  format: z.string().default(''),
  subtype: z.string().optional(),
  vmid: looseInt.optional(),
  ctime: epochSeconds.optional(),
  size: looseNumber.optional(),
  notes: z.string().optional(),
  protected: perlBool.optional(),
  verification: z.object({ state: z.string() }).optional(),
})

export const PveSnapshotSchema = z.object({
  name: z.string().min(1),
  snaptime: epochSeconds.optional(),
  description: z.string().default(''),
  vmstate: perlBool.optional(),
})

export const PveTaskSchema = z.object({
  upid: pathSegment,
  node: pathSegment,
  starttime: epochSeconds,
  endtime: epochSeconds.optional(),
  type: z.string(),
  id: z.string().default(''),
  status: z.string().optional(),
})

export const PveTaskLogLineSchema = z.object({ n: looseInt, t: z.string() })

export const PveNotBackedUpSchema = z.object({
  vmid: looseInt.pipe(z.number().int().positive()),
  type: z.enum(['qemu', 'lxc']),
})

/** `"100,101"` as PVE sends vmid lists (pve-vmid-list); a lone number is read as one. */
const vmidList = z.preprocess(
  (value) => (typeof value === 'number' ? String(value) : value),
  z.string(),
)

/**
 * PVE 8.x sends these as property strings (`keep-daily=7`), 9.2 as objects (pve-manager's
 * backup job return schema); we read neither, so an odd value is ignored, not a dropped job.
 */
const propertyStringOrObject = z
  .union([z.string(), z.record(z.string(), z.unknown())])
  .optional()
  .catch(undefined)

/**
 * A vzdump job of GET /cluster/backup (proxmox-api.md §1.10). Legacy vzdump.cron jobs come with
 * `starttime`/`dow` beside `schedule` up to 9.1; 9.2 sends only `schedule`.
 */
export const PveBackupJobSchema = z.object({
  id: z.string().min(1),
  type: z.string().optional(),
  schedule: z.string().min(1).optional(),
  /** Legacy vzdump.cron fields, only used when `schedule` is absent. */
  starttime: z.string().optional().catch(undefined),
  dow: z.string().optional().catch(undefined),
  'next-run': epochSeconds.optional().catch(undefined),
  enabled: perlBool.default(true),
  all: perlBool.optional(),
  vmid: vmidList.optional(),
  exclude: vmidList.optional(),
  pool: z.string().optional(),
  node: z.string().optional(),
  storage: z.string().optional(),
  mode: z.string().optional(),
  comment: z.string().optional().catch(undefined),
  'notification-mode': z.string().optional().catch(undefined),
  fleecing: propertyStringOrObject,
  'prune-backups': propertyStringOrObject,
  performance: propertyStringOrObject,
})

/** An item of GET /cluster/jobs/schedule-analyze (pve-manager PVE/API2/Cluster/Jobs.pm). */
export const PveScheduleRunSchema = z.object({ timestamp: epochSeconds })
