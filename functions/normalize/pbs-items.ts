// Hands each PBS group's snapshots to the guest, orphan or ambiguous list its attribution
// chose. Ambiguous snapshots are counted on every candidate but belong to none of them; an
// orphan group of no known cluster stays its own orphan.

import type { Ambiguous, BackupDetail } from '../../shared/schema/guest.ts'
import type { PbsSnapshotFact } from '../collect/facts.ts'
import { type AttributionContext, resolveGroup } from './attribute-pbs.ts'
import { addGroupOrphan, addOrphan, addOrphanComment, type OrphanBook } from './orphans.ts'
import type { PbsGroup } from './pbs-index.ts'
import { pbsLocation, pbsPath } from './pbs-names.ts'
import { cleanSize, compareText } from './validate.ts'

export function pbsDetail(
  group: PbsGroup,
  snap: PbsSnapshotFact,
  location = pbsLocation(group.datastore, group.namespace),
): BackupDetail {
  const detail: BackupDetail = {
    kind: 'pbs',
    time: snap.backupTime,
    location,
    protected: snap.protected === true,
    name: pbsPath(group.type, group.vmid, snap.backupTime),
    inProgress: snap.inProgress === true,
  }
  const size = cleanSize(snap.size)
  if (size !== undefined) detail.size = size
  if (snap.verification !== undefined) detail.verification = snap.verification
  if (snap.comment !== undefined && snap.comment.trim() !== '') detail.notes = snap.comment.trim()
  return detail
}

function ambiguousEntry(group: PbsGroup, candidates: string[]): Ambiguous | null {
  let latest: number | null = null
  let count = 0
  for (const snap of group.snapshots) {
    if (snap.inProgress) continue
    count += 1
    if (latest === null || snap.backupTime > latest) latest = snap.backupTime
  }
  if (latest === null) return null
  return {
    guestId: group.vmid,
    type: group.type,
    source: group.sourceId,
    datastore: group.datastore,
    namespace: group.namespace,
    candidates: [...candidates].sort(compareText),
    latestBackupTime: latest,
    count,
  }
}

export function applyPbsGroups(
  groups: readonly PbsGroup[],
  ctx: AttributionContext,
  orphans: OrphanBook,
  warnings: string[],
): Ambiguous[] {
  const ambiguous: Ambiguous[] = []
  for (const group of groups) {
    const resolution = resolveGroup(group, ctx)
    // Once per group: every snapshot of it is in the same place.
    const location = pbsLocation(group.datastore, group.namespace)
    if (resolution.kind === 'guest') {
      if (group.comment !== undefined) resolution.slot.pbsGroupComments.push(group.comment)
      for (const snap of group.snapshots)
        resolution.slot.items.push(pbsDetail(group, snap, location))
    } else if (resolution.kind === 'orphan') {
      const { cluster } = resolution
      for (const snap of group.snapshots) {
        const detail = pbsDetail(group, snap, location)
        if (cluster === null) addGroupOrphan(orphans, group, detail)
        else addOrphan(orphans, cluster, group.vmid, group.type, detail)
      }
      if (group.comment !== undefined) addOrphanComment(orphans, group, cluster, group.comment)
    } else if (resolution.kind === 'ambiguous') {
      const entry = ambiguousEntry(
        group,
        resolution.candidates.map((slot) => slot.cluster),
      )
      if (!entry) continue
      ambiguous.push(entry)
      for (const slot of resolution.candidates) slot.ambiguousSnapshots += entry.count
    } else {
      warnings.push(
        `${group.sourceId}: ${pbsLocation(group.datastore, group.namespace)} ${group.type} ${group.vmid} is mapped to cluster "${resolution.cluster}", whose guests are unknown this round`,
      )
    }
  }
  return ambiguous
}
