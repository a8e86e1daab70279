// A digest of a key's observed backups: what history compares each refresh, one short string per
// key, so a refresh that sees what the last one recorded reads one row per key and writes none.
// Not a security hash: a collision would only delay recording a change until the next one.
import type { ObservedBackup } from './types.ts'

/** cyrb53 (public domain): 53 bits, fast, well mixed, synchronous. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef
  let h2 = 0x41c6ce57
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    h1 = Math.imul(h1 ^ c, 2654435761)
    h2 = Math.imul(h2 ^ c, 1597334677)
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909)
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909)
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)
}

/**
 * Over everything a recorded row holds that a refresh can change, in the order observe.ts sorts
 * them. The duration is left out: it comes from task logs that age out of the task list, and a
 * known duration is never replaced by an unknown one anyway.
 */
export function backupsDigest(backups: readonly ObservedBackup[]): string {
  let text = ''
  for (const b of backups) {
    text += `${b.kind}\u0001${b.ident}\u0001${b.time}\u0001${b.size ?? ''}\u0001${b.location}\u0001${b.node ?? ''}\u0001${b.name}\u0001${b.verification ?? ''}\u0001${b.protected ? 1 : 0}\u0001${b.notes ?? ''}\u0002`
  }
  return `${backups.length}:${hash53(text)}`
}
