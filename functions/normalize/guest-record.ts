// Builds a guest's public record from what was attributed to it: exact per-type latest times,
// counts, calendar days, details newest first, last job, coverage and the backing-up flag.
import type {
  BackupDetail,
  GuestRecord,
  GuestSummary,
  LatestTimes,
} from '../../shared/schema/guest.ts'
import { backupDates, type DayNames } from './backup-dates.ts'
import { guestVerification } from './guest-verification.ts'
import { lastJob, type TaskIndex } from './last-job.ts'
import { latestSizes } from './latest-sizes.ts'
import type { GuestSlot } from './types.ts'
import { compareText } from './validate.ts'

export interface ClusterContext {
  tasks: TaskIndex
  /** VMIDs no backup job covers; null when PVE would not say. */
  notBackedUp: Set<number> | null
  dayNames: DayNames
}

function newer(current: number | null, time: number): number {
  return current === null || time > current ? time : current
}

/** Newest finished time per kind. A snapshot time of 0 is PVE's "unknown", so it is skipped. */
export function latestTimes(items: readonly BackupDetail[]): LatestTimes {
  const latest: LatestTimes = { pve: null, pbs: null, snapshots: null }
  for (const item of items) {
    if (item.inProgress) continue
    if (item.kind === 'pve') latest.pve = newer(latest.pve, item.time)
    else if (item.kind === 'pbs') latest.pbs = newer(latest.pbs, item.time)
    else if (item.time !== 0) latest.snapshots = newer(latest.snapshots, item.time)
  }
  return latest
}

function countFinished(items: readonly BackupDetail[]): GuestRecord['counts'] {
  const counts = { pve: 0, pbs: 0, snapshots: 0 }
  for (const item of items) {
    if (item.inProgress) continue
    if (item.kind === 'snapshot') counts.snapshots += 1
    else counts[item.kind] += 1
  }
  return counts
}

export function newestFirst(a: BackupDetail, b: BackupDetail): number {
  return (
    b.time - a.time ||
    compareText(a.kind, b.kind) ||
    compareText(a.location, b.location) ||
    compareText(a.name, b.name) ||
    compareText(a.node ?? '', b.node ?? '')
  )
}

/** Guest snapshots are not backups: only PVE archives and PBS snapshots make the overall time. */
export function overall(times: LatestTimes): number | null {
  if (times.pve === null) return times.pbs
  if (times.pbs === null) return times.pve
  return Math.max(times.pve, times.pbs)
}

/** Each PBS group comment once, in a stable order (facts in any order give the same record). */
export function uniqueComments(comments: readonly string[]): string[] {
  return [...new Set(comments)].sort(compareText)
}

/** PVE writes `;` between tags; older releases and hand edits also use `,` or spaces. */
export function splitTags(tags: string | undefined): string[] {
  return [...new Set((tags ?? '').split(/[;,\s]+/).filter((tag) => tag !== ''))]
}

export function buildGuestRecord(slot: GuestSlot, cluster: ClusterContext): GuestRecord {
  const { fact } = slot
  const times = latestTimes(slot.items)
  const job = lastJob(cluster.tasks, fact.vmid)
  const record: GuestRecord = {
    key: slot.key,
    cluster: slot.cluster,
    guestId: fact.vmid,
    guestName: fact.name ?? null,
    type: fact.type,
    node: fact.node,
    status: fact.status,
    template: fact.template === true,
    latestBackupTime: overall(times),
    latestTimes: times,
    lastJob: job,
    covered: cluster.notBackedUp === null ? null : !cluster.notBackedUp.has(fact.vmid),
    backingUp: fact.lock === 'backup' || job?.outcome === 'running',
    ambiguousSnapshots: slot.ambiguousSnapshots,
    counts: countFinished(slot.items),
    verification: guestVerification(slot.items),
    // Set from the cluster's jobs once every record is built (pve-jobs.ts).
    schedule: null,
    tags: splitTags(fact.tags),
    pool: fact.pool ?? null,
    backupDates: [],
    backups: [...slot.items].sort(newestFirst),
  }
  // From the sorted list: backupDates walks it without sorting again.
  record.backupDates = backupDates(record.backups, cluster.dayNames)
  if (slot.clusterName !== undefined) record.clusterName = slot.clusterName
  if (slot.pbsGroupComments.length > 0)
    record.pbsGroupComments = uniqueComments(slot.pbsGroupComments)
  record.latestSizes = latestSizes(record.backups)
  return record
}

/** The record without its per-backup lists: what the guest index and badges need. */
export function toGuestSummary(record: GuestRecord): GuestSummary {
  const summary: GuestSummary = {
    key: record.key,
    cluster: record.cluster,
    guestId: record.guestId,
    guestName: record.guestName,
    type: record.type,
    node: record.node,
    status: record.status,
    template: record.template,
    latestBackupTime: record.latestBackupTime,
    latestTimes: { ...record.latestTimes },
    lastJob: record.lastJob === null ? null : { ...record.lastJob },
    covered: record.covered,
    backingUp: record.backingUp,
    ambiguousSnapshots: record.ambiguousSnapshots,
    counts: { ...record.counts },
    verification: record.verification ? { ...record.verification } : null,
    schedule: record.schedule ? { ...record.schedule, jobs: [...record.schedule.jobs] } : null,
    tags: [...(record.tags ?? [])],
    pool: record.pool ?? null,
  }
  if (record.clusterName !== undefined) summary.clusterName = record.clusterName
  if (record.latestSizes !== undefined) summary.latestSizes = { ...record.latestSizes }
  if (record.pbsGroupComments !== undefined) summary.pbsGroupComments = [...record.pbsGroupComments]
  return summary
}
