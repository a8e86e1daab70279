// Collects backups whose guest no longer exists into orphans, each a full record like a guest's
// (per-type times, calendar, details). Backups of a known cluster gather per (cluster, vmid);
// a PBS group no cluster can be told for stays its own orphan, shown with its namespace and
// owner: merging such groups by VMID would attribute them to each other by guess.
import type { BackupDetail, GuestType, Orphan, OrphanRecord } from '../../shared/schema/guest.ts'
import { backupDates, type DayNames } from './backup-dates.ts'
import { latestTimes, newestFirst, overall, uniqueComments } from './guest-record.ts'
import { clusterOrphanKey, pbsOrphanKey } from './orphan-key.ts'
import type { PbsGroup } from './pbs-index.ts'
import { compareText } from './validate.ts'

interface OrphanDraft {
  key: string
  cluster: string | null
  guestId: number
  types: Set<GuestType | null>
  pbsGroup: OrphanRecord['pbsGroup']
  items: BackupDetail[]
  /** Comments of its PBS groups (alert exclusion by `no-monitor`). */
  comments: string[]
}

/** Keyed by orphan key. */
export type OrphanBook = Map<string, OrphanDraft>

function draftOf(
  book: OrphanBook,
  fresh: Omit<OrphanDraft, 'types' | 'items' | 'comments'>,
): OrphanDraft {
  let draft = book.get(fresh.key)
  if (!draft) {
    draft = { ...fresh, types: new Set(), items: [], comments: [] }
    book.set(fresh.key, draft)
  }
  return draft
}

/** A backup of a VMID its cluster no longer has. */
export function addOrphan(
  book: OrphanBook,
  cluster: string,
  vmid: number,
  type: GuestType | null,
  detail: BackupDetail,
): void {
  const key = clusterOrphanKey(cluster, vmid)
  const draft = draftOf(book, { key, cluster, guestId: vmid, pbsGroup: null })
  draft.types.add(type)
  draft.items.push(detail)
}

/** A snapshot of a PBS group no guest claims and no cluster's storage or user wrote. */
export function addGroupOrphan(book: OrphanBook, group: PbsGroup, detail: BackupDetail): void {
  const key = pbsOrphanKey(group.sourceId, group.datastore, group.namespace, group.type, group.vmid)
  const pbsGroup = {
    source: group.sourceId,
    datastore: group.datastore,
    namespace: group.namespace,
    owner: group.owner ?? null,
  }
  const draft = draftOf(book, { key, cluster: null, guestId: group.vmid, pbsGroup })
  draft.types.add(group.type)
  draft.items.push(detail)
}

/** The comment of a PBS group whose snapshots went to an orphan (`cluster` as for those). */
export function addOrphanComment(
  book: OrphanBook,
  group: PbsGroup,
  cluster: string | null,
  comment: string,
): void {
  const key =
    cluster === null
      ? pbsOrphanKey(group.sourceId, group.datastore, group.namespace, group.type, group.vmid)
      : clusterOrphanKey(cluster, group.vmid)
  book.get(key)?.comments.push(comment)
}

/** The one known type, or null when unknown or mixed (a reused VMID). */
function orphanType(types: Set<GuestType | null>): GuestType | null {
  const known = [...types].filter((type) => type !== null)
  return known.length === 1 ? (known[0] ?? null) : null
}

/** The record, or null while nothing of it is finished: an unfinished backup is none yet. */
function buildOrphanRecord(draft: OrphanDraft, dayNames: DayNames): OrphanRecord | null {
  const times = latestTimes(draft.items)
  const latest = overall(times)
  if (latest === null) return null
  const finished = draft.items.filter((item) => !item.inProgress)
  const record: OrphanRecord = {
    key: draft.key,
    orphan: true,
    cluster: draft.cluster,
    guestId: draft.guestId,
    type: orphanType(draft.types),
    latestBackupTime: latest,
    latestTimes: times,
    count: finished.length,
    locations: [...new Set(finished.map((item) => item.location))].sort(compareText),
    pbsGroup: draft.pbsGroup === null ? null : { ...draft.pbsGroup },
    backupDates: backupDates(draft.items, dayNames),
    backups: [...draft.items].sort(newestFirst),
  }
  if (draft.comments.length > 0) record.pbsGroupComments = uniqueComments(draft.comments)
  return record
}

export function buildOrphanRecords(book: OrphanBook, dayNames: DayNames): OrphanRecord[] {
  const records: OrphanRecord[] = []
  for (const draft of book.values()) {
    const record = buildOrphanRecord(draft, dayNames)
    if (record) records.push(record)
  }
  return records.sort(
    (a, b) =>
      // Orphans with no known cluster come last.
      (a.cluster === null ? 1 : 0) - (b.cluster === null ? 1 : 0) ||
      compareText(a.cluster ?? '', b.cluster ?? '') ||
      a.guestId - b.guestId ||
      compareText(a.key, b.key),
  )
}

/** The record without its per-backup lists: the index's entry. */
export function toOrphanSummary(record: OrphanRecord): Orphan {
  return {
    key: record.key,
    orphan: true,
    cluster: record.cluster,
    guestId: record.guestId,
    type: record.type,
    latestBackupTime: record.latestBackupTime,
    latestTimes: { ...record.latestTimes },
    count: record.count,
    locations: [...record.locations],
    pbsGroup: record.pbsGroup === null ? null : { ...record.pbsGroup },
    ...(record.pbsGroupComments ? { pbsGroupComments: [...record.pbsGroupComments] } : {}),
  }
}
