// How PBS places are named and keyed: hosts as PVE writes them, namespaces, the snapshot join
// key shared by PBS and PVE listings, and the `datastore/ns` and `vm/100/<time>` texts we show.
import type { GuestType } from '../../shared/schema/guest.ts'

export const SEP = '\u0000'

/** `[fe80::1]:8007` / `PBS.lan:8007` → `fe80::1` / `pbs.lan`: PVE stores the bare host. */
export function normalizeHost(host: string): string {
  const lower = host.trim().toLowerCase()
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(lower)
  if (bracketed?.[1]) return bracketed[1]
  return /^[^:]+:\d+$/.test(lower) ? lower.slice(0, lower.lastIndexOf(':')) : lower
}

/** PBS and PVE both mean the root namespace by "", some tools write "/". */
export function cleanNamespace(namespace: string | undefined): string {
  return (namespace ?? '').replace(/^\/+|\/+$/g, '')
}

export function storeKey(datastore: string, namespace: string): string {
  return `${datastore}${SEP}${cleanNamespace(namespace)}`
}

export function snapshotKey(
  datastore: string,
  namespace: string,
  type: GuestType,
  vmid: number,
  time: number,
): string {
  return `${storeKey(datastore, namespace)}${SEP}${type}${SEP}${vmid}${SEP}${time}`
}

/** `store1` for the root namespace, else `store1/cluster-a`. */
export function pbsLocation(datastore: string, namespace: string): string {
  const ns = cleanNamespace(namespace)
  return ns === '' ? datastore : `${datastore}/${ns}`
}

/** PBS's own snapshot path, `vm/100/2025-06-07T18:00:02Z`. */
export function pbsPath(type: GuestType, vmid: number, time: number): string {
  const iso = new Date(time * 1000).toISOString().replace('.000Z', 'Z')
  return `${type === 'qemu' ? 'vm' : 'ct'}/${vmid}/${iso}`
}
