// Turns a cluster's guest snapshots into detail items. Snapshots are shown and dated, but they
// live on the guest's own storage, so they never count as a backup.

import type { BackupDetail } from '../../shared/schema/guest.ts'
import type { PveFacts } from '../collect/facts.ts'
import { isVmid, timeProblem } from './validate.ts'

export interface SnapshotItem {
  vmid: number
  detail: BackupDetail
}

export function snapshotItems(facts: PveFacts, now: number, warnings: string[]): SnapshotItem[] {
  const items: SnapshotItem[] = []
  for (const snap of facts.snapshots) {
    // "current" is PVE's marker for the live state, not a snapshot.
    if (snap.name === 'current') continue
    const problem = isVmid(snap.vmid) ? timeProblem(snap.snaptime, now) : 'invalid vmid'
    if (problem !== undefined) {
      warnings.push(`${facts.sourceId}: skipped snapshot ${snap.name} of ${snap.vmid}: ${problem}`)
      continue
    }
    const detail: BackupDetail = {
      kind: 'snapshot',
      // 0 means PVE did not know the time: kept here, left out of "latest" and the calendar.
      time: snap.snaptime,
      location: snap.node,
      node: snap.node,
      protected: false,
      name: snap.name,
      inProgress: false,
    }
    const notes = snap.description.trim()
    if (notes !== '') detail.notes = notes
    items.push({ vmid: snap.vmid, detail })
  }
  return items
}
