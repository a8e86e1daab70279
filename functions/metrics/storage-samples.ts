// Per-storage series: PVE backup storages and PBS datastores, used / total bytes and the
// estimated full time. A value the source did not send has no sample (never a made-up 0).
import type { StorageIndex } from '../../shared/schema/storage.ts'
import type { Sample } from './exposition.ts'
import type { Samples } from './input.ts'

function push<L extends string>(
  list: Sample<L>[],
  labels: Record<L, string>,
  value: number | null,
) {
  if (value !== null) list.push({ labels, value })
}

export function addStorageSamples(out: Samples, storage: StorageIndex): void {
  for (const s of storage.storages) {
    // A shared storage is listed once; its node label is empty (nodes would repeat it).
    const labels = {
      cluster: s.cluster,
      storage: s.storage,
      node: s.shared ? '' : (s.nodes[0] ?? ''),
    }
    push(out.storageUsed, labels, s.used)
    push(out.storageTotal, labels, s.total)
    push(out.storageFull, labels, s.estimatedFull)
  }
  for (const d of storage.datastores) {
    const labels = { source: d.source, store: d.store }
    push(out.datastoreUsed, labels, d.used)
    push(out.datastoreAvailable, labels, d.avail)
    push(out.datastoreTotal, labels, d.total)
    push(out.datastoreFull, labels, d.estimatedFull)
  }
}
