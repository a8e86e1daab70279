// The drill-down calendar: the last N days (or any run of days history reaches) in the viewer's
// own time zone, each with how many backups of which kinds were made that local day, how many
// of those prune has removed since, and whether a job failed for the guest that day. Day
// buckets come from the exact timestamps (the stored `date` is a UTC day and would put a 23:30
// backup on the wrong day).
import type { BackupDate } from '../../shared/schema/guest.ts'
import type { HistoryBackup } from '../../shared/schema/history.ts'

export const CALENDAR_KINDS = ['pve', 'pbs', 'snapshot'] as const
export type CalendarKind = (typeof CALENDAR_KINDS)[number]

export interface CalendarDay {
  /** YYYY-MM-DD in the viewer's zone. */
  date: string
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number
  day: number
  month: number
  /** Backups made that day that are still on storage (restore points, and snapshots). */
  counts: Record<CalendarKind, number>
  total: number
  /** Backups made that day that history holds but storage no longer does. */
  pruned: Record<CalendarKind, number>
  prunedTotal: number
  /** The guest's job runs that failed that day. */
  failedRuns: number
}

/** One backup for the calendar: when, which kind, and whether it is gone from storage. */
export interface CalendarEntry {
  kind: CalendarKind
  time: number
  pruned: boolean
}

const KIND_OF = {
  pveBackups: 'pve',
  pbsSnapshots: 'pbs',
  vmSnapshots: 'snapshot',
} as const satisfies Record<keyof BackupDate['timestamps'], CalendarKind>

const formatters = new Map<string, Intl.DateTimeFormat>()

function dayFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** The viewer-local calendar day of an epoch-seconds timestamp, as YYYY-MM-DD. */
export function localDay(epochSeconds: number, timeZone: string): string {
  return dayFormatter(timeZone).format(epochSeconds * 1000)
}

/** The record's own backups (all on storage now). */
export function entriesOf(backupDates: readonly BackupDate[]): CalendarEntry[] {
  const entries: CalendarEntry[] = []
  for (const bucket of backupDates)
    for (const [field, kind] of Object.entries(KIND_OF) as [keyof typeof KIND_OF, CalendarKind][])
      for (const time of bucket.timestamps[field]) entries.push({ kind, time, pruned: false })
  return entries
}

/**
 * The record's backups and history's, each once. Both list what is on storage, so a backup is
 * matched by kind and time (a count each: a PBS sync makes two snapshots of one time). What the
 * record holds is on storage now, whatever history says; what only history holds keeps
 * history's word (on storage, or pruned).
 */
export function mergeEntries(
  backupDates: readonly BackupDate[],
  history: readonly HistoryBackup[],
): CalendarEntry[] {
  const key = (kind: CalendarKind, time: number) => `${kind}:${time}`
  const now = new Map<string, number>()
  for (const e of entriesOf(backupDates))
    now.set(key(e.kind, e.time), (now.get(key(e.kind, e.time)) ?? 0) + 1)
  const held = new Map<string, { kind: CalendarKind; time: number; live: number; pruned: number }>()
  for (const b of history) {
    const k = key(b.kind, b.time)
    const h = held.get(k) ?? { kind: b.kind, time: b.time, live: 0, pruned: 0 }
    if (b.pruned) h.pruned += 1
    else h.live += 1
    held.set(k, h)
  }
  const entries: CalendarEntry[] = []
  for (const [k, n] of now) {
    const [kind, time] = k.split(':') as [CalendarKind, string]
    const h = held.get(k)
    const live = Math.max(n, h?.live ?? 0)
    const pruned = Math.max(0, (h ? h.live + h.pruned : 0) - live)
    for (let i = 0; i < live; i++) entries.push({ kind, time: Number(time), pruned: false })
    for (let i = 0; i < pruned; i++) entries.push({ kind, time: Number(time), pruned: true })
  }
  for (const [k, h] of held) {
    if (now.has(k)) continue
    for (let i = 0; i < h.live; i++) entries.push({ kind: h.kind, time: h.time, pruned: false })
    for (let i = 0; i < h.pruned; i++) entries.push({ kind: h.kind, time: h.time, pruned: true })
  }
  return entries.sort((a, b) => a.time - b.time)
}

function emptyDay(date: string): CalendarDay {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const day = new Date(Date.UTC(y, m - 1, d))
  return {
    date,
    weekday: day.getUTCDay(),
    day: d,
    month: m,
    counts: { pve: 0, pbs: 0, snapshot: 0 },
    total: 0,
    pruned: { pve: 0, pbs: 0, snapshot: 0 },
    prunedTotal: 0,
    failedRuns: 0,
  }
}

/** A cell for each of `dates` (local YYYY-MM-DD), with the entries and failed runs of that day. */
export function buildDays(
  entries: readonly CalendarEntry[],
  dates: readonly string[],
  timeZone: string,
  failedRunTimes: readonly number[] = [],
): CalendarDay[] {
  const days = dates.map(emptyDay)
  const byDate = new Map(days.map((d) => [d.date, d]))
  for (const e of entries) {
    const day = byDate.get(localDay(e.time, timeZone))
    if (!day) continue
    if (e.pruned) {
      day.pruned[e.kind] += 1
      day.prunedTotal += 1
    } else {
      day.counts[e.kind] += 1
      day.total += 1
    }
  }
  for (const t of failedRunTimes) {
    const day = byDate.get(localDay(t, timeZone))
    if (day) day.failedRuns += 1
  }
  return days
}

/** The `days` local dates ending today (in the zone), oldest first. */
export function lastDays(nowSeconds: number, timeZone: string, days = 30): string[] {
  const [y, m, d] = localDay(nowSeconds, timeZone).split('-').map(Number) as [
    number,
    number,
    number,
  ]
  // Calendar arithmetic on the local date itself, so DST days are still one cell each.
  return Array.from({ length: days }, (_, i) =>
    new Date(Date.UTC(y, m - 1, d - (days - 1 - i))).toISOString().slice(0, 10),
  )
}

/** Every date of a calendar month, `YYYY-MM`. */
export function monthDays(month: string): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number]
  const length = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return Array.from({ length }, (_, i) =>
    new Date(Date.UTC(y, m - 1, i + 1)).toISOString().slice(0, 10),
  )
}

export function buildCalendar(
  backupDates: readonly BackupDate[],
  nowSeconds: number,
  timeZone: string,
  days = 30,
): CalendarDay[] {
  return buildDays(entriesOf(backupDates), lastDays(nowSeconds, timeZone, days), timeZone)
}
