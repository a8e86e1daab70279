// Indexes the snapshots PBS sources reported, grouped per PBS group, and answers "did a PBS
// source already report this snapshot?" so one listed again through PVE counts once.

import type { GuestType } from '../../shared/schema/guest.ts'
import type { PbsFacts, PbsSnapshotFact } from '../collect/facts.ts'
import {
  cleanNamespace,
  normalizeHost,
  pbsLocation,
  SEP,
  snapshotKey,
  storeKey,
} from './pbs-names.ts'
import { compareText, isVmid, timeProblem } from './validate.ts'

export interface PbsGroup {
  sourceId: string
  datastore: string
  namespace: string
  type: GuestType
  vmid: number
  owner: string | undefined
  /** The group's comment (first line of its notes) as PBS last listed it; none: undefined. */
  comment: string | undefined
  snapshots: PbsSnapshotFact[]
}

/** Where a PVE storage of type "pbs" points. */
export interface PbsTarget {
  server: string
  datastore: string
  namespace: string
  username?: string
}

export interface PbsIndex {
  /** Sorted by source, datastore, namespace, type, vmid. */
  groups: PbsGroup[]
  snapshotKeysBySource: Map<string, Set<string>>
  sourcesByHost: Map<string, string>
  /** `datastore\0namespace` → sources that have it, for hosts written in another form. */
  sourcesByStore: Map<string, string[]>
  /** sourceOfTarget's answers: every listed PBS item of a storage asks the same question. */
  targetSources: Map<string, string | null>
}

function parseVmid(backupId: string): number | null {
  if (!/^[1-9]\d{0,14}$/.test(backupId)) return null
  const vmid = Number(backupId)
  return isVmid(vmid) ? vmid : null
}

/** `host` plus the other names PVE storages may use for it (newer facts carry `serverNames`). */
function serverNames(source: PbsFacts): string[] {
  const extra = (source as { serverNames?: unknown }).serverNames
  const names = Array.isArray(extra) ? extra.filter((n) => typeof n === 'string') : []
  return [source.host, ...names]
}

function compareGroups(a: PbsGroup, b: PbsGroup): number {
  return (
    compareText(a.sourceId, b.sourceId) ||
    compareText(a.datastore, b.datastore) ||
    compareText(a.namespace, b.namespace) ||
    compareText(a.type, b.type) ||
    a.vmid - b.vmid
  )
}

/** Every name and datastore+namespace by which a PVE storage may point at this source. */
function registerSource(index: PbsIndex, source: PbsFacts): void {
  for (const name of serverNames(source)) {
    const host = normalizeHost(name)
    if (!index.sourcesByHost.has(host)) index.sourcesByHost.set(host, source.sourceId)
  }
  for (const store of source.datastores) {
    for (const ns of ['', ...store.namespaces]) {
      const list = index.sourcesByStore.get(storeKey(store.store, ns)) ?? []
      if (!list.includes(source.sourceId)) list.push(source.sourceId)
      index.sourcesByStore.set(storeKey(store.store, ns), list)
    }
  }
}

function groupKeyOf(datastore: string, namespace: string, type: string, id: string): string {
  return `${storeKey(datastore, namespace)}${SEP}${type}${SEP}${id}`
}

/** Group owners from the groups listing: snapshots listed earlier may lack one. */
function groupOwners(source: PbsFacts): Map<string, string> {
  const owners = new Map<string, string>()
  for (const g of source.groups) {
    if (g.owner !== undefined) {
      owners.set(groupKeyOf(g.datastore, g.namespace, g.backupType, g.backupId), g.owner)
    }
  }
  return owners
}

/** Group comments from the kept groups listings (collect/pbs-group-comments.ts). */
function groupComments(source: PbsFacts): Map<string, string> {
  const comments = new Map<string, string>()
  for (const place of source.groupComments ?? []) {
    const ns = cleanNamespace(place.namespace)
    for (const g of place.groups) {
      comments.set(groupKeyOf(place.datastore, ns, g.backupType, g.backupId), g.comment)
    }
  }
  return comments
}

/** Where a snapshot's group is, as warnings name it. */
function groupWhere(snap: PbsSnapshotFact): string {
  return `${pbsLocation(snap.datastore, snap.namespace)} ${snap.backupType}/${snap.backupId}`
}

/** What every snapshot of one group shares: worked out once per group, not per snapshot. */
interface GroupRun {
  datastore: string
  namespace: string | undefined
  backupType: string
  backupId: string
  vmid: number | null
  /** `datastore\0ns\0type\0vmid`: the snapshot key without its time. */
  keyPrefix: string
  groupKey: string
}

