// Data model of the simulated lab: plain JSON-able data, produced by generateLab and served by
// the handler. Wire shapes are derived from it at request time.

export type GuestType = 'qemu' | 'lxc'
export type PbsBackupType = 'vm' | 'ct' | 'host'

export interface LabOptions {
  seed?: number
  /** Epoch seconds all ages are relative to; the server defaults it to the current time. */
  now?: number
  preset?: 'demo' | 'tiny' | 'large'
  clusters?: number
  /** One count for all clusters, or one per cluster. */
  nodesPerCluster?: number | number[]
  /** Guests per cluster including the fixed scenario guests. */
  guestsPerCluster?: number
  days?: number
  /**
   * Also generate this many days of nightly history before `days`, for replaying the lab's past
   * through the refresh pass (`PUT /_lab/clock`, replay.ts). 0 (default): none.
   */
  replayDays?: number
  extraSharedStorages?: number
  /** Extra (empty) PBS namespaces beyond the scenario's "", homelab, homelab/archive, office, retired. */
  pbsNamespaces?: number
  /** Datastores on the PBS server, at least 1 (store1). */
  pbsDatastores?: number
  /**
   * Which release's /cluster/backup shape each cluster answers with, by cluster index (the
   * last one repeats): `9.2` objects for fleecing / prune-backups / performance and no legacy
   * starttime / dow; `8.x` property strings and, for legacy vzdump.cron jobs, starttime / dow.
   * Default: homelab 9.2, the others 8.x, so both are always served.
   */
  pveJobShapes?: PveJobShape[]
}

export type PveJobShape = '8.x' | '9.2'

export interface GuestSnapshot {
  name: string
  snaptime: number
  description: string
  parent?: string
  vmstate?: 0 | 1
}

export interface Guest {
  vmid: number
  type: GuestType
  node: string
  /** Absent for the guest whose status is "unknown" (no RRD data). */
  name?: string
  status: 'running' | 'stopped' | 'unknown'
  template?: 0 | 1
  lock?: string
  tags?: string
  /** Resource pool (user.cfg); /cluster/resources sends it on the guest's entry. */
  pool?: string
  maxcpu: number
  maxmem: number
  maxdisk: number
  uptime: number
  snapshots: GuestSnapshot[]
  /** Parent of the `current` pseudo snapshot. */
  currentParent?: string
  digest: string
}

export interface PveNode {
  name: string
  nodeid: number
  ip: string
  timeZone: string
  maxcpu: number
  maxmem: number
  maxdisk: number
  uptime: number
  sslFingerprint: string
  pstart: number
}

export interface PveStorage {
  storage: string
  type: 'dir' | 'nfs' | 'pbs'
  content: string
  shared: 0 | 1
  /** Restriction to nodes; absent = all nodes. */
  nodes?: string[]
  disable?: 1
  /** Extra storage.cfg keys as PVE returns them (path, server, export, username…). */
  config: Record<string, string | number>
  total: number
  /** Bytes used when the lab starts; it grows by `growthPerDay` with lab time. */
  used: number
  growthPerDay?: number
  /** For pbs-type storages: where the snapshots live. */
  pbs?: { source: string; datastore: string; namespace: string; username: string }
}

export interface VzdumpArchive {
  storage: string
  /** Node whose non-shared storage holds the file; absent on shared storages. */
  node?: string
  vmid: number
  type: GuestType
  /** Per-guest start epoch; the file name is this in the writer's zone. */
  time: number
  writerTimeZone: string
  size: number
  notes?: string
  protected?: 1
}

export interface TaskGuestResult {
  vmid: number
  type: GuestType
  start: number
  end?: number
  error?: string
  /** `vm/100/<utc>` for PBS targets, a dump path for file targets. */
  archive: string
  pbs: boolean
}

export interface PveTask {
  upid: string
  node: string
  pid: number
  pstart: number
  starttime: number
  endtime?: number
  /** Absent while running. */
  status?: string
  id: string
  user: string
  tokenid?: string
  command: string
  guests: TaskGuestResult[]
}

