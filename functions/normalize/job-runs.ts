// Which vzdump tasks were runs of which job. PVE tasks carry no job id: the worker id of a
// vzdump task is the vmid when exactly one local guest is backed up, else empty, for scheduled
// runs and "Run now" alike (pve-manager PVE/API2/VZDump.pm). So a task is a job's scheduled run
// when it started on a node the job runs on shortly after one of the job's scheduled times, and
// the guests it backed up (when known) are ones the job selects; an off-schedule multi-guest
// task ("Run now") is the job's when it backed up exactly the guests the job selects on that
// node, and no other job's. A scheduled run starts one task per node; they make one run.
import type { FailedGuest, PveJobRun, RunOutcome } from '../../shared/schema/jobs.ts'
import type { PveBackupJobFact, PveTaskFact } from '../collect/facts.ts'
import { guestKey } from './guest-index.ts'
import { compareText, timeProblem } from './validate.ts'

/**
 * pvescheduler starts due jobs each minute, one after another; a job waiting for the node's
 * backup lock does so inside its task, which has already started.
 */
export const SCHEDULED_START_WINDOW_SECONDS = 10 * 60
/** As in last-job.ts: a task still "running" after a day is stale and tells nothing. */
const STALE_RUNNING_SECONDS = 86_400

export interface JobInput {
  job: PveBackupJobFact
  /** PVE's runs of the job's schedule, oldest first; empty when unknown. */
  runs: readonly number[]
  /** VMIDs of existing guests it selects (enabled or not). */
  selected: ReadonlySet<number>
}

interface Match {
  job: string
  /** The scheduled time, or the task's start for an off-schedule run. */
  occurrence: number
  byTime: boolean
}

function taskGuests(task: PveTaskFact): number[] {
  const listed = task.guests.map((g) => g.vmid)
  if (listed.length > 0) return listed
  return /^[1-9]\d*$/.test(task.id) ? [Number(task.id)] : []
}

/** Newest scheduled time at or before `start` that `start` is within the window of. */
function occurrenceFor(runs: readonly number[], start: number): number | undefined {
  let found: number | undefined
  for (const run of runs) {
    if (run > start) break
    if (start - run <= SCHEDULED_START_WINDOW_SECONDS) found = run
  }
  return found
}

function scheduledMatch(task: PveTaskFact, jobs: readonly JobInput[]): Match | undefined {
  const guests = taskGuests(task)
  let best: { match: Match; overlap: number } | undefined
  for (const { job, runs, selected } of jobs) {
    if (!job.enabled || (job.node !== undefined && job.node !== task.node)) continue
    const occurrence = occurrenceFor(runs, task.starttime)
    if (occurrence === undefined) continue
    const overlap = guests.filter((vmid) => selected.has(vmid)).length
    // A task whose guests are known and none of them the job's is some other backup.
    if (guests.length > 0 && overlap === 0) continue
    const better =
      !best ||
      occurrence > best.match.occurrence ||
      (occurrence === best.match.occurrence && overlap > best.overlap)
    if (better) best = { match: { job: job.id, occurrence, byTime: true }, overlap }
  }
  return best?.match
}

function offScheduleMatch(task: PveTaskFact, jobs: readonly JobInput[]): Match | undefined {
  if (task.id !== '' || !task.logRead) return undefined
  const guests = new Set(taskGuests(task))
  if (guests.size < 2) return undefined
  const same = jobs.filter(
    ({ job, selected }) =>
      (job.node === undefined || job.node === task.node) &&
      selected.size === guests.size &&
      [...guests].every((vmid) => selected.has(vmid)),
  )
  const only = same.length === 1 ? same[0] : undefined
  return only ? { job: only.job.id, occurrence: task.starttime, byTime: false } : undefined
}

/** The id of the job a task was a run of, when one can be told (the rules above). */
export function jobOfTask(task: PveTaskFact, jobs: readonly JobInput[]): string | undefined {
  return (scheduledMatch(task, jobs) ?? offScheduleMatch(task, jobs))?.job
}

