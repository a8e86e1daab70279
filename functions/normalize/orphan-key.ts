// The stable key of an orphan, for its KV record and the route /api/orphans/:key (which allows
// only [A-Za-z0-9._:/-]). A cluster-known orphan is `cluster/vmid` like a guest; a PBS group
// nobody can place is `pbs/<source>/<store>/<namespace or ->/<vm|ct>/<vmid>`, one per group.
import type { GuestType } from '../../shared/schema/guest.ts'

/** `:` plus four hex digits per UTF-16 unit: injective, and `:` itself is always escaped. */
function escapeUnit(text: string, index: number): string {
  return `:${text.charCodeAt(index).toString(16).padStart(4, '0')}`
}

/**
 * PBS names are safe ids (`[A-Za-z0-9_][A-Za-z0-9._-]*`, namespaces of those joined by `/`)
 * and pass through unchanged. Anything else an upstream sends is escaped, and so is a `.` or
 * `-` opening a segment, so no segment is `.`/`..` (which URLs collapse) or the root's `-`;
 * with `slashes`, a `/` survives only between two non-empty segments.
 */
function keyPart(text: string, slashes = false): string {
  let out = ''
  for (let i = 0; i < text.length; i++) {
    const char = text[i] ?? ''
    const segmentStart = i === 0 || text[i - 1] === '/'
    if (/[A-Za-z0-9_]/.test(char)) out += char
    else if ((char === '.' || char === '-') && !segmentStart) out += char
    else if (char === '/' && slashes && !segmentStart && i < text.length - 1) out += char
    else out += escapeUnit(text, i)
  }
  return out
}

export function clusterOrphanKey(cluster: string, vmid: number): string {
  return `${keyPart(cluster)}/${vmid}`
}

export function pbsOrphanKey(
  source: string,
  datastore: string,
  namespace: string,
  type: GuestType,
  vmid: number,
): string {
  const ns = namespace === '' ? '-' : keyPart(namespace, true)
  return `pbs/${keyPart(source)}/${keyPart(datastore)}/${ns}/${type === 'qemu' ? 'vm' : 'ct'}/${vmid}`
}
