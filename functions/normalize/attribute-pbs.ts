// Decides which cluster's guest a PBS group belongs to. VMIDs repeat across clusters, so a
// group is only attributed on evidence; otherwise it is reported as ambiguous, never guessed.
import type { GuestType } from '../../shared/schema/guest.ts'
import type { GuestIndex } from './guest-index.ts'
import type { PbsEvidence } from './pbs-evidence.ts'
import type { PbsGroup } from './pbs-index.ts'
import { storeKey } from './pbs-names.ts'
import type { ClusterMapping, GuestSlot } from './types.ts'

export type Resolution =
  | { kind: 'guest'; slot: GuestSlot }
  | { kind: 'orphan'; cluster: string | null }
  | { kind: 'ambiguous'; candidates: GuestSlot[] }
  /** The cluster map names a cluster whose guest list we do not have this round. */
  | { kind: 'unknown-cluster'; cluster: string }

export interface AttributionContext {
  guests: GuestIndex
  clusterMaps: Readonly<Record<string, ClusterMapping>>
  evidence: PbsEvidence
}

function lookup(map: Record<string, string>, key: string | undefined): string | undefined {
  // hasOwn: a namespace called "constructor" must not find Object.prototype's.
  return key !== undefined && Object.hasOwn(map, key) ? map[key] : undefined
}

/** The configured cluster: by namespace (or its first segment), then datastore, then owner. */
export function mappedCluster(map: ClusterMapping | undefined, group: PbsGroup): string | null {
  if (!map) return null
  return (
    lookup(map.namespaces, group.namespace) ??
    lookup(map.namespaces, group.namespace.split('/')[0]) ??
    lookup(map.datastores, group.datastore) ??
    lookup(map.owners, group.owner) ??
    null
  )
}

/** The one item that passes, or null when none or several do. */
function single<T>(items: readonly T[], test: (item: T) => boolean): T | null {
  let found: T | null = null
  for (const item of items) {
    if (!test(item)) continue
    if (found !== null) return null
    found = item
  }
  return found
}

/** PVE's default notes template puts the guest name first: "web01" or "web01, 100". */
function commentNames(comment: string | undefined): string[] {
  if (comment === undefined) return []
  const whole = comment.trim()
  const first = whole.split(',')[0]?.trim() ?? ''
  return [whole, first].filter((name) => name !== '')
}

function newestComment(group: PbsGroup): string | undefined {
  let newest: { time: number; comment: string } | undefined
  for (const snap of group.snapshots) {
    if (snap.comment === undefined || (newest && newest.time >= snap.backupTime)) continue
    newest = { time: snap.backupTime, comment: snap.comment }
  }
  return newest?.comment
}

function byEvidence(group: PbsGroup, candidates: GuestSlot[], ctx: AttributionContext) {
  const evidence = ctx.evidence.get(group.sourceId)
  const writers = evidence?.stores.get(storeKey(group.datastore, group.namespace))
  const users = group.owner !== undefined ? evidence?.users.get(group.owner) : undefined
  const names = commentNames(newestComment(group))
  return (
    (writers && single(candidates, (slot) => writers.has(slot.cluster))) ||
    (users && single(candidates, (slot) => users.has(slot.cluster))) ||
    single(candidates, (slot) => slot.fact.name !== undefined && names.includes(slot.fact.name))
  )
}

/** A group nobody claims: which cluster's storage or user wrote it, if exactly one did. */
function orphanCluster(group: PbsGroup, ctx: AttributionContext): string | null {
  const evidence = ctx.evidence.get(group.sourceId)
  const writers = evidence?.stores.get(storeKey(group.datastore, group.namespace))
  if (writers?.size === 1) return [...writers][0] ?? null
  const users = group.owner !== undefined ? evidence?.users.get(group.owner) : undefined
  return users?.size === 1 ? ([...users][0] ?? null) : null
}

export function resolveGroup(group: PbsGroup, ctx: AttributionContext): Resolution {
  const type: GuestType = group.type
  const candidates = (ctx.guests.byVmid.get(group.vmid) ?? []).filter((s) => s.fact.type === type)
  // The configured map is the user's word: it wins even over a lone candidate elsewhere,
  // since a deleted guest's old group must not make another cluster's guest look backed up.
  const mapped = mappedCluster(ctx.clusterMaps[group.sourceId], group)
  if (mapped !== null) {
    if (!ctx.guests.clusters.has(mapped)) return { kind: 'unknown-cluster', cluster: mapped }
    const slot = candidates.find((candidate) => candidate.cluster === mapped)
    return slot ? { kind: 'guest', slot } : { kind: 'orphan', cluster: mapped }
  }
  const [first] = candidates
  if (first === undefined) return { kind: 'orphan', cluster: orphanCluster(group, ctx) }
  if (candidates.length === 1) return { kind: 'guest', slot: first }
  const slot = byEvidence(group, candidates, ctx)
  return slot ? { kind: 'guest', slot } : { kind: 'ambiguous', candidates }
}
