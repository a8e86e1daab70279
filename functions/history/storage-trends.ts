// Storage trends (GET /api/history/storage): each PVE backup storage and PBS datastore of
// /api/storage with its usage samples over the window and its estimated full date exactly as
// /api/storage states it now (the fit for PVE storages, PBS's own for datastores). Pure.
import type { StorageTrend, StorageTrendsResponse } from '../../shared/schema/history.ts'
import type { StorageIndex } from '../../shared/schema/storage.ts'
import type { UsageSample } from '../normalize/types.ts'

export function storageTrends(
  storage: StorageIndex,
  samples: readonly UsageSample[],
  from: number,
  to: number,
): StorageTrendsResponse {
  const byKey = new Map<string, UsageSample[]>()
  for (const s of samples) {
    if (s.at < from || s.at > to) continue
    const list = byKey.get(s.key)
    if (list) list.push(s)
    else byKey.set(s.key, [s])
  }
  const points = (key: string) =>
    (byKey.get(key) ?? [])
      .sort((a, b) => a.at - b.at)
      .map((s) => ({ at: s.at, used: s.used, total: s.total }))
  const trends: StorageTrend[] = [
    ...storage.storages.map(
      (s): StorageTrend => ({
        key: s.key,
        kind: 'storage',
        // A node-local storage exists once per node: say which.
        name: s.shared || s.nodes.length !== 1 ? s.storage : `${s.storage} (${s.nodes[0]})`,
        samples: points(s.key),
        estimatedFull: s.estimatedFull,
      }),
    ),
    ...storage.datastores.map(
      (d): StorageTrend => ({
        key: d.key,
        kind: 'datastore',
        name: d.store,
        samples: points(d.key),
        estimatedFull: d.estimatedFull,
      }),
    ),
  ]
  return { from, to, trends }
}

/** Every key /api/storage lists, whose samples the trends need. */
export const trendKeys = (storage: StorageIndex) => [
  ...storage.storages.map((s) => s.key),
  ...storage.datastores.map((d) => d.key),
]
