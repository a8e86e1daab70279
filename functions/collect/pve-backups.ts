// Backup archives of one PVE cluster. Every node that mounts a shared storage lists the same
// archives, so a shared storage is listed once, from one node; a local storage is listed on
// each node (unit `content:<node>/<storage>`). Which storages are active where comes from the
// storage entries of /cluster/resources. A listing that fails keeps what the previous run saw.
import type { z } from 'zod'
import { isFuture } from '../epoch.ts'
import { countDrop, createDrops, itemList, parseItems } from '../proxmox/lenient.ts'
import { PveBackupVolumeSchema } from '../proxmox/pve-schemas.ts'
import type { GuestType, PveBackupFact, PveStorageFact } from './facts.ts'
import { nodePath, type PveCollectContext, type PveLayout } from './pve-context.ts'
import { deferredFirst, priorityFirst, reportDrops, softFail, type Trouble } from './trouble.ts'

export interface ListingUnit {
  node: string
  storage: PveStorageFact
}

const VOLID_VMID = /(?:vzdump-(?:qemu|lxc|openvz)-|backup\/(?:vm|ct)\/)(\d+)/
const VOLID_TYPE = /vzdump-(qemu|lxc)-|backup\/(vm|ct)\//

export function contentUnit(unit: ListingUnit): string {
  return `content:${unit.node}/${unit.storage.storage}`
}

function guestTypeOf(item: z.output<typeof PveBackupVolumeSchema>): GuestType | null {
  if (item.subtype === 'qemu' || item.subtype === 'lxc') return item.subtype
  if (item.format === 'pbs-vm') return 'qemu'
  if (item.format === 'pbs-ct') return 'lxc'
  const match = VOLID_TYPE.exec(item.volid)
  if (match?.[1]) return match[1] as GuestType
  if (match?.[2]) return match[2] === 'vm' ? 'qemu' : 'lxc'
  return null
}

/** The fact, or why the item cannot be one. */
function toBackupFact(
  item: z.output<typeof PveBackupVolumeSchema>,
  unit: ListingUnit,
  now: number,
): PveBackupFact | string {
  const vmid = item.vmid ?? Number(VOLID_VMID.exec(item.volid)?.[1] ?? Number.NaN)
  if (!Number.isSafeInteger(vmid) || vmid <= 0)
    return item.vmid === undefined ? 'no vmid' : 'invalid vmid'
  if (item.ctime === undefined) return 'no ctime'
  if (isFuture(item.ctime, now)) return 'ctime in the future'
  const isPbs = unit.storage.type === 'pbs'
  const state = item.verification?.state
  return {
    volid: item.volid,
    storage: unit.storage.storage,
    storageType: unit.storage.type,
    shared: unit.storage.shared,
    node: unit.node,
    vmid,
    guestType: guestTypeOf(item),
    ctime: item.ctime,
    ...(item.size !== undefined && !(isPbs && item.size === 1) ? { size: item.size } : {}),
    ...(item.notes ? { notes: item.notes } : {}),
    protected: item.protected ?? false,
    ...(state === 'ok' || state === 'failed' ? { verification: state } : {}),
    format: item.format,
    // PVE reports size 1 for a PBS snapshot without a manifest: still running or aborted.
    inProgress: isPbs && item.size === 1,
    ...(isPbs && unit.storage.pbs ? { pbs: unit.storage.pbs } : {}),
  }
}

/** A listing we cannot make this run; `inactive`: its node answered but the storage is down. */
interface Carried {
  storage: string
  node?: string
  inactive: boolean
}

function planListings(ctx: PveCollectContext, layout: PveLayout) {
  const units: ListingUnit[] = []
  const carried: Carried[] = []
  for (const storage of layout.storages) {
    if (storage.type === 'pbs' && storage.pbs && ctx.directPbsServers.has(storage.pbs.server))
      continue
    const activeOn = (node: string) =>
      layout.reachable.has(node) && (layout.activeByNode.get(node)?.has(storage.storage) ?? false)
    const configuredOn = (node: string) =>
      layout.restrictedTo.get(storage.storage)?.has(node) ?? true
    if (storage.shared) {
      const node = layout.nodes.find(activeOn)
      if (node) units.push({ node, storage })
      else {
        const inactive = layout.nodes.some((n) => layout.reachable.has(n) && configuredOn(n))
        carried.push({ storage: storage.storage, inactive })
      }
      continue
    }
    for (const node of layout.nodes) {
      if (activeOn(node)) units.push({ node, storage })
      else if (!layout.reachable.has(node))
        carried.push({ storage: storage.storage, node, inactive: false })
      // Reachable, configured there, yet not listed as active: an unmounted share, or a token
      // that cannot see the storage. Its archives have not gone anywhere we know of.
      else if (configuredOn(node)) carried.push({ storage: storage.storage, node, inactive: true })
    }
  }
  return { units, carried }
}

