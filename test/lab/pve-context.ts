// What a PVE route handler sees: the cluster, the caller's token kind and active faults.
import type { LabFault } from './faults.ts'
import type { LabModel } from './model.ts'
import { fail, type RouteResult } from './respond.ts'
import type { PveCluster, PveNode, PveStorage } from './types.ts'

export interface PveContext {
  model: LabModel
  cluster: PveCluster
  auditor: boolean
  offline: ReadonlySet<string>
  faults: readonly LabFault[]
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
