// A guest's PBS verification: the state of its newest finished snapshot (one that failed
// verification is not a restore point to trust) and when the newest verified-ok one was made.
import type { BackupDetail, GuestVerification } from '../../shared/schema/guest.ts'

/** Null for a guest with no finished PBS snapshot. */
export function guestVerification(items: readonly BackupDetail[]): GuestVerification | null {
  let newest: BackupDetail | undefined
  let latestVerified: number | null = null
  for (const item of items) {
    if (item.kind !== 'pbs' || item.inProgress) continue
    // At the same time (one snapshot seen through PBS and a PVE storage) a failure wins.
    if (
      !newest ||
      item.time > newest.time ||
      (item.time === newest.time && item.verification === 'failed')
    )
      newest = item
    if (item.verification === 'ok' && (latestVerified === null || item.time > latestVerified))
      latestVerified = item.time
  }
  if (!newest) return null
  return { latest: newest.verification ?? 'none', latestVerified }
}
