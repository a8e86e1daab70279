// What PVE's own configuration says about who writes where on PBS: a cluster with a `pbs`
// storage pointing at a datastore+namespace writes there, as the user that storage logs in as.
import type { PveFacts } from '../collect/facts.ts'
import { type PbsIndex, sourceOfTarget } from './pbs-index.ts'
import { storeKey } from './pbs-names.ts'

export interface SourceEvidence {
  /** `datastore\0namespace` → clusters with a storage pointing there. */
  stores: Map<string, Set<string>>
  /** PBS user or token the storage logs in as → clusters. */
  users: Map<string, Set<string>>
}

/** Keyed by PBS source id. */
export type PbsEvidence = Map<string, SourceEvidence>

function addTo(map: Map<string, Set<string>>, key: string, cluster: string): void {
  const clusters = map.get(key)
  if (clusters) clusters.add(cluster)
  else map.set(key, new Set([cluster]))
}

export function gatherEvidence(pve: readonly PveFacts[], index: PbsIndex): PbsEvidence {
  const evidence: PbsEvidence = new Map()
  for (const facts of pve) {
    for (const storage of facts.storages) {
      if (storage.type !== 'pbs' || !storage.pbs) continue
      const source = sourceOfTarget(index, storage.pbs)
      if (source === null) continue
      let entry = evidence.get(source)
      if (!entry) {
        entry = { stores: new Map(), users: new Map() }
        evidence.set(source, entry)
      }
      addTo(entry.stores, storeKey(storage.pbs.datastore, storage.pbs.namespace), facts.sourceId)
      if (storage.pbs.username) addTo(entry.users, storage.pbs.username, facts.sourceId)
    }
  }
  return evidence
}
