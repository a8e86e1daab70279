// What collectors hand to the normalizer: validated, typed facts exactly as Proxmox reported
// them, one set per source, before any attribution to guests. Plain data (KV-serialisable).

export type GuestType = 'qemu' | 'lxc'

export interface PveGuestFact {
  vmid: number
  type: GuestType
  /** Current node. */
  node: string
  /** Absent while PVE has no RRD data for the guest (status "unknown"). */
  name?: string
  status: string
  template: boolean
  /** e.g. "backup" while vzdump runs. */
  lock?: string
}

export interface PveStorageFact {
  storage: string
  /** Plugin type: dir, nfs, cifs, pbs, cephfs, ... Classification is by this, never by name. */
  type: string
  shared: boolean
  /** For type "pbs" only. */
  pbs?: { server: string; datastore: string; namespace: string; username?: string }
}

export interface PveBackupFact {
  volid: string
  storage: string
  storageType: string
  shared: boolean
  /** The node whose listing returned it; for a non-shared storage, the node that holds it. */
  node: string
  vmid: number
  guestType: GuestType | null
  /** Epoch seconds (PVE `ctime`; for PBS-type storages the PBS backup-time). */
  ctime: number
  size?: number
  notes?: string
  protected: boolean
  verification?: 'ok' | 'failed'
  format: string
  /** PBS-type storage listing: size 1 (no manifest yet). */
  inProgress: boolean
  /** Set for items listed through a PVE storage of type "pbs". */
  pbs?: { server: string; datastore: string; namespace: string; username?: string }
}

export interface PveSnapshotFact {
  vmid: number
  guestType: GuestType
  node: string
  name: string
  /** Epoch seconds; PVE sends 0 when unknown. */
  snaptime: number
  description: string
  vmstate: boolean
}

export type TaskOutcome = 'ok' | 'warning' | 'failed' | 'running' | 'unknown'

export interface PveGuestTaskResult {
  vmid: number
  outcome: 'ok' | 'failed' | 'running'
  error?: string
}

export interface PveTaskFact {
  upid: string
  node: string
  starttime: number
  endtime?: number
  outcome: TaskOutcome
  /** PVE's status text: "OK", "WARNINGS: 2", "job errors", an error message, "RUNNING". */
  status: string
  /** The vmid for single-guest tasks, "" for multi-guest jobs. */
  id: string
  /** Per-guest results from the task log (multi-guest jobs) or from the task itself. */
  guests: PveGuestTaskResult[]
  /** The log of this multi-guest task has been read (its `guests` are final once it ended). */
  logRead?: boolean
}

export interface PveFacts {
  kind: 'pve'
  sourceId: string
  /** From /cluster/status; absent for a standalone node. */
  clusterName?: string
  collectedAt: number
  nodes: { name: string; online: boolean }[]
  guests: PveGuestFact[]
  storages: PveStorageFact[]
  /** Shared storages appear once (listed from one node); local ones once per node. */
  backups: PveBackupFact[]
  snapshots: PveSnapshotFact[]
  tasks: PveTaskFact[]
  /** VMIDs no backup job covers; null when PVE would not say (permission, error). */
  notBackedUp: { vmid: number; type: GuestType }[] | null
  /** Non-fatal problems: an offline node, one storage that failed to list, dropped items. */
  warnings: string[]
  /**
   * Work units skipped because the invocation's subrequest budget ran out; their previous
   * facts were kept, and the next run does them first (a continuation does only them):
   * `content:<node>/<storage>`, `snapshots:<type>/<vmid>`, `tasks:<node>` (the node's own task
   * list and its job logs), `logs:<node>` (job logs only), or `base` (the cluster-wide calls:
   * nothing of the run was used, these are the previous facts as they were).
   */
  deferred: string[]
}

export interface PbsSnapshotFact {
  datastore: string
  /** "" is the root namespace. */
  namespace: string
  backupType: 'vm' | 'ct' | 'host'
  backupId: string
  backupTime: number
  size?: number
  /** No size and no index.json.blob: still running or aborted. */
  inProgress: boolean
  owner?: string
  protected: boolean
  comment?: string
  verification?: 'ok' | 'failed'
}

/** Derived from the group's snapshots (one listing per namespace), not listed separately. */
export interface PbsGroupFact {
  datastore: string
  namespace: string
  backupType: 'vm' | 'ct' | 'host'
  backupId: string
  /** Newest finished snapshot (PBS 4 `last-backup`); only unfinished ones: the newest. */
  lastBackup: number
  backupCount: number
  owner?: string
}

export interface PbsFacts {
  kind: 'pbs'
  sourceId: string
  /** Host part of the PBS URL, to match PVE `pbs` storages' `server`. */
  host: string
  /** Every name PVE may use for this server: `host` plus the configured pveServerNames. */
  serverNames: string[]
  collectedAt: number
  datastores: { store: string; namespaces: string[] }[]
  groups: PbsGroupFact[]
  snapshots: PbsSnapshotFact[]
  warnings: string[]
  /** As in PveFacts: `snapshots:<store>/<ns>` listings, or `base`, left for the next run. */
  deferred: string[]
}

export type SourceFacts = PveFacts | PbsFacts
