// Records each vzdump run once it has finished and its per-guest results are final (a
// multi-guest task's log has been read): which job it was (matched as /api/jobs matches it),
// where it wrote, and how it went for every guest in it. The tasks PVE lists reach back two
// weeks; what history has recorded of that span is read once per cluster, so a refresh that
// finds no new finished task writes nothing.
import type { PveFacts, PveTaskFact } from '../collect/facts.ts'
import type { StateStore } from '../coordinator/state.ts'
import { guestKey } from '../normalize/guest-index.ts'
import { type JobInput, jobOfTask } from '../normalize/job-runs.ts'
import { selectedGuests } from '../normalize/job-selection.ts'
import type { HistoryRun, RunKind, RunOutcome } from './types.ts'

/** Ended, and its guests known for good: a single-guest task, or a job whose log was read. */
function final(task: PveTaskFact): boolean {
  return (
    task.endtime !== undefined &&
    task.outcome !== 'running' &&
    (/^[1-9]\d*$/.test(task.id) || task.logRead === true)
  )
}

function taskOutcome(task: PveTaskFact): RunOutcome {
  if (task.outcome === 'ok') return 'ok'
  if (task.outcome === 'failed') return 'failed'
  // `unknown` (an unreadable status) is not proof of failure, but not fine either.
  return 'warning'
}

/** As last-job.ts tells a guest's outcome in a task. */
function guestResults(cluster: string, task: PveTaskFact): HistoryRun['guests'] {
  const whole = taskOutcome(task)
  const results = task.guests.map((result) => {
    // Still "running" in a task that ended: cut off before this guest finished.
    const failed = result.outcome !== 'ok'
    const error = (result.error ?? (failed ? task.status : '')).trim()
    return {
      key: guestKey(cluster, result.vmid),
      outcome: failed
        ? ('failed' as const)
        : whole === 'warning'
          ? ('warning' as const)
          : ('ok' as const),
      error: failed || whole === 'warning' ? error || null : null,
    }
  })
  if (results.length === 0 && /^[1-9]\d*$/.test(task.id)) {
    const error = task.status.trim()
    return [
      {
        key: guestKey(cluster, Number(task.id)),
        outcome: whole,
        error: whole === 'ok' || error === '' ? null : error,
      },
    ]
  }
  return results
}

function jobInputs(facts: PveFacts): JobInput[] {
  const schedules = new Map((facts.schedules ?? []).map((s) => [s.schedule, s.runs]))
  return (facts.backupJobs ?? []).map((job) => ({
    job,
    runs: job.schedule === undefined ? [] : (schedules.get(job.schedule) ?? []),
    selected: selectedGuests(job, facts).vmids,
  }))
}

/** Where a job writes: a PBS-type storage makes PBS snapshots, anything else vzdump archives. */
function kindOf(facts: PveFacts, jobId: string | undefined): RunKind {
  const storage = facts.backupJobs?.find((j) => j.id === jobId)?.storage
  const type = facts.storages.find((s) => s.storage === storage)?.type
  return type === 'pbs' ? 'pbs' : 'pve'
}

/** The finished runs not recorded yet; none that retention (`cutoff`) would drop at once. */
export function newRuns(state: StateStore, pve: readonly PveFacts[], cutoff: number): HistoryRun[] {
  const runs: HistoryRun[] = []
  for (const facts of pve) {
    const tasks = facts.tasks.filter((t) => final(t) && t.starttime >= cutoff)
    if (tasks.length === 0) continue
    const since = Math.min(...tasks.map((t) => t.starttime))
    const known = state.historyRunIds(facts.sourceId, since)
    const fresh = tasks.filter((t) => !known.has(t.upid))
    if (fresh.length === 0) continue
    const inputs = jobInputs(facts)
    for (const task of fresh) {
      const job = jobOfTask(task, inputs)
      runs.push({
        cluster: facts.sourceId,
        upid: task.upid,
        job: job === undefined ? null : `${facts.sourceId}/${job}`,
        kind: kindOf(facts, job),
        node: task.node,
        start: task.starttime,
        end: task.endtime ?? task.starttime,
        outcome: taskOutcome(task),
        status: task.status,
        guests: guestResults(facts.sourceId, task),
      })
    }
  }
  return runs
}
