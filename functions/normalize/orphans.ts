// Collects backups whose guest no longer exists in their cluster (or in any, for PBS) into one
// Orphan per (cluster, vmid), counting finished backups only.
import type { BackupDetail, GuestType, Orphan } from '../../shared/schema/guest.ts'
import { compareText } from './validate.ts'

interface OrphanDraft {
  cluster: string | null
  guestId: number
  types: Set<GuestType | null>
  latest: number
  count: number
  locations: Set<string>
}

export type OrphanBook = Map<string, OrphanDraft>

export function addOrphan(
  book: OrphanBook,
  cluster: string | null,
  vmid: number,
  type: GuestType | null,
  detail: BackupDetail,
): void {
  // An unfinished backup is not a backup yet; a group of only those is no orphan.
  if (detail.inProgress) return
  const key = `${cluster ?? ''}\u0000${vmid}`
  let draft = book.get(key)
  if (!draft) {
    draft = {
      cluster,
      guestId: vmid,
      types: new Set(),
      latest: detail.time,
      count: 0,
      locations: new Set(),
    }
    book.set(key, draft)
  }
  draft.types.add(type)
  draft.latest = Math.max(draft.latest, detail.time)
  draft.count += 1
  draft.locations.add(detail.location)
}

/** The one known type, or null when unknown or mixed (a reused VMID). */
function orphanType(types: Set<GuestType | null>): GuestType | null {
  const known = [...types].filter((type) => type !== null)
  return known.length === 1 ? (known[0] ?? null) : null
}

export function listOrphans(book: OrphanBook): Orphan[] {
  return [...book.values()]
    .map((draft) => ({
      cluster: draft.cluster,
      guestId: draft.guestId,
      type: orphanType(draft.types),
      latestBackupTime: draft.latest,
      count: draft.count,
      locations: [...draft.locations].sort(compareText),
    }))
    .sort(
      (a, b) =>
        // Orphans with no known cluster come last.
        (a.cluster === null ? 1 : 0) - (b.cluster === null ? 1 : 0) ||
        compareText(a.cluster ?? '', b.cluster ?? '') ||
        a.guestId - b.guestId,
    )
}
