// The PVE half of /api/jobs, and each guest's due / missed state: every vzdump job of every
// cluster with what it selects, the guests it covers now, its previous and next scheduled run,
// its last run (from the vzdump tasks already collected) and its usual duration. Pure.
import type { BackupDetail, GuestRecord } from '../../shared/schema/guest.ts'
import type { PveBackupJob } from '../../shared/schema/jobs.ts'
import type { PveBackupJobFact, PveFacts } from '../collect/facts.ts'
import { guestKey } from './guest-index.ts'
import { type CoveringJob, graceFor, guestSchedule } from './guest-schedule.ts'
import { type JobInput, jobHistories } from './job-runs.ts'
import { jobSelection, selectedGuests } from './job-selection.ts'
import { pbsLocation } from './pbs-names.ts'
import { compareText } from './validate.ts'

/** Whether a backup item lies on the job's target storage. */
function holderOf(facts: PveFacts, job: PveBackupJobFact): (item: BackupDetail) => boolean {
  const storageId = job.storage
  // No storage in the job: the node's vzdump.conf default decides, which the API does not show.
  if (storageId === undefined) return () => true
  const storage = facts.storages.find((s) => s.storage === storageId)
  const target = storage?.type === 'pbs' ? storage.pbs : undefined
  if (target) {
    const location = pbsLocation(target.datastore, target.namespace)
    return (item) => item.kind === 'pbs' && item.location === location
  }
  return (item) => item.kind === 'pve' && item.location === storageId
}

function runsAround(runs: readonly number[], now: number) {
  let previous: number | null = null
  let next: number | null = null
  for (const run of runs) {
    if (run <= now) previous = run
    else if (next === null) next = run
  }
  return { previous, next }
}

function clusterJobs(
  facts: PveFacts,
  records: readonly GuestRecord[],
  now: number,
  graceSeconds: number | undefined,
  warnings: string[],
): PveBackupJob[] {
  const jobs = facts.backupJobs
  if (!jobs) return []
  const cluster = facts.sourceId
  const schedules = new Map((facts.schedules ?? []).map((s) => [s.schedule, s.runs]))
  const inputs: JobInput[] = jobs.map((job) => {
    const selected = selectedGuests(job, facts)
    if (selected.unknown && job.enabled) warnings.push(`${cluster}: ${selected.unknown}`)
    const runs = job.schedule === undefined ? [] : (schedules.get(job.schedule) ?? [])
    return { job, runs, selected: selected.vmids }
  })
  const existing = new Set(facts.guests.map((g) => g.vmid))
  const histories = jobHistories(cluster, inputs, facts.tasks, existing, now)

  const out: PveBackupJob[] = []
  const covering = new Map<number, CoveringJob[]>()
  for (const { job, runs, selected } of inputs) {
    const key = `${cluster}/${job.id}`
    const history = histories.get(job.id) ?? { lastRun: null, typicalDuration: null }
    const around = runsAround(runs, now)
    const nextRun = job.enabled ? (job.nextRun ?? around.next) : null
    const previousRun = job.enabled ? around.previous : null
    // A disabled job runs on no schedule: it covers nothing (PVE's not-backed-up still counts it).
    const covers = job.enabled ? [...selected].sort((a, b) => a - b) : []
    out.push({
      key,
      cluster,
      id: job.id,
      enabled: job.enabled,
      schedule: job.schedule ?? null,
      nextRun,
      previousRun,
      storage: job.storage ?? null,
      mode: job.mode ?? null,
      selection: jobSelection(job),
      comment: job.comment ?? null,
      notificationMode: job.notificationMode ?? null,
      covers: covers.map((vmid) => guestKey(cluster, vmid)),
      lastRun: history.lastRun,
      typicalDuration: history.typicalDuration,
    })
    const entry: CoveringJob = {
      key,
      previousRun,
      nextRun,
      grace: graceFor(graceSeconds, history.typicalDuration),
      holds: holderOf(facts, job),
    }
    for (const vmid of covers) {
      const list = covering.get(vmid)
      if (list) list.push(entry)
      else covering.set(vmid, [entry])
    }
  }
  for (const record of records) {
    const jobsOf = covering.get(record.guestId) ?? []
    record.schedule = guestSchedule(jobsOf, record.backups, record.backingUp, now)
  }
  return out
}

/**
 * Every cluster's jobs, and `schedule` set on each of its guest records (null where no enabled
 * job covers the guest, its jobs are unknown, or no previous run is known: the age thresholds
 * apply). `graceSeconds`: PULSE_MISSED_GRACE_MINUTES in seconds, or undefined for the default.
 */
export function applyPveJobs(
  pve: readonly PveFacts[],
  records: readonly GuestRecord[],
  now: number,
  graceSeconds: number | undefined,
  warnings: string[],
): PveBackupJob[] {
  const byCluster = new Map<string, GuestRecord[]>()
  for (const record of records) {
    const list = byCluster.get(record.cluster)
    if (list) list.push(record)
    else byCluster.set(record.cluster, [record])
  }
  return pve
    .flatMap((facts) =>
      clusterJobs(facts, byCluster.get(facts.sourceId) ?? [], now, graceSeconds, warnings),
    )
    .sort((a, b) => compareText(a.key, b.key))
}
