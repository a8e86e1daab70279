// Indexes every cluster's guests by `cluster/vmid` and, for PBS attribution, by VMID across
// clusters. VMIDs are only unique per cluster; names are never an identity (two "web" stay two).
import type { PveFacts } from '../collect/facts.ts'
import type { GuestSlot } from './types.ts'
import { isVmid } from './validate.ts'

export interface GuestIndex {
  byKey: Map<string, GuestSlot>
  /** Every cluster's guest with that VMID, in cluster order. */
  byVmid: Map<number, GuestSlot[]>
  /** Clusters whose guest list we have, so a missing guest there is really missing. */
  clusters: Set<string>
}

export function guestKey(cluster: string, vmid: number): string {
  return `${cluster}/${vmid}`
}

export function indexGuests(pve: readonly PveFacts[], warnings: string[]): GuestIndex {
  const index: GuestIndex = { byKey: new Map(), byVmid: new Map(), clusters: new Set() }
  for (const facts of pve) {
    index.clusters.add(facts.sourceId)
    for (const fact of facts.guests) {
      if (!isVmid(fact.vmid) || (fact.type !== 'qemu' && fact.type !== 'lxc')) {
        warnings.push(`${facts.sourceId}: skipped a guest with an invalid vmid or type`)
        continue
      }
      const key = guestKey(facts.sourceId, fact.vmid)
      if (index.byKey.has(key)) {
        warnings.push(`${facts.sourceId}: guest ${fact.vmid} is listed twice; kept the first`)
        continue
      }
      const slot: GuestSlot = {
        key,
        cluster: facts.sourceId,
        clusterName: facts.clusterName,
        fact,
        items: [],
        ambiguousSnapshots: 0,
        pbsGroupComments: [],
      }
      index.byKey.set(key, slot)
      const sameVmid = index.byVmid.get(fact.vmid)
      if (sameVmid) sameVmid.push(slot)
      else index.byVmid.set(fact.vmid, [slot])
    }
  }
  return index
}
