// Per-job series: PVE backup jobs (last run, its outcome and failed guests, next run) and PBS
// verify / prune / sync / GC jobs (last run end, outcome, next run).
import type { JobsIndex, RunOutcome } from '../../shared/schema/jobs.ts'
import type { Samples } from './input.ts'

/**
 * 1 for a run that ended OK; 0 for a failure or warnings (something needs a look); null while
 * it runs or before a run is seen, when there is no outcome to report.
 */
export function successValue(outcome: RunOutcome): number | null {
  if (outcome === 'ok') return 1
  if (outcome === 'warning' || outcome === 'failed') return 0
  return null
}

export function addJobSamples(out: Samples, jobs: JobsIndex): void {
  for (const job of jobs.pve) {
    const labels = { cluster: job.cluster, job: job.id }
    out.pveJobEnabled.push({ labels, value: job.enabled ? 1 : 0 })
    if (job.nextRun !== null) out.pveJobNextRun.push({ labels, value: job.nextRun })
    const run = job.lastRun
    if (!run) continue
    out.pveJobLastRun.push({ labels, value: run.end ?? run.start })
    out.pveJobFailedGuests.push({ labels, value: run.failed.length })
    const success = successValue(run.outcome)
    if (success !== null) out.pveJobSuccess.push({ labels, value: success })
  }
  for (const job of jobs.pbs) {
    const labels = { source: job.source, kind: job.kind, job: job.id, store: job.store }
    if (job.lastRunEnd !== null) out.pbsJobLastRun.push({ labels, value: job.lastRunEnd })
    const success = successValue(job.outcome)
    if (success !== null) out.pbsJobSuccess.push({ labels, value: success })
    if (job.nextRun !== null) out.pbsJobNextRun.push({ labels, value: job.nextRun })
  }
}
