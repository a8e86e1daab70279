// The newest vzdump job that touched each guest and how it went for that guest: a multi-guest
// job can fail as a whole ("job errors") while this guest's own backup succeeded.

import type { LastJob } from '../../shared/schema/guest.ts'
import type { PveGuestTaskResult, PveTaskFact } from '../collect/facts.ts'
import { compareText, isEpoch, isVmid, timeProblem } from './validate.ts'

type JobOutcome = LastJob['outcome']

/** A running task not finished after a day is stale and must not pin a guest as backing up. */
const STALE_RUNNING_SECONDS = 86_400

interface GuestTask {
  task: PveTaskFact
  result: PveGuestTaskResult | undefined
}

export type TaskIndex = Map<number, GuestTask>

function isNewer(task: PveTaskFact, than: GuestTask | undefined): boolean {
  if (!than) return true
  const other = than.task
  return (
    task.starttime > other.starttime ||
    (task.starttime === other.starttime && compareText(task.upid, other.upid) > 0)
  )
}

function offer(index: TaskIndex, vmid: number, entry: GuestTask): void {
  if (isNewer(entry.task, index.get(vmid))) index.set(vmid, entry)
}

export function indexTasks(
  cluster: string,
  tasks: readonly PveTaskFact[],
  now: number,
  warnings: string[],
): TaskIndex {
  const index: TaskIndex = new Map()
  for (const task of tasks) {
    const problem =
      timeProblem(task.starttime, now) ??
      (task.endtime === undefined ? undefined : timeProblem(task.endtime, now))
    if (problem !== undefined) {
      warnings.push(`${cluster}: skipped task ${task.upid}: ${problem}`)
      continue
    }
    if (task.outcome === 'running' && now - task.starttime > STALE_RUNNING_SECONDS) continue
    for (const result of task.guests)
      if (isVmid(result.vmid)) offer(index, result.vmid, { task, result })
    // Single-guest tasks carry the vmid in `id`; their per-guest result may be absent.
    const single = /^[1-9]\d*$/.test(task.id) ? Number(task.id) : null
    if (single !== null && !task.guests.some((result) => result.vmid === single)) {
      offer(index, single, { task, result: undefined })
    }
  }
  return index
}

function outcomeOf({ task, result }: GuestTask): JobOutcome {
  if (result === undefined) {
    // "unexpected status" (unreadable log): not proof of failure, but not fine either.
    return task.outcome === 'unknown' ? 'warning' : task.outcome
  }
  if (result.outcome === 'failed') return 'failed'
  // Still "running" in a job that ended: the job was cut off before this guest finished.
  if (result.outcome === 'running') return task.outcome === 'running' ? 'running' : 'failed'
  // PVE counts warnings per job, not per guest.
  return task.outcome === 'warning' ? 'warning' : 'ok'
}

function errorText({ task, result }: GuestTask): string | undefined {
  const text = result?.error ?? task.status
  return text !== undefined && text.trim() !== '' ? text.trim() : undefined
}

export function lastJob(index: TaskIndex, vmid: number): LastJob | null {
  const entry = index.get(vmid)
  if (!entry) return null
  const { task } = entry
  const outcome = outcomeOf(entry)
  const ended = task.endtime !== undefined && isEpoch(task.endtime) ? task.endtime : task.starttime
  const job: LastJob = {
    outcome,
    time: outcome === 'running' ? task.starttime : ended,
    node: task.node,
  }
  if (outcome === 'failed' || outcome === 'warning') {
    const error = errorText(entry)
    if (error !== undefined) job.error = error
  }
  return job
}
