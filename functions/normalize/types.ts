// Types shared by the normalizer's steps: its input and output, and a guest's bucket that
// backups are attributed to before its public record is built.

import type {
  Ambiguous,
  BackupDetail,
  GuestRecord,
  GuestType,
  Orphan,
  OrphanRecord,
} from '../../shared/schema/guest.ts'
import type { JobsIndex } from '../../shared/schema/jobs.ts'
import type { StorageIndex } from '../../shared/schema/storage.ts'
import type { PbsFacts, PveFacts, PveGuestFact } from '../collect/facts.ts'

/**
 * Structural twin of config.ts's ClusterMap: importing that module would pull the Worker's
 * Env (KVNamespace) into Node-side type checks of these pure functions.
 */
export interface ClusterMapping {
  namespaces: Record<string, string>
  datastores: Record<string, string>
  owners: Record<string, string>
}

/** One reading of a PVE backup storage's usage the coordinator kept (storage-usage.ts). */
export interface UsageSample {
  /** The storage's key, as BackupStorage.key. */
  key: string
  /** Epoch seconds. */
  at: number
  /** Bytes. */
  used: number
  total: number
}

export interface NormalizeInput {
  pve: readonly PveFacts[]
  pbs: readonly PbsFacts[]
  /** Keyed by PBS source id. */
  clusterMaps: Readonly<Record<string, ClusterMapping>>
  /** Epoch seconds. */
  now: number
  /** The kept usage samples of the backup storages (any order); none: the nodes' figures. */
  usageSamples?: readonly UsageSample[]
  /** PULSE_MISSED_GRACE_MINUTES in seconds; unset: derived per job (guest-schedule.ts). */
  missedGraceSeconds?: number
}

export interface NormalizeResult {
  guests: GuestRecord[]
  orphans: Orphan[]
  /** One full record per orphan (same key), for its detail route. */
  orphanRecords: OrphanRecord[]
  ambiguous: Ambiguous[]
  jobs: JobsIndex
  storage: StorageIndex
  warnings: string[]
}

/** One guest of one cluster and everything attributed to it so far. */
export interface GuestSlot {
  key: string
  cluster: string
  clusterName: string | undefined
  fact: PveGuestFact
  items: BackupDetail[]
  ambiguousSnapshots: number
  /** Comments of the PBS groups attributed to it (a group's notes, not a snapshot's). */
  pbsGroupComments: string[]
}

/** A backup found in a listing, before it is attributed to a guest or an orphan. */
export interface ListedBackup {
  vmid: number
  type: GuestType | null
  detail: BackupDetail
}
