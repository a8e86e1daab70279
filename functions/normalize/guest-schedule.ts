// Due or missed, per guest, from the schedules of the enabled jobs that cover it (PVE's own
// runs; no calendar parsing here). For each such job: `ok` when a finished backup on the job's
// storage is newer than its previous scheduled run (less a small tolerance), `due` from that run
// until its deadline (run + grace) or while the guest is being backed up, `missed` after. The
// guest takes its worst job's state: a nightly job that ran does not hide a weekly one that did
// not. A weekly guest backed up on Sunday is `ok` all week, where the age thresholds would call
// it overdue by Wednesday; a nightly one is `missed` the morning after a run that never came.
import type { BackupDetail, GuestSchedule, ScheduleState } from '../../shared/schema/guest.ts'

/** A backup may carry a time a little before the scheduled run (clocks of nodes differ). */
export const SCHEDULE_TOLERANCE_SECONDS = 5 * 60
/** Default grace: at least an hour, and twice the job's usual duration (see graceFor). */
export const MIN_GRACE_SECONDS = 3_600

/**
 * The grace after a scheduled run before a missing backup is `missed`: the configured one
 * (PULSE_MISSED_GRACE_MINUTES), else max(1 h, 2 × the job's median run time), since a guest
 * late in a long job's queue is backed up long after the run started.
 */
export function graceFor(configured: number | undefined, typicalDuration: number | null): number {
  if (configured !== undefined) return configured
  return Math.max(MIN_GRACE_SECONDS, 2 * (typicalDuration ?? 0))
}

export interface CoveringJob {
  key: string
  /** Newest scheduled run at or before now; null when unknown or none. */
  previousRun: number | null
  nextRun: number | null
  grace: number
  /** Whether a backup item is on the job's storage (archive there, or snapshot through it). */
  holds: (item: BackupDetail) => boolean
}

interface JobState {
  job: CoveringJob
  state: ScheduleState
  previousRun: number
  deadline: number
}

const SEVERITY: Record<ScheduleState, number> = { ok: 0, due: 1, missed: 2 }

function stateOf(
  job: CoveringJob,
  previousRun: number,
  backups: readonly BackupDetail[],
  backingUp: boolean,
  now: number,
): JobState {
  const deadline = previousRun + job.grace
  const made = backups.some(
    (item) =>
      !item.inProgress &&
      item.kind !== 'snapshot' &&
      item.time >= previousRun - SCHEDULE_TOLERANCE_SECONDS &&
      job.holds(item),
  )
  // A backup that is running is on its way: not missed however long it takes.
  const state: ScheduleState = made ? 'ok' : now < deadline || backingUp ? 'due' : 'missed'
  return { job, state, previousRun, deadline }
}

/** Worst first; among missed or due the one whose deadline passes first, among ok the newest. */
function decisive(a: JobState, b: JobState): number {
  const bySeverity = SEVERITY[b.state] - SEVERITY[a.state]
  if (bySeverity !== 0) return bySeverity
  return a.state === 'ok' ? b.previousRun - a.previousRun : a.deadline - b.deadline
}

/** The guest's schedule state; null when no covering job has a known previous run. */
export function guestSchedule(
  jobs: readonly CoveringJob[],
  backups: readonly BackupDetail[],
  backingUp: boolean,
  now: number,
): GuestSchedule | null {
  const states: JobState[] = []
  for (const job of jobs) {
    if (job.previousRun !== null)
      states.push(stateOf(job, job.previousRun, backups, backingUp, now))
  }
  const worst = states.sort(decisive)[0]
  if (!worst) return null
  const next = jobs.flatMap((job) => (job.nextRun === null ? [] : [job.nextRun]))
  return {
    state: worst.state,
    jobs: jobs.map((job) => job.key).sort(),
    previousRun: worst.previousRun,
    nextRun: next.length > 0 ? Math.min(...next) : null,
    deadline: worst.deadline,
    missedSince: worst.state === 'missed' ? worst.deadline : null,
  }
}
