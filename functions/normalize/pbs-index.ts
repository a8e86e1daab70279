// Indexes the snapshots PBS sources reported, grouped per PBS group, and answers "did a PBS
// source already report this snapshot?" so one listed again through PVE counts once.

import type { GuestType } from '../../shared/schema/guest.ts'
import type { PbsFacts, PbsSnapshotFact } from '../collect/facts.ts'
import { compareText, isEpoch, isVmid } from './validate.ts'

export interface PbsGroup {
  sourceId: string
  datastore: string
  namespace: string
  type: GuestType
  vmid: number
  owner: string | undefined
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
}

const SEP = '\u0000'

/** `[fe80::1]:8007` / `PBS.lan:8007` → `fe80::1` / `pbs.lan`: PVE stores the bare host. */
export function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(lower)
  if (bracketed?.[1]) return bracketed[1]
  return /^[^:]+:\d+$/.test(lower) ? lower.slice(0, lower.lastIndexOf(':')) : lower
}

/** PBS and PVE both mean the root namespace by "", some tools write "/". */
export function cleanNamespace(namespace: string | undefined): string {
  return (namespace ?? '').replace(/^\/+|\/+$/g, '')
}

export function storeKey(datastore: string, namespace: string): string {
  return `${datastore}${SEP}${cleanNamespace(namespace)}`
}

export function snapshotKey(
  datastore: string,
  namespace: string,
  type: GuestType,
  vmid: number,
  time: number,
): string {
  return `${storeKey(datastore, namespace)}${SEP}${type}${SEP}${vmid}${SEP}${time}`
}

/** `store1` for the root namespace, else `store1/cluster-a`. */
export function pbsLocation(datastore: string, namespace: string): string {
  const ns = cleanNamespace(namespace)
  return ns === '' ? datastore : `${datastore}/${ns}`
}

/** PBS's own snapshot path, `vm/100/2025-06-07T18:00:02Z`. */
export function pbsPath(type: GuestType, vmid: number, time: number): string {
  const iso = new Date(time * 1000).toISOString().replace('.000Z', 'Z')
  return `${type === 'qemu' ? 'vm' : 'ct'}/${vmid}/${iso}`
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

function addSource(index: PbsIndex, source: PbsFacts, warnings: string[]): void {
  const keys = new Set<string>()
  index.snapshotKeysBySource.set(source.sourceId, keys)
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
  const owners = new Map<string, string>()
  for (const group of source.groups) {
    if (group.owner !== undefined) {
      owners.set(
        `${storeKey(group.datastore, group.namespace)}${SEP}${group.backupId}`,
        group.owner,
      )
    }
  }
  const groups = new Map<string, PbsGroup>()
  const badIds = new Set<string>()
  for (const snap of source.snapshots) {
    if (snap.backupType === 'host') continue
    const vmid = parseVmid(snap.backupId)
    const ns = cleanNamespace(snap.namespace)
    if (vmid === null) {
      const where = `${pbsLocation(snap.datastore, ns)} ${snap.backupType}/${snap.backupId}`
      if (!badIds.has(where))
        warnings.push(`${source.sourceId}: ignored group ${where}: not a VMID`)
      badIds.add(where)
      continue
    }
    if (!isEpoch(snap.backupTime)) {
      warnings.push(
        `${source.sourceId}: skipped a snapshot of ${pbsLocation(snap.datastore, ns)} ${snap.backupType}/${vmid}: invalid backup time`,
      )
      continue
    }
    const type: GuestType = snap.backupType === 'vm' ? 'qemu' : 'lxc'
    const key = snapshotKey(snap.datastore, ns, type, vmid, snap.backupTime)
    if (keys.has(key)) continue
    keys.add(key)
    const groupKey = `${storeKey(snap.datastore, ns)}${SEP}${snap.backupType}${SEP}${vmid}`
    let group = groups.get(groupKey)
    if (!group) {
      const owner = owners.get(`${storeKey(snap.datastore, ns)}${SEP}${snap.backupId}`)
      group = {
        sourceId: source.sourceId,
        datastore: snap.datastore,
        namespace: ns,
        type,
        vmid,
        owner,
        snapshots: [],
      }
      groups.set(groupKey, group)
    }
    group.owner ??= snap.owner
    group.snapshots.push(snap)
  }
  for (const group of groups.values()) index.groups.push(group)
}

export function buildPbsIndex(pbs: readonly PbsFacts[], warnings: string[]): PbsIndex {
  const index: PbsIndex = {
    groups: [],
    snapshotKeysBySource: new Map(),
    sourcesByHost: new Map(),
    sourcesByStore: new Map(),
  }
  const sources = [...pbs].sort((a, b) => compareText(a.sourceId, b.sourceId))
  for (const source of sources) addSource(index, source, warnings)
  index.groups.sort(compareGroups)
  return index
}

/**
 * The PBS source a PVE `pbs` storage points at: by host, else (host written differently, e.g.
 * IP vs name) the one source holding that datastore and namespace. null when unknown.
 */
export function sourceOfTarget(index: PbsIndex, target: PbsTarget): string | null {
  const byHost = index.sourcesByHost.get(normalizeHost(target.server))
  if (byHost !== undefined) return byHost
  const byStore = index.sourcesByStore.get(storeKey(target.datastore, target.namespace))
  return byStore?.length === 1 ? (byStore[0] ?? null) : null
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
