// Raw PBS response shapes (proxmox-api.md §2): serde-strict upstream, but we still read
// only what we use and ignore the rest so a PBS upgrade cannot break collection.
import * as z from 'zod'
import { MAX_EPOCH } from '../epoch.ts'
import { pathSegment } from './lenient.ts'

export const PbsDatastoreSchema = z.object({
  store: pathSegment,
  maintenance: z.string().optional(),
  'mount-status': z.string().optional(),
})

export const PbsNamespaceSchema = z.object({ ns: z.string() })

const BackupType = z.enum(['vm', 'ct', 'host'])

export const PbsGroupSchema = z.object({
  'backup-type': BackupType,
  'backup-id': z.string().min(1),
  'last-backup': z.number().int(),
  'backup-count': z.number().int().nonnegative(),
  owner: z.string().optional(),
})

export const PbsSnapshotSchema = z.object({
  'backup-type': BackupType,
  'backup-id': z.string().min(1),
  'backup-time': z.number().int().min(0).max(MAX_EPOCH),
  files: z.array(z.union([z.string(), z.object({ filename: z.string() })])).default([]),
  size: z.number().optional(),
  owner: z.string().optional(),
  protected: z.boolean().default(false),
  comment: z.string().optional(),
  verification: z.object({ state: z.string() }).optional(),
})
