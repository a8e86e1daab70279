// The size of each type's newest finished backup, for the index (and /metrics): the summary
// has no per-backup list, so the size of the backup `latestTimes` names is carried beside it.
import type { BackupDetail, LatestSizes } from '../../shared/schema/guest.ts'

/**
 * `newestFirst` must be sorted newest first (as a record's `backups` are): the first finished
 * item of a type is the one its latest time comes from.
 */
export function latestSizes(newestFirst: readonly BackupDetail[]): LatestSizes {
  const sizes: LatestSizes = { pve: null, pbs: null }
  let seenPve = false
  let seenPbs = false
  for (const item of newestFirst) {
    if (item.inProgress) continue
    if (item.kind === 'pve' && !seenPve) {
      seenPve = true
      sizes.pve = item.size ?? null
    } else if (item.kind === 'pbs' && !seenPbs) {
      seenPbs = true
      sizes.pbs = item.size ?? null
    }
    if (seenPve && seenPbs) break
  }
  return sizes
}
