// Alerts in words for the page: each rule's name, why a resolved alert ended, and times as
// the viewer reads them ("yesterday 21:40", calendar days in the viewer's own time zone, with
// the age computed here from epoch seconds so it ticks with the page).
import { formatAge } from '../../shared/age.ts'
import type { AlertRule, Resolution, Severity, SubjectKind } from '../../shared/schema/alerts.ts'
import { localDay } from './calendar.ts'

export const RULE_TEXT: Record<AlertRule, string> = {
  'age-all': 'Backup too old',
  'age-pve': 'PVE backup too old',
  'age-pbs': 'PBS backup too old',
  'age-snapshots': 'Snapshot too old',
  missed: 'Missed scheduled backup',
  'job-failed': 'Backup job failed',
  'guest-failed': 'Backup failed in a job',
  'verify-failed': 'Verification failed',
  'pbs-job': 'PBS job failed or warned',
  'store-full': 'Storage filling up',
  'store-usage': 'Storage almost full',
  'store-maintenance': 'Datastore in maintenance',
  'store-unmounted': 'Storage not mounted or inactive',
  'source-down': 'Source unreachable',
  'no-job': 'In no backup job',
  'orphan-new': 'New orphaned backups',
}

/** What an alert's subject is, in a word or two. */
export const SUBJECT_KIND_TEXT: Record<SubjectKind, string> = {
  guest: 'guest',
  job: 'PVE backup job',
  'pbs-job': 'PBS job',
  datastore: 'PBS datastore',
  storage: 'PVE storage',
  source: 'source',
  orphan: 'orphaned backups',
}

export const SEVERITY_TEXT: Record<Severity, string> = { critical: 'critical', warning: 'warning' }

/** Why an alert closed without a resolve message (`ok` is a plain "resolved"). */
export const RESOLUTION_TEXT: Record<Resolution, string> = {
  ok: 'resolved',
  removed: 'its subject no longer exists',
  excluded: 'excluded from alerting',
  disabled: 'its rule was switched off',
  replaced: 'judged by the missed-backup rule now',
}

/**
 * The calendar day `by` days from a YYYY-MM-DD one, by date arithmetic: a day is not always
 * 24 hours (DST), so `now - 86400` can skip one.
 */
function shiftDay(day: string, by: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d + by)).toISOString().slice(0, 10)
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${timeZone}|${JSON.stringify(options)}`
  let f = formatters.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { timeZone, ...options })
    formatters.set(key, f)
  }
  return f
}

const clock = { hour: '2-digit', minute: '2-digit' } as const

/**
 * "today 09:12", "yesterday 21:40", "tomorrow 08:00", "Mon, Nov 24, 21:40" or, another year,
 * "Nov 24, 2025, 21:40": the day is the viewer's calendar day, not a count of 24 hours.
 */
export function dayTime(epochSeconds: number, now: number, timeZone: string): string {
  const time = formatter(timeZone, clock).format(epochSeconds * 1000)
  const day = localDay(epochSeconds, timeZone)
  const today = localDay(now, timeZone)
  const words: Record<string, string> = {
    [today]: 'today',
    [shiftDay(today, -1)]: 'yesterday',
    [shiftDay(today, 1)]: 'tomorrow',
  }
  const word = words[day]
  if (word) return `${word} ${time}`
  const sameYear = day.slice(0, 4) === today.slice(0, 4)
  const date = sameYear
    ? formatter(timeZone, { weekday: 'short', month: 'short', day: 'numeric' })
    : formatter(timeZone, { year: 'numeric', month: 'short', day: 'numeric' })
  return `${date.format(epochSeconds * 1000)}, ${time}`
}

/** The exact time, for a title: "Nov 24, 2026, 21:40:05 EST". */
export function exactTime(epochSeconds: number, timeZone: string): string {
  return formatter(timeZone, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    timeZoneName: 'short',
  }).format(epochSeconds * 1000)
}

/** "3h ago" / "in 3h" (never a negative age for a clock a little ahead). */
export function distance(epochSeconds: number, now: number): string {
  return epochSeconds > now
    ? `in ${formatAge(epochSeconds - now)}`
    : `${formatAge(now - epochSeconds)} ago`
}

/** A `datetime-local` input's value (the viewer's local wall time) as epoch seconds. */
export function localInputToEpoch(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null
  const ms = new Date(value).getTime()
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null
}

/** Epoch seconds as a `datetime-local` value in the viewer's zone, to the minute. */
export function epochToLocalInput(epochSeconds: number): string {
  const d = new Date(epochSeconds * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`
}
