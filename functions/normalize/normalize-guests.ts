// The normalizer: turns every source's facts into one record per (cluster, vmid), plus the
// backups nobody owns (orphans) and the PBS groups that cannot be told apart (ambiguous).
import type { PveFacts } from '../collect/facts.ts'
import type { DayNames } from './backup-dates.ts'
import { type GuestIndex, guestKey, indexGuests } from './guest-index.ts'
import { buildGuestRecord, type ClusterContext } from './guest-record.ts'
import { indexTasks } from './last-job.ts'
import { addOrphan, buildOrphanRecords, type OrphanBook, toOrphanSummary } from './orphans.ts'
import { gatherEvidence } from './pbs-evidence.ts'
import { pbsHealth } from './pbs-health.ts'
import { buildPbsIndex } from './pbs-index.ts'
import { applyPbsGroups } from './pbs-items.ts'
import { collectPveBackups } from './pve-items.ts'
import { applyPveJobs } from './pve-jobs.ts'
import { snapshotItems } from './snapshot-items.ts'
import { backupStorages } from './storage-usage.ts'
import type { NormalizeInput, NormalizeResult } from './types.ts'
import { compareText } from './validate.ts'

/**
 * PVE listings belong to the cluster that listed them, by VMID and never by node, so a
 * migrated guest keeps the archives on its old node. A reused VMID of the other type is not
 * this guest's backup.
 */
function attributePveListings(
  facts: PveFacts,
  guests: GuestIndex,
  pbs: ReturnType<typeof buildPbsIndex>,
  orphans: OrphanBook,
  now: number,
  warnings: string[],
): void {
  for (const listed of collectPveBackups(facts, pbs, now, warnings)) {
    const slot = guests.byKey.get(guestKey(facts.sourceId, listed.vmid))
    if (slot && (listed.type === null || listed.type === slot.fact.type)) {
      slot.items.push(listed.detail)
    } else {
      addOrphan(orphans, facts.sourceId, listed.vmid, listed.type, listed.detail)
    }
  }
  for (const snapshot of snapshotItems(facts, now, warnings)) {
    guests.byKey.get(guestKey(facts.sourceId, snapshot.vmid))?.items.push(snapshot.detail)
  }
}

function clusterContext(
  facts: PveFacts,
  now: number,
  dayNames: DayNames,
  warnings: string[],
): ClusterContext {
  return {
    dayNames,
    tasks: indexTasks(facts.sourceId, facts.tasks, now, warnings),
    notBackedUp: facts.notBackedUp === null ? null : new Set(facts.notBackedUp.map((g) => g.vmid)),
  }
}

export function normalizeGuests(input: NormalizeInput): NormalizeResult {
  const warnings: string[] = []
  const pve = [...input.pve].sort((a, b) => compareText(a.sourceId, b.sourceId))
  const guests = indexGuests(pve, warnings)
  const pbs = buildPbsIndex(input.pbs, input.now, warnings)
  const orphans: OrphanBook = new Map()
  for (const facts of pve) {
    attributePveListings(facts, guests, pbs, orphans, input.now, warnings)
  }
  const ctx = { guests, clusterMaps: input.clusterMaps, evidence: gatherEvidence(pve, pbs) }
  const ambiguous = applyPbsGroups(pbs.groups, ctx, orphans, warnings)

  const clusters = new Map<string, ClusterContext>()
  const dayNames: DayNames = new Map()
  for (const facts of pve) {
    clusters.set(facts.sourceId, clusterContext(facts, input.now, dayNames, warnings))
  }
  const slots = [...guests.byKey.values()].sort(
    (a, b) => compareText(a.cluster, b.cluster) || a.fact.vmid - b.fact.vmid,
  )
  const records = []
  for (const slot of slots) {
    const cluster = clusters.get(slot.cluster)
    if (cluster) records.push(buildGuestRecord(slot, cluster))
  }
  const orphanRecords = buildOrphanRecords(orphans, dayNames)
  const pveJobs = applyPveJobs(pve, records, input.now, input.missedGraceSeconds, warnings)
  // Sorted and once each: the same facts in another order must report the same.
  const unique = [...new Set(warnings)].sort(compareText)
  const health = pbsHealth(input.pbs)
  return {
    guests: records,
    orphans: orphanRecords.map(toOrphanSummary),
    orphanRecords,
    ambiguous,
    jobs: { pve: pveJobs, pbs: health.jobs },
    storage: {
      storages: backupStorages(pve, input.usageSamples ?? [], input.now),
      datastores: health.datastores,
    },
    warnings: unique,
  }
}
