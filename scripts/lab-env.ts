// Turns a running lab into the Worker's settings (PULSE_SOURCES plus secrets), exactly as a
// user would configure a real Proxmox: used by `npm run dev`, the workerd tests and benchmarks.
import { secretSuffix } from '../functions/config.ts'
import type { LabModel, LabSource } from '../test/lab/model.ts'

/** The lab names sources `pve/homelab`, `pbs/pbs`; the Worker's ids are the last part. */
export function workerSourceId(labId: string): string {
  return labId.split('/').at(-1) ?? labId
}

/** Names PVE's `pbs` storages use for the lab's PBS (its `server` key). */
export function pveServerNames(model: LabModel): string[] {
  const names = new Set<string>()
  for (const cluster of model.clusters) {
    for (const storage of cluster.storages) {
      if (storage.type === 'pbs' && typeof storage.config.server === 'string') {
        names.add(storage.config.server)
      }
    }
  }
  return [...names]
}

/** Which cluster writes which PBS namespace, as a user would map it (one namespace per cluster). */
function namespaceMap(model: LabModel): Record<string, string> {
  const map: Record<string, string> = {}
  for (const cluster of model.clusters) {
    for (const storage of cluster.storages) {
      if (storage.pbs?.namespace) map[storage.pbs.namespace] = cluster.name
    }
  }
  return map
}

export function labWorkerVars(
  model: LabModel,
  sources: LabSource[],
  extra: Record<string, string> = {},
): Record<string, string> {
  const config = sources.map((source) =>
    source.kind === 'pve'
      ? { id: workerSourceId(source.id), kind: 'pve', url: source.url, tokenId: source.tokenId }
      : {
          id: workerSourceId(source.id),
          kind: 'pbs',
          url: source.url,
          tokenId: source.tokenId,
          pveServerNames: pveServerNames(model),
          clusterMap: { namespaces: namespaceMap(model) },
        },
  )
  const vars: Record<string, string> = { PULSE_SOURCES: JSON.stringify(config), ...extra }
  for (const source of sources) {
    vars[`PULSE_TOKEN_${secretSuffix(workerSourceId(source.id))}`] = source.tokenSecret
  }
  return vars
}
