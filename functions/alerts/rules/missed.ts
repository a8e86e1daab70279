// Missed scheduled backup, from Proxmox's own schedules (guest.schedule, issue 11): the last
// scheduled run's deadline (run + grace) passed with no new backup on the job's storage. For a
// guest a job covers this replaces the fixed age thresholds: a weekly guest is not overdue on
// day 3. Critical once it has been missed for `criticalAfterHours` from the deadline it passed.

import type { AlertSubjectView as AlertSubject } from '../../../shared/schema/alerts.ts'
import type { GuestSummary } from '../../../shared/schema/guest.ts'
import { alertId, type Condition } from '../condition.ts'
import type { GuestRules } from '../scope.ts'
import { ago, utc } from '../words.ts'

export function missedCondition(
  guest: GuestSummary,
  setting: GuestRules['missed'],
  subject: AlertSubject,
  link: string,
  now: number,
): Condition | null {
  const schedule = guest.schedule
  if (schedule?.state !== 'missed') return null
  const since = schedule.missedSince ?? schedule.deadline
  const critical = since !== null && now - since >= setting.criticalAfterHours * 3_600
  const run = schedule.previousRun
  const summary =
    run === null
      ? 'missed its scheduled backup'
      : `missed its scheduled backup: no new backup since the run due ${ago(run, now)}`
  const lines = [
    run === null ? null : `Scheduled run: ${utc(run)}`,
    schedule.deadline === null ? null : `Deadline (run + grace): ${utc(schedule.deadline)}`,
    schedule.nextRun === null ? null : `Next run: ${utc(schedule.nextRun)}`,
    schedule.jobs.length > 0 ? `Jobs: ${schedule.jobs.join(', ')}` : null,
    guest.latestBackupTime === null
      ? 'No backup at all.'
      : `Newest backup: ${utc(guest.latestBackupTime)}`,
  ].filter((line) => line !== null)
  return {
    alertId: alertId('missed', guest.key),
    rule: 'missed',
    severity: critical ? 'critical' : 'warning',
    subject,
    summary,
    detail: lines.join('\n'),
    since,
    link,
  }
}
