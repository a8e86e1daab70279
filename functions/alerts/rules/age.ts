// Backup age per type: the newest backup of that type is older than the warning or critical
// threshold. A guest with none at all is critical at once: it has nothing to restore.
import { type BackupFilter, formatAge, latestTimeFor } from '../../../shared/age.ts'
import type { AlertSubjectView as AlertSubject } from '../../../shared/schema/alerts.ts'
import type { GuestSummary } from '../../../shared/schema/guest.ts'
import { alertId, type Condition } from '../condition.ts'
import type { AgeSetting } from '../scope.ts'
import { hours } from '../words.ts'

export const AGE_RULES = {
  all: 'age-all',
  pve: 'age-pve',
  pbs: 'age-pbs',
  snapshots: 'age-snapshots',
} as const satisfies Record<BackupFilter, string>

const NOUN: Record<BackupFilter, string> = {
  all: 'backup',
  pve: 'PVE backup',
  pbs: 'PBS backup',
  snapshots: 'snapshot',
}

export function ageCondition(
  guest: GuestSummary,
  filter: BackupFilter,
  setting: AgeSetting,
  subject: AlertSubject,
  link: string,
  now: number,
): Condition | null {
  const latest = latestTimeFor(guest, filter)
  const age = latest === null ? Number.POSITIVE_INFINITY : Math.max(0, now - latest)
  const warning = setting.warningHours * 3_600
  const critical = setting.criticalHours * 3_600
  if (age <= warning && age <= critical) return null
  const severity = age > critical ? 'critical' : 'warning'
  const limits = `warning after ${hours(setting.warningHours)}, critical after ${hours(setting.criticalHours)}`
  const summary =
    latest === null
      ? `has no ${NOUN[filter]} at all`
      : `newest ${NOUN[filter]} is ${formatAge(age)} old (${limits})`
  return {
    alertId: alertId(AGE_RULES[filter], guest.key),
    rule: AGE_RULES[filter],
    severity,
    subject,
    summary,
    detail: null,
    // When it became overdue: the newest backup's time plus the first threshold crossed.
    since: latest === null ? null : latest + Math.min(warning, critical),
    link,
  }
}
