// The backup inventory for audits (GET /api/export/inventory.json and .csv): each guest and
// orphan of the read cache's index, with its newest backup of each type still on storage as
// history recorded it (where, how big, verified), its jobs and its last job. Pure.
import type { GuestSummary, Orphan } from '../../shared/schema/guest.ts'
import type {
  InventoryBackup,
  InventoryEntry,
  InventoryResponse,
} from '../../shared/schema/history.ts'
import type { GuestIndex } from '../../shared/schema/index.ts'
import type { HistoryKind, StoredBackup } from './types.ts'

type Newest = Pick<
  StoredBackup,
  'key' | 'kind' | 'time' | 'location' | 'node' | 'name' | 'size' | 'verification' | 'protected'
>

function toBackup(b: Newest | undefined): InventoryBackup | null {
  if (!b) return null
  return {
    time: b.time,
    location: b.location,
    node: b.node,
    name: b.name,
    size: b.size,
    verification: b.verification,
    protected: b.protected,
  }
}

export function buildInventory(
  index: Pick<GuestIndex, 'guests' | 'orphans'>,
  newest: readonly Newest[],
  now: number,
): InventoryResponse {
  const byKey = new Map<string, Partial<Record<HistoryKind, Newest>>>()
  for (const b of newest) byKey.set(b.key, { ...byKey.get(b.key), [b.kind]: b })
  const newestOf = (key: string) => {
    const of = byKey.get(key) ?? {}
    return { pve: toBackup(of.pve), pbs: toBackup(of.pbs), snapshot: toBackup(of.snapshot) }
  }
  const guest = (g: GuestSummary): InventoryEntry => ({
    key: g.key,
    cluster: g.cluster,
    vmid: g.guestId,
    name: g.guestName,
    type: g.type,
    node: g.node,
    pool: g.pool ?? null,
    tags: g.tags ?? [],
    orphan: false,
    template: g.template,
    jobs: g.schedule?.jobs ?? [],
    schedule: g.schedule?.state ?? null,
    lastJob: g.lastJob
      ? { outcome: g.lastJob.outcome, time: g.lastJob.time, error: g.lastJob.error ?? null }
      : null,
    newest: newestOf(g.key),
  })
  const orphan = (o: Orphan): InventoryEntry => ({
    key: o.key,
    cluster: o.cluster,
    vmid: o.guestId,
    name: null,
    type: o.type,
    node: null,
    pool: null,
    tags: [],
    orphan: true,
    template: false,
    jobs: [],
    schedule: null,
    lastJob: null,
    newest: newestOf(o.key),
  })
  return { generatedAt: now, guests: [...index.guests.map(guest), ...index.orphans.map(orphan)] }
}