function groupRun(snap: PbsSnapshotFact): GroupRun {
  const vmid = parseVmid(snap.backupId)
  const ns = cleanNamespace(snap.namespace)
  const type: GuestType = snap.backupType === 'vm' ? 'qemu' : 'lxc'
  return {
    datastore: snap.datastore,
    namespace: snap.namespace,
    backupType: snap.backupType,
    backupId: snap.backupId,
    vmid,
    keyPrefix: vmid === null ? '' : snapshotKey(snap.datastore, ns, type, vmid, 0).slice(0, -1),
    groupKey: groupKeyOf(snap.datastore, ns, snap.backupType, snap.backupId),
  }
}

const sameGroup = (run: GroupRun | null, snap: PbsSnapshotFact): run is GroupRun =>
  run !== null &&
  run.backupId === snap.backupId &&
  run.backupType === snap.backupType &&
  run.datastore === snap.datastore &&
  run.namespace === snap.namespace

function addSource(index: PbsIndex, source: PbsFacts, now: number, warnings: string[]): void {
  registerSource(index, source)
  const keys = new Set<string>()
  index.snapshotKeysBySource.set(source.sourceId, keys)
  const owners = groupOwners(source)
  const comments = groupComments(source)
  // Without a listed owner, the newest snapshot that names one decides (ownership can change;
  // first-seen would make attribution depend on the order snapshots arrive in).
  const ownerSeenAt = new Map<PbsGroup, number>()
  const groups = new Map<string, PbsGroup>()
  const problems = new Set<string>()
  // PBS lists a group's snapshots together: what they share is worked out when the group
  // changes (this loop runs over every snapshot of every source; the large lab has ~20,000).
  let run: GroupRun | null = null
  for (const snap of source.snapshots) {
    if (snap.backupType === 'host') continue
    if (!sameGroup(run, snap)) run = groupRun(snap)
    if (run.vmid === null) {
      problems.add(`${source.sourceId}: ignored group ${groupWhere(snap)}: not a VMID`)
      continue
    }
    const problem = timeProblem(snap.backupTime, now)
    if (problem !== undefined) {
      problems.add(`${source.sourceId}: skipped a snapshot of ${groupWhere(snap)}: ${problem}`)
      continue
    }
    const key = `${run.keyPrefix}${snap.backupTime}`
    if (keys.has(key)) continue
    keys.add(key)
    const { groupKey } = run
    let group = groups.get(groupKey)
    if (!group) {
      const { datastore } = snap
      const owner = owners.get(groupKey)
      group = {
        sourceId: source.sourceId,
        datastore,
        namespace: cleanNamespace(snap.namespace),
        type: snap.backupType === 'vm' ? 'qemu' : 'lxc',
        vmid: run.vmid,
        owner,
        comment: comments.get(groupKey),
        snapshots: [],
      }
      groups.set(groupKey, group)
    }
    const seenAt = ownerSeenAt.get(group) ?? Number.NEGATIVE_INFINITY
    if (snap.owner !== undefined && !owners.has(groupKey) && snap.backupTime > seenAt) {
      group.owner = snap.owner
      ownerSeenAt.set(group, snap.backupTime)
    }
    group.snapshots.push(snap)
  }
  // One warning per bad group, not one per snapshot.
  warnings.push(...problems)
  for (const group of groups.values()) index.groups.push(group)
}

export function buildPbsIndex(pbs: readonly PbsFacts[], now: number, warnings: string[]): PbsIndex {
  const index: PbsIndex = {
    groups: [],
    snapshotKeysBySource: new Map(),
    sourcesByHost: new Map(),
    sourcesByStore: new Map(),
    targetSources: new Map(),
  }
  const sources = [...pbs].sort((a, b) => compareText(a.sourceId, b.sourceId))
  for (const source of sources) addSource(index, source, now, warnings)
  index.groups.sort(compareGroups)
  return index
}

/**
 * The PBS source a PVE `pbs` storage points at: by host, else (host written differently, e.g.
 * IP vs name) the one source holding that datastore and namespace. null when unknown.
 */
export function sourceOfTarget(index: PbsIndex, target: PbsTarget): string | null {
  const cacheKey = `${target.server}${SEP}${storeKey(target.datastore, target.namespace)}`
  const cached = index.targetSources.get(cacheKey)
  if (cached !== undefined) return cached
  const byHost = index.sourcesByHost.get(normalizeHost(target.server))
  const byStore = index.sourcesByStore.get(storeKey(target.datastore, target.namespace))
  const source = byHost ?? (byStore?.length === 1 ? (byStore[0] ?? null) : null)
  index.targetSources.set(cacheKey, source)
  return source
}

/** Whether the PBS source behind `target` reported this snapshot itself (its data wins). */
export function reportedDirectly(
  index: PbsIndex,
  target: PbsTarget,
  type: GuestType,
  vmid: number,
  time: number,
): boolean {
  const key = snapshotKey(target.datastore, target.namespace, type, vmid, time)
  const source = sourceOfTarget(index, target)
  if (source !== null) return index.snapshotKeysBySource.get(source)?.has(key) ?? false
  for (const keys of index.snapshotKeysBySource.values()) if (keys.has(key)) return true
  return false
}