function previousItems(ctx: PveCollectContext, storage: string, node?: string): PveBackupFact[] {
  return (ctx.previous?.backups ?? []).filter(
    (b) => b.storage === storage && (node === undefined || b.node === node),
  )
}

/** One listing; a failure keeps what the previous run saw there (deferred on budget). */
async function listUnit(
  ctx: PveCollectContext,
  unit: ListingUnit,
  trouble: Trouble,
): Promise<PveBackupFact[]> {
  const { node, storage } = unit
  try {
    const path = `${nodePath(node)}/storage/${encodeURIComponent(storage.storage)}/content`
    const raw = await ctx.client.get(
      path,
      itemList,
      { content: 'backup' },
      { first: forPriority(ctx, unit), heavy: true },
    )
    const drops = createDrops()
    const seen = new Set<string>()
    const backups: PveBackupFact[] = []
    for (const item of parseItems(raw, PveBackupVolumeSchema, drops).items) {
      const fact = toBackupFact(item, unit, ctx.now)
      if (typeof fact === 'string') countDrop(drops, fact)
      else if (seen.has(fact.volid)) countDrop(drops, 'duplicate volid')
      else {
        seen.add(fact.volid)
        backups.push(fact)
      }
    }
    reportDrops(trouble, drops, `backup volumes on storage ${storage.storage} (node ${node})`)
    return backups
  } catch (error) {
    softFail(trouble, error, contentUnit(unit))
    return previousItems(ctx, storage.storage, storage.shared ? undefined : node)
  }
}

/** Listings that can hold the priority node's new archives: its own storages and shared ones. */
function forPriority(ctx: PveCollectContext, unit: ListingUnit): boolean {
  return ctx.priorityNode !== undefined && (unit.storage.shared || unit.node === ctx.priorityNode)
}

function listAll(
  ctx: PveCollectContext,
  units: ListingUnit[],
  trouble: Trouble,
): Promise<PveBackupFact[][]> {
  return Promise.all(units.map((unit) => listUnit(ctx, unit, trouble)))
}

export async function collectPveBackups(
  ctx: PveCollectContext,
  layout: PveLayout,
  trouble: Trouble,
): Promise<PveBackupFact[]> {
  const { units, carried } = planListings(ctx, layout)
  const backups: PveBackupFact[] = []
  for (const c of carried) {
    const kept = previousItems(ctx, c.storage, c.node)
    backups.push(...kept)
    if (c.inactive && kept.length > 0) {
      const where = c.node === undefined ? 'any node' : `node ${c.node}`
      trouble.warnings.push(
        `storage ${c.storage} is not active on ${where}; kept ${kept.length} backup volume(s) from its last listing`,
      )
    }
  }
  // A node that just finished a backup wrote it to one of its own or a shared storage: those
  // listings take the `first` lane, ahead of every other request of the pass.
  const ordered = priorityFirst(deferredFirst(units, contentUnit, ctx.previous?.deferred), (unit) =>
    forPriority(ctx, unit),
  )
  for (const listed of await listAll(ctx, ordered, trouble)) backups.push(...listed)
  return backups
}

/**
 * A continuation: only the given listings; every other backup is carried from the previous
 * run's facts by the caller, which also drops what these listings replace.
 */
export async function collectDeferredBackups(
  ctx: PveCollectContext,
  units: ListingUnit[],
  trouble: Trouble,
): Promise<PveBackupFact[]> {
  return (await listAll(ctx, units, trouble)).flat()
}

/** Whether a previous backup fact is one of those a listing of `unit` replaces. */
export function listedBy(unit: ListingUnit, backup: PveBackupFact): boolean {
  return (
    backup.storage === unit.storage.storage && (unit.storage.shared || backup.node === unit.node)
  )
}
