// Guest snapshots, asked of each guest's current node (another node answers 500). Snapshots
// are not backups: they feed latestTimes.snapshots only. A guest whose node is down, or whose
// call fails, keeps the snapshots the previous run saw. No cluster-wide call lists snapshots,
// so this is one call per guest (unit `snapshots:<type>/<vmid>`).
import { isFuture } from '../epoch.ts'
import { countDrop, createDrops, itemList, keepFirst, parseItems } from '../proxmox/lenient.ts'
import { PveSnapshotSchema } from '../proxmox/pve-schemas.ts'
import type { PveGuestFact, PveSnapshotFact } from './facts.ts'
import { nodePath, type PveCollectContext } from './pve-context.ts'
import { deferredFirst, reportDrops, softFail, type Trouble } from './trouble.ts'

/** `current` is PVE's "You are here!" pseudo-entry, not a snapshot (and has no snaptime). */
function isCurrent(item: unknown): boolean {
  return typeof item === 'object' && item !== null && 'name' in item && item.name === 'current'
}

export function snapshotsUnit(guest: Pick<PveGuestFact, 'type' | 'vmid'>): string {
  return `snapshots:${guest.type}/${guest.vmid}`
}

function previousSnapshots(ctx: PveCollectContext, guest: PveGuestFact): PveSnapshotFact[] {
  return (ctx.previous?.snapshots ?? []).filter(
    (s) => s.vmid === guest.vmid && s.guestType === guest.type,
  )
}

async function listSnapshots(
  ctx: PveCollectContext,
  guest: PveGuestFact,
  trouble: Trouble,
): Promise<PveSnapshotFact[]> {
  const path = `${nodePath(guest.node)}/${guest.type}/${guest.vmid}/snapshot`
  const raw = await ctx.client.get(path, itemList)
  const drops = createDrops()
  const parsed = parseItems(
    raw.filter((item) => !isCurrent(item)),
    PveSnapshotSchema,
    drops,
  ).items.filter((item) => {
    const future = item.snaptime !== undefined && isFuture(item.snaptime, ctx.now)
    if (future) countDrop(drops, 'snaptime in the future')
    return !future
  })
  const listed = keepFirst(parsed, (item) => item.name, drops, 'duplicate name')
  reportDrops(trouble, drops, `snapshots of ${guest.type}/${guest.vmid}`)
  return listed.map((item) => ({
    vmid: guest.vmid,
    guestType: guest.type,
    node: guest.node,
    name: item.name,
    snaptime: item.snaptime ?? 0,
    description: item.description,
    vmstate: item.vmstate ?? false,
  }))
}

/**
 * Snapshots of `guests` (all guests in a normal run; in a continuation only those whose unit
 * was deferred, everything else being carried by the caller).
 */
export async function collectPveSnapshots(
  ctx: PveCollectContext,
  guests: PveGuestFact[],
  reachable: ReadonlySet<string>,
  trouble: Trouble,
): Promise<PveSnapshotFact[]> {
  const snapshots: PveSnapshotFact[] = []
  // Templates cannot be snapshotted, so asking would only spend a subrequest.
  const candidates = guests.filter((g) => !g.template)
  for (const guest of candidates) {
    if (!reachable.has(guest.node)) snapshots.push(...previousSnapshots(ctx, guest))
  }
  const ordered = deferredFirst(
    candidates.filter((g) => reachable.has(g.node)),
    snapshotsUnit,
    ctx.previous?.deferred,
  )
  await Promise.all(
    ordered.map(async (guest) => {
      try {
        snapshots.push(...(await listSnapshots(ctx, guest, trouble)))
      } catch (error) {
        softFail(trouble, error, snapshotsUnit(guest))
        snapshots.push(...previousSnapshots(ctx, guest))
      }
    }),
  )
  return snapshots
}
