// Fixture builders for the normalizer tests: sensible defaults (cluster-a, pbs-1, guest 100
// "web01" on pve1) that each test overrides with only what it is about.
import type {
  PbsFacts,
  PbsSnapshotFact,
  PveBackupFact,
  PveFacts,
  PveGuestFact,
  PveSnapshotFact,
  PveStorageFact,
  PveTaskFact,
} from '../../../../functions/collect/facts.ts'
import type {
  ClusterMapping,
  NormalizeInput,
  NormalizeResult,
} from '../../../../functions/normalize/index.ts'
import { normalizeGuests } from '../../../../functions/normalize/index.ts'
import type { GuestRecord } from '../../../../shared/schema/guest.ts'

/** 2025-06-08T07:00:00Z. */
export const NOW = 1_749_366_000
export const HOUR = 3_600
export const DAY = 86_400

/** PBS's snapshot time text; "invalid" for the broken times the bad-fact tests feed in. */
export function iso(time: number): string {
  const date = new Date(time * 1000)
  return Number.isNaN(date.getTime()) ? 'invalid' : date.toISOString().replace('.000Z', 'Z')
}

function vzdumpStamp(time: number): string {
  return iso(time).slice(0, 19).replace(/-/g, '_').replace('T', '-').replace(/:/g, '_')
}

export function makeGuest(overrides: Partial<PveGuestFact> = {}): PveGuestFact {
  return {
    vmid: 100,
    type: 'qemu',
    node: 'pve1',
    name: 'web01',
    status: 'running',
    template: false,
    ...overrides,
  }
}

/** A vzdump archive on pve1's `local` storage, made 17 h before NOW. */
export function makeArchive(overrides: Partial<PveBackupFact> = {}): PveBackupFact {
  const base: PveBackupFact = {
    volid: '',
    storage: 'local',
    storageType: 'dir',
    shared: false,
    node: 'pve1',
    vmid: 100,
    guestType: 'qemu',
    ctime: NOW - 17 * HOUR,
    size: 1_500_000_000,
    protected: false,
    format: 'vma.zst',
    inProgress: false,
    ...overrides,
  }
  const kind = base.guestType ?? 'qemu'
  const volid = `${base.storage}:backup/vzdump-${kind}-${base.vmid}-${vzdumpStamp(base.ctime)}.vma.zst`
  return { ...base, volid: overrides.volid ?? volid }
}

export function makePbsStorage(overrides: Partial<PveStorageFact> = {}): PveStorageFact {
  return {
    storage: 'pbs-main',
    type: 'pbs',
    shared: true,
    pbs: { server: 'pbs.lan', datastore: 'store1', namespace: '' },
    ...overrides,
  }
}

/** A PBS snapshot as PVE lists it through its `pbs-main` storage (store1, root namespace). */
export function makePbsListing(overrides: Partial<PveBackupFact> = {}): PveBackupFact {
  const base: PveBackupFact = {
    volid: '',
    storage: 'pbs-main',
    storageType: 'pbs',
    shared: true,
    node: 'pve1',
    vmid: 100,
    guestType: 'qemu',
    ctime: NOW - 11 * HOUR,
    size: 34_359_739_548,
    protected: false,
    format: 'pbs-vm',
    inProgress: false,
    pbs: { server: 'pbs.lan', datastore: 'store1', namespace: '' },
    ...overrides,
  }
  const kind = base.guestType === 'lxc' ? 'ct' : 'vm'
  const volid = `${base.storage}:backup/${kind}/${base.vmid}/${iso(base.ctime)}`
  return { ...base, volid: overrides.volid ?? volid }
}

export function makeSnapshot(overrides: Partial<PveSnapshotFact> = {}): PveSnapshotFact {
  return {
    vmid: 100,
    guestType: 'qemu',
    node: 'pve1',
    name: 'pre-upgrade',
    snaptime: NOW - 2 * HOUR,
    description: '',
    vmstate: false,
    ...overrides,
  }
}

export function makeTask(overrides: Partial<PveTaskFact> = {}): PveTaskFact {
  return {
    upid: `UPID:pve1:0003A1F2:00B8C4D1:${(overrides.starttime ?? NOW - 18 * HOUR).toString(16).toUpperCase()}:vzdump::root@pam:`,
    node: 'pve1',
    starttime: NOW - 18 * HOUR,
    endtime: NOW - 17 * HOUR,
    outcome: 'ok',
    status: 'OK',
    id: '',
    guests: [{ vmid: 100, outcome: 'ok' }],
    ...overrides,
  }
}

export function makePveFacts(overrides: Partial<PveFacts> = {}): PveFacts {
  // Spread so fields collectors add later (e.g. `deferred`) need no edit here to type-check.
  const later = { deferred: [] }
  return {
    ...later,
    kind: 'pve',
    sourceId: 'cluster-a',
    collectedAt: NOW,
    nodes: [{ name: 'pve1', online: true }],
    guests: [makeGuest()],
    storages: [],
    backups: [],
    snapshots: [],
    tasks: [],
    notBackedUp: [],
    warnings: [],
    ...overrides,
  }
}

/** A finished snapshot of vm/100 in store1's root namespace, 11 h before NOW. */
export function makePbsSnapshot(overrides: Partial<PbsSnapshotFact> = {}): PbsSnapshotFact {
  return {
    datastore: 'store1',
    namespace: '',
    backupType: 'vm',
    backupId: '100',
    backupTime: NOW - 11 * HOUR,
    size: 34_359_739_548,
    inProgress: false,
    owner: 'root@pam',
    protected: false,
    verification: 'ok',
    ...overrides,
  }
}

export function makePbsFacts(overrides: Partial<PbsFacts> = {}): PbsFacts {
  const later = { deferred: [], serverNames: [overrides.host ?? 'pbs.lan'] }
  return {
    ...later,
    kind: 'pbs',
    sourceId: 'pbs-1',
    host: 'pbs.lan',
    collectedAt: NOW,
    datastores: [{ store: 'store1', namespaces: [] }],
    groups: [],
    snapshots: [],
    warnings: [],
    ...overrides,
  }
}

export function makeClusterMap(overrides: Partial<ClusterMapping> = {}): ClusterMapping {
  return { namespaces: {}, datastores: {}, owners: {}, ...overrides }
}

export function normalize(input: Partial<NormalizeInput>): NormalizeResult {
  return normalizeGuests({ pve: [], pbs: [], clusterMaps: {}, now: NOW, ...input })
}

export function guestOf(result: NormalizeResult, key: string): GuestRecord {
  const guest = result.guests.find((record) => record.key === key)
  if (!guest) throw new Error(`no guest ${key} in ${result.guests.map((g) => g.key).join(', ')}`)
  return guest
}
