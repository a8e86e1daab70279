// Per-guest series: identity, newest backup per type (time, age at scrape time, size),
// verification, schedule state and the alerts firing about the guest.
import { type BackupFilter, getFilteredAge } from '../../shared/age.ts'
import type { GuestSummary } from '../../shared/schema/guest.ts'
import type { Severity } from '../alerts/message.ts'
import type { MetricsInput, Samples } from './input.ts'

/** The `type` label values and which filter of the shared age rule each one reads. */
const BACKUP_TYPES = [
  ['pve', 'pve'],
  ['pbs', 'pbs'],
  ['snapshot', 'snapshots'],
] as const satisfies readonly (readonly [string, BackupFilter])[]

const SCHEDULE_STATES = ['ok', 'due', 'missed'] as const
const SEVERITY_RANK = { warning: 1, critical: 2 } as const

function guestLabels(guest: GuestSummary) {
  return { cluster: guest.cluster, vmid: String(guest.guestId), name: guest.guestName ?? '' }
}

function addGuest(out: Samples, guest: GuestSummary, now: number): void {
  const labels = guestLabels(guest)
  out.guestInfo.push({
    labels: {
      ...labels,
      node: guest.node,
      guest_type: guest.type,
      template: String(guest.template),
      pool: guest.pool ?? '',
    },
    value: 1,
  })
  for (const [type, filter] of BACKUP_TYPES) {
    const typed = { ...labels, type }
    const time = guest.latestTimes[filter]
    if (time !== null) out.backupTimestamp.push({ labels: typed, value: time })
    // The dashboard's own rule: never is +Inf, a clock slightly ahead never makes it negative.
    out.backupAge.push({ labels: typed, value: getFilteredAge(guest, filter, now) })
  }
  for (const type of ['pve', 'pbs'] as const) {
    const size = guest.latestSizes?.[type] ?? null
    if (size !== null) out.backupSize.push({ labels: { ...labels, type }, value: size })
  }
  const verification = guest.verification
  if (verification) {
    if (verification.latest !== 'none') {
      out.verificationOk.push({ labels, value: verification.latest === 'ok' ? 1 : 0 })
    }
    if (verification.latestVerified !== null) {
      out.lastVerified.push({ labels, value: verification.latestVerified })
    }
  }
  const schedule = guest.schedule
  if (schedule) {
    for (const state of SCHEDULE_STATES) {
      out.scheduleState.push({
        labels: { ...labels, state },
        value: schedule.state === state ? 1 : 0,
      })
    }
  }
}

/** Firing alerts: per guest one series per rule (the higher severity if sent twice). */
function addAlerts(out: Samples, input: MetricsInput): void {
  const guests = new Map(input.index.guests.map((g) => [g.key, g]))
  const perGuest = new Map<string, { guest: GuestSummary; rule: string; severity: Severity }>()
  const ids = new Map<string, Severity>()
  for (const alert of input.firing) {
    ids.set(alert.alertId, alert.severity)
    const guest = guests.get(alert.subjectKey)
    if (!guest) continue
    const key = `${alert.subjectKey}\n${alert.rule}`
    const seen = perGuest.get(key)
    if (!seen || SEVERITY_RANK[alert.severity] > SEVERITY_RANK[seen.severity]) {
      perGuest.set(key, { guest, rule: alert.rule, severity: alert.severity })
    }
  }
  for (const { guest, rule, severity } of perGuest.values()) {
    out.guestAlertFiring.push({ labels: { ...guestLabels(guest), rule, severity }, value: 1 })
  }
  const counts = { warning: 0, critical: 0 }
  for (const severity of ids.values()) counts[severity] += 1
  for (const severity of ['warning', 'critical'] as const) {
    out.alertsFiring.push({ labels: { severity }, value: counts[severity] })
  }
}

export function addGuestSamples(out: Samples, input: MetricsInput): void {
  for (const guest of input.index.guests) addGuest(out, guest, input.now)
  addAlerts(out, input)
}
