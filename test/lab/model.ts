// The whole lab model plus the scenario facts tests assert on (exact times, names, ids).
import type {
  PbsBackupType,
  PbsGroup,
  PbsServer,
  PveCluster,
  PveTask,
  VzdumpArchive,
} from './types.ts'

export interface PbsRef {
  datastore: string
  namespace: string
  type: PbsBackupType
  id: string
  time: number
}

export interface PbsGroupComment {
  datastore: string
  namespace: string
  type: PbsBackupType
  id: string
  comment: string
}

export interface LabFacts {
  /** The design note's example: newest vzdump 17 h ago, newest PBS snapshot 11 h ago. */
  designGuest: {
    cluster: string
    node: string
    vmid: number
    type: 'qemu'
    name: string
    pveBackupTime: number
    pveStorage: string
    pveVolid: string
    pbsBackupTime: number
    pbsDatastore: string
    pbsNamespace: string
    snapshotName: string
    snapshotTime: number
  }
  sharedStorage: { cluster: string; storage: string; nodes: string[] }
  pbsStorageNotNamedPbs: {
    cluster: string
    storage: string
    datastore: string
    namespace: string
    username: string
  }
  dirStorageNamedPbs: { cluster: string; storage: string }
  vmidCollision: {
    vmid: number
    datastore: string
    guests: { cluster: string; name: string; namespace: string; owner: string }[]
    ambiguousGroup: { namespace: string; type: PbsBackupType; id: string; owner: string }
  }
  duplicateName: { name: string; guests: { cluster: string; vmid: number; node: string }[] }
  template: { cluster: string; vmid: number }
  unknownStatusGuest: { cluster: string; vmid: number; node: string }
  orphan: {
    vmid: number
    cluster: string
    storage: string
    volid: string
    pbs: PbsRef
  }
  /** A deleted guest's PBS group in a namespace no cluster writes or maps: cluster unknown. */
  unplacedOrphan: { source: string; owner: string; snapshots: PbsRef[] }
  inProgress: {
    cluster: string
    node: string
    vmid: number
    pveStorage: string
    pbs: PbsRef
    runningTaskUpid: string
  }
  failedTask: {
    cluster: string
    node: string
    upid: string
    okVmid: number
    failedVmid: number
    reason: string
  }
  manualTask: { cluster: string; node: string; upid: string; vmid: number }
  migratedGuest: { cluster: string; vmid: number; previousNode: string; currentNode: string }
  neverBackedUp: { cluster: string; vmid: number }
  notBackedUp: { cluster: string; vmid: number }[]
  failedVerification: PbsRef
  protectedPbsSnapshot: PbsRef
  protectedArchive: { cluster: string; storage: string; volid: string }
  /** A vzdump archive made at 23:30 New York time two days ago (a UTC-day bucket gets it wrong). */
  lateNightBackup: {
    cluster: string
    vmid: number
    time: number
    storage: string
    viewerTimeZone: string
    /** YYYY-MM-DD in viewerTimeZone. */
    localDate: string
    notes: string
  }
  /** A guest whose name is HTML. */
  hostileName: { cluster: string; vmid: number; name: string }
  /** The newest finished PBS snapshot of this guest failed verification; an older one is ok. */
  latestVerificationFailed: { cluster: string; vmid: number; time: number; latestVerified: number }
  /** PBS health (generate-pbs-health.ts): stores and jobs in each state. */
  pbsHealth: {
    /** Removable, not mounted: held from the first pass, never listed. */
    removableStore: string
    /** Backend `s3`; null in presets with one fixed store. */
    s3Store: string | null
    filling: { store: string; estimatedFull: number }
    failedJob: { kind: 'verify'; id: string; store: string; state: string }
    warningJob: { kind: 'sync'; id: string; store: string; warnings: number }
    /** A GC running now; null without the S3 store. */
    runningGc: string | null
  }
  /**
   * PBS group comments (the first line of a group's notes, listed by /groups only). `parked`:
   * a group of its guest says `no-monitor`, so that guest never alerts (with the default
   * `exclude.pbsComment`), though its backups age like any other's. `noted`: plain comments,
   * one on the parked guest's other group (another namespace).
   */
  groupComments: {
    parked: PbsGroupComment & { cluster: string; vmid: number }
    noted: PbsGroupComment[]
  }
  /** Backup jobs the scenario relies on (job ids of /cluster/backup). */
  jobs: {
    /** Only in a weekly job whose newest run was a little over three days ago. */
    weeklyOnly: { cluster: string; vmid: number; job: string; previousRun: number }
    /** Only in a daily job whose newest run, six hours ago, did not happen. */
    skippedNightly: { cluster: string; vmid: number; job: string; skippedRun: number }
    /** The weekly job whose newest run is failedTask: one guest failed, one did not. */
    failedRun: { cluster: string; job: string; upid: string; failedVmid: number; okVmid: number }
    /** A job selecting a pool, and the pool's guests. */
    pool: { cluster: string; job: string; pool: string; members: number[] }
    disabled: { cluster: string; job: string }
  }
}

export interface LabModel {
  seed: number
  now: number
  preset: string
  /** Days of backups the lab's storage keeps (as prune leaves them) at any point of its clock. */
  days: number
  clusters: PveCluster[]
  pbs: PbsServer[]
  facts: LabFacts
  /**
   * With `replayDays`: what the nightly jobs made in the year (or so) before the `days` above,
   * served only while the lab's clock is set into that past (replay.ts), each item for `days`
   * after it was made, then pruned.
   */
  past?: PastHistory
}

export interface PastHistory {
  /** Days before `now - days` it reaches back. */
  replayDays: number
  /** By cluster id. */
  clusters: Record<string, { archives: VzdumpArchive[]; tasks: PveTask[] }>
  /** By datastore of the (one) PBS server: its groups with the past snapshots only. */
  datastores: Record<string, PbsGroup[]>
}

export interface LabSource {
  id: string
  kind: 'pve' | 'pbs'
  url: string
  tokenId: string
  tokenSecret: string
  auditorTokenId?: string
  auditorTokenSecret?: string
}

/** Connection details for every source, relative to the server's origin. */
export function labSources(model: LabModel, origin: string): LabSource[] {
  const pve: LabSource[] = model.clusters.map((c) => ({
    id: c.id,
    kind: 'pve',
    url: `${origin}/pve/${c.name}`,
    tokenId: c.tokenId,
    tokenSecret: c.tokenSecret,
    auditorTokenId: c.auditorTokenId,
    auditorTokenSecret: c.auditorTokenSecret,
  }))
  const pbs: LabSource[] = model.pbs.map((p) => ({
    id: p.id,
    kind: 'pbs',
    url: `${origin}/pbs/${p.id.replace(/^pbs\//, '')}`,
    tokenId: p.tokenId,
    tokenSecret: p.tokenSecret,
  }))
  return [...pve, ...pbs]
}
