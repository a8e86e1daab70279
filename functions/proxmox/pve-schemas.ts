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
})

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
