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
  if (namespace === undefined) return ''
  const clean = namespace === '' || (namespace[0] !== '/' && !namespace.endsWith('/'))
  return clean ? namespace : namespace.replace(/^\/+|\/+$/g, '')
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

const pad = (value: number, width = 2) => String(value).padStart(width, '0')
const pad2 = (value: number) => (value < 10 ? `0${value}` : String(value))

/** `2025-06-07` by day number; the snapshots of a store fall on a few hundred days. */
const dayTexts = new Map<number, string>()
const DAY_TEXTS_KEPT = 10_000

function dayText(days: number): string {
  const known = dayTexts.get(days)
  if (known !== undefined) return known
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1_460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  const text = `${pad(year, 4)}-${pad2(month)}-${pad2(day)}`
  if (dayTexts.size >= DAY_TEXTS_KEPT) dayTexts.clear()
  dayTexts.set(days, text)
  return text
}

/**
 * `2025-06-07T18:00:02Z` by arithmetic (Hinnant's civil-from-days): Date's toISOString was
 * a tenth of the normalizer's time across tens of thousands of snapshots. The date part is
 * kept per day (a store's snapshots fall on a few hundred).
 */
export function isoSeconds(time: number): string {
  const days = Math.floor(time / 86_400)
  const second = time - days * 86_400
  const clock = `${pad2(Math.floor(second / 3_600))}:${pad2(Math.floor(second / 60) % 60)}:${pad2(second % 60)}`
  return `${dayText(days)}T${clock}Z`
}

/** PBS's own snapshot path, `vm/100/2025-06-07T18:00:02Z`. */
export function pbsPath(type: GuestType, vmid: number, time: number): string {
  return `${type === 'qemu' ? 'vm' : 'ct'}/${vmid}/${isoSeconds(time)}`
}