export interface BackupJob {
  id: string
  schedule: string
  /** Local-time schedule parts: weekdays (0 = Sunday, empty = every day), hour, minute. */
  days: number[]
  hour: number
  minute: number
  enabled: 0 | 1
  storage: string
  all?: 1
  exclude?: number[]
  vmid?: number[]
  node?: string
  pool?: string
  mode: 'snapshot' | 'suspend' | 'stop'
  comment?: string
  notesTemplate?: string
  /** Property-string options, sent as strings (8.x) or objects (9.2). */
  options?: Partial<Record<'fleecing' | 'prune-backups' | 'performance', JobOptionValues>>
  /** A job of the legacy vzdump.cron file: 8.x also sends its `starttime` and `dow`. */
  legacy?: true
  /** The newest scheduled run before now did not happen (the scheduler was down then). */
  skipNewest?: true
}

export type JobOptionValues = Record<string, string | number>

export interface PveCluster {
  id: string
  name: string
  tokenId: string
  tokenSecret: string
  auditorTokenId: string
  auditorTokenSecret: string
  configVersion: number
  repoid: string
  nodes: PveNode[]
  guests: Guest[]
  storages: PveStorage[]
  archives: VzdumpArchive[]
  tasks: PveTask[]
  jobs: BackupJob[]
  /** Shape of /cluster/backup (and the release /version reports). */
  jobShape: PveJobShape
  /** Resource pools of user.cfg. */
  pools: string[]
}

export interface PbsVerification {
  state: 'ok' | 'failed'
  upid: string
}

export interface PbsSnapshot {
  time: number
  /** Logical archive size; absent while in progress. */
  size?: number
  diskSize: number
  inProgress?: true
  protected: boolean
  comment?: string
  verification?: PbsVerification
}

export interface PbsGroup {
  ns: string
  type: PbsBackupType
  id: string
  owner: string
  comment?: string
  snapshots: PbsSnapshot[]
}

/** A PBS job run as its job state file tells it; no `end`/`state` while it runs. */
export interface PbsJobRun {
  upid: string
  start: number
  end?: number
  /** `OK`, `WARNINGS: n` or the bare error text. */
  state?: string
}

export interface PbsGc {
  /** Calendar event of the store's `gc-schedule`; absent when GC is not scheduled. */
  schedule?: string
  nextRun?: number
  /** The last finished GC (the server's in-memory status). */
  lastRun?: PbsJobRun
  /** A GC running now: no state yet, the last finished one's status still shown. */
  running?: boolean
  removedBytes: number
  pendingBytes: number
}

export interface PbsDatastore {
  store: string
  comment: string | null
  namespaces: string[]
  groups: PbsGroup[]
  /** A removable (USB) store; absent for a fixed one. */
  removable?: { mounted: boolean }
  backend?: 'filesystem' | 's3'
  /** Maintenance set in the store's config (faults add an offline one on top). */
  maintenance?: { type: 'read-only' | 'offline' | 'unmount'; message?: string }
  /** The file system (or bucket cache) under the store, bytes, as sampled at `sampledAt`. */
  usage?: { total: number; used: number; sampledAt: number }
  /** PBS's least-squares full date; absent with under a week of history. */
  estimatedFull?: number
  gc?: PbsGc
}

export interface PbsJob {
  kind: 'verify' | 'prune' | 'sync'
  id: string
  store: string
  schedule?: string
  /** PBS's own next run (from the schedule and the last run); absent for a disabled job. */
  nextRun?: number
  comment?: string
  /** Prune jobs only. */
  disable?: true
  /** Sync jobs: where they pull from (no remote: a local sync from another datastore). */
  remote?: string
  remoteStore?: string
  lastRun?: PbsJobRun
}

export interface PbsServer {
  id: string
  tokenId: string
  tokenSecret: string
  repoid: string
  datastores: PbsDatastore[]
  jobs?: PbsJob[]
}
