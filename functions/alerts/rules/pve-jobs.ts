// PVE backup jobs: a job whose last run failed (`job-failed`), or a guest that failed inside a
// job's run (`guest-failed`, with PVE's error text). A failure that names an existing guest is
// that guest's alert (scoped like the guest: an excluded guest's failure says nothing); the job
// alerts only when its run failed with no such guest to blame (the storage was unreachable, or
// only VMIDs that no longer exist failed). A running job holds its alert: its last outcome is
// not known until it ends.
import type { JobsIndex, PveBackupJob } from '../../../shared/schema/jobs.ts'
import type { AlertRules } from '../../config/alert-rules.ts'
import { alertId, type Condition } from '../condition.ts'
import { subjectLink } from '../links.ts'
import { jobExclusion } from '../scope.ts'
import type { RuleContext } from '../sink.ts'
import { ago, jobName } from '../words.ts'

export interface GuestFailure {
  job: PveBackupJob
  error: string
  /** When the run ended (or started, if no end is known). */
  at: number
}

/** Failures per guest key, from each enabled job's last finished run. */
export function failuresByGuest(jobs: JobsIndex | null): Map<string, GuestFailure[]> {
  const byGuest = new Map<string, GuestFailure[]>()
  for (const job of jobs?.pve ?? []) {
    const run = job.lastRun
    if (!job.enabled || !run || run.outcome === 'running') continue
    for (const failed of run.failed) {
      if (failed.key === null) continue
      const list = byGuest.get(failed.key) ?? []
      list.push({ job, error: failed.error, at: run.end ?? run.start })
      byGuest.set(failed.key, list)
    }
  }
  return byGuest
}

/**
 * The guest's failures that still matter: a backup of the guest newer than the failed run
 * (a retry, a manual backup) settles it.
 */
export function guestFailedCondition(
  failures: readonly GuestFailure[],
  latestBackupTime: number | null,
  base: Omit<Condition, 'alertId' | 'rule' | 'severity' | 'summary' | 'detail' | 'since'>,
  config: AlertRules,
  now: number,
): Condition | null {
  const open = failures.filter((f) => latestBackupTime === null || latestBackupTime < f.at)
  const first = open[0]
  if (!first) return null
  const since = Math.min(...open.map((f) => f.at))
  const summary =
    open.length === 1
      ? `backup failed in ${jobName(first.job)} ${ago(first.at, now)}: ${first.error}`
      : `backup failed in ${open.length} jobs, first ${ago(since, now)}`
  return {
    ...base,
    alertId: alertId('guest-failed', base.subject.key),
    rule: 'guest-failed',
    severity: config.rules['guest-failed'].severity,
    summary,
    detail: open.map((f) => `${jobName(f.job)}: ${f.error}`).join('\n'),
    since,
  }
}

export function evaluateJobs(jobs: JobsIndex | null, ctx: RuleContext): void {
  const { sink, config, now, freshness } = ctx
  const rule = config.rules['job-failed']
  if (!rule.enabled) return
  if (jobs === null) {
    sink.holdRule('job-failed')
    return
  }
  for (const job of jobs.pve) {
    const subject = { kind: 'job' as const, key: job.key, name: jobName(job) }
    const exclusion = jobExclusion(job)
    sink.subject(subject, exclusion)
    if (exclusion !== null) continue
    const id = alertId('job-failed', job.key)
    const run = job.lastRun
    if (freshness.clusterUnknown(job.cluster) || run?.outcome === 'running') {
      sink.hold(id)
      continue
    }
    if (run?.outcome !== 'failed') continue
    if (run.failed.some((f) => f.key !== null)) continue
    const at = run.end ?? run.start
    const lines = [
      `Status: ${run.status}`,
      ...run.failed.map((f) => `VMID ${f.vmid} (no such guest now): ${f.error}`),
    ]
    sink.fire({
      alertId: id,
      rule: 'job-failed',
      severity: rule.severity,
      subject,
      summary: `last run failed ${ago(at, now)}: ${run.status}`,
      detail: lines.join('\n'),
      since: at,
      link: subjectLink(ctx.baseUrl, 'job', job.key),
    })
  }
}