const RANK: Record<RunOutcome, number> = { never: 0, ok: 1, warning: 2, failed: 3, running: 4 }

function taskOutcome(task: PveTaskFact): RunOutcome {
  if (task.outcome === 'unknown') return 'warning'
  // "job errors" with every guest's own backup fine is still a job that did not go well.
  return task.outcome
}

function aggregate(
  cluster: string,
  tasks: readonly PveTaskFact[],
  byTime: boolean,
  existing: ReadonlySet<number>,
): PveJobRun {
  const ordered = [...tasks].sort(
    (a, b) =>
      RANK[taskOutcome(b)] - RANK[taskOutcome(a)] ||
      b.starttime - a.starttime ||
      compareText(a.upid, b.upid),
  )
  const decisive = ordered[0] as PveTaskFact
  const running = tasks.some((t) => t.outcome === 'running')
  const failed: FailedGuest[] = []
  for (const task of tasks) {
    for (const result of task.guests) {
      if (result.outcome !== 'failed') continue
      failed.push({
        vmid: result.vmid,
        key: existing.has(result.vmid) ? guestKey(cluster, result.vmid) : null,
        error: (result.error ?? task.status).trim() || task.status,
      })
    }
  }
  failed.sort((a, b) => a.vmid - b.vmid)
  return {
    upid: decisive.upid,
    node: decisive.node,
    start: Math.min(...tasks.map((t) => t.starttime)),
    end: running ? null : Math.max(...tasks.map((t) => t.endtime ?? t.starttime)),
    outcome: taskOutcome(decisive),
    status: decisive.status,
    failed,
    matchedByTime: byTime,
  }
}

export interface JobHistory {
  lastRun: PveJobRun | null
  /** Median seconds of the runs that ended; null before one did. */
  typicalDuration: number | null
}

function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const value =
    sorted.length % 2 === 1
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
  return Math.round(value)
}

/** Every job's last run and usual duration, from the cluster's vzdump tasks. */
export function jobHistories(
  cluster: string,
  jobs: readonly JobInput[],
  tasks: readonly PveTaskFact[],
  existing: ReadonlySet<number>,
  now: number,
): Map<string, JobHistory> {
  const groups = new Map<string, { tasks: PveTaskFact[]; byTime: boolean }>()
  for (const task of tasks) {
    // last-job.ts warns about tasks with times that cannot be believed.
    if (timeProblem(task.starttime, now) !== undefined) continue
    if (task.endtime !== undefined && timeProblem(task.endtime, now) !== undefined) continue
    if (task.outcome === 'running' && now - task.starttime > STALE_RUNNING_SECONDS) continue
    const match = scheduledMatch(task, jobs) ?? offScheduleMatch(task, jobs)
    if (!match) continue
    const key = `${match.job}\u0000${match.occurrence}\u0000${match.byTime ? '' : task.upid}`
    const group = groups.get(key) ?? { tasks: [], byTime: match.byTime }
    group.tasks.push(task)
    groups.set(key, group)
  }
  const runsByJob = new Map<string, PveJobRun[]>()
  for (const [key, group] of groups) {
    const job = key.slice(0, key.indexOf('\u0000'))
    const runs = runsByJob.get(job) ?? []
    runs.push(aggregate(cluster, group.tasks, group.byTime, existing))
    runsByJob.set(job, runs)
  }
  const out = new Map<string, JobHistory>()
  for (const { job } of jobs) {
    const runs = (runsByJob.get(job.id) ?? []).sort(
      (a, b) => b.start - a.start || compareText(a.upid, b.upid),
    )
    out.set(job.id, {
      lastRun: runs[0] ?? null,
      typicalDuration: median(
        runs.flatMap((run) => (run.end === null ? [] : [run.end - run.start])),
      ),
    })
  }
  return out
}
