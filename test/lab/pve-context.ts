// What a PVE route handler sees: the cluster, the caller's token and its ACL, active faults.
import { type AclEntry, allows } from './acl.ts'
import type { LabFault } from './faults.ts'
import type { LabModel } from './model.ts'
import { fail, type RouteResult } from './respond.ts'
import type { PveCluster, PveNode, PveStorage } from './types.ts'

export interface PveContext {
  model: LabModel
  cluster: PveCluster
  /** The calling token's id and ACL. */
  tokenId: string
  acl: readonly AclEntry[]
  offline: ReadonlySet<string>
  faults: readonly LabFault[]
  /**
   * Seconds the lab has been running: storage usage grows with it (storageUsed). Negative while
   * the lab's clock is set into its past.
   */
  elapsedSeconds: number
}

export const can = (ctx: PveContext, path: string, privilege: string): boolean =>
  allows(ctx.acl, path, privilege)

/**
 * Bytes used on a storage now: it grows by its daily rate in whole hours of lab time (so one
 * test's refreshes see the same figure), up to its size.
 */
export function storageUsed(ctx: PveContext, s: PveStorage): number {
  const hours = Math.floor(ctx.elapsedSeconds / 3600)
  const grown = s.used + Math.round(((s.growthPerDay ?? 0) * hours) / 24)
  // Back in the replayed past (negative time) it was emptier, but never empty.
  return Math.min(s.total, Math.max(Math.round(s.used * 0.2), grown))
}

export function findNode(ctx: PveContext, name: string): PveNode | undefined {
  return ctx.cluster.nodes.find((n) => n.name === name)
}

export function unknownNode(name: string): RouteResult {
  return fail(
    500,
    `hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`,
  )
}

export function storageEnabledOn(storage: PveStorage, node: string): boolean {
  return storage.disable !== 1 && (!storage.nodes || storage.nodes.includes(node))
}

/** Message of an active datastore-unavailable fault hitting a pbs-type storage. */
export function pbsUnavailable(ctx: PveContext, storage: PveStorage): string | undefined {
  const target = storage.pbs
  if (!target) return undefined
  const fault = ctx.faults.find(
    (f) =>
      f.kind === 'datastore-unavailable' &&
      f.source === target.source &&
      f.datastore === target.datastore,
  )
  if (fault?.kind !== 'datastore-unavailable') return undefined
  return `datastore '${target.datastore}' is unavailable: ${fault.message ?? 'offline for maintenance'}`
}
