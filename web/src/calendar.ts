// The drill-down calendar: the last N days in the viewer's own time zone, each with how many
// backups of which kinds were made that local day. Day buckets come from the exact timestamps
// (the stored `date` is a UTC day and would put a 23:30 backup on the wrong day).
import type { BackupDate } from '../../shared/schema/guest.ts'

export const CALENDAR_KINDS = ['pve', 'pbs', 'snapshot'] as const
export type CalendarKind = (typeof CALENDAR_KINDS)[number]

export interface CalendarDay {
  /** YYYY-MM-DD in the viewer's zone. */
  date: string
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number
  day: number
  month: number
  counts: Record<CalendarKind, number>
  total: number
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

export function buildCalendar(
  backupDates: readonly BackupDate[],
  nowSeconds: number,
  timeZone: string,
  days = 30,
): CalendarDay[] {
  const [y, m, d] = localDay(nowSeconds, timeZone).split('-').map(Number) as [
    number,
    number,
    number,
  ]
  const calendar: CalendarDay[] = []
  const byDate = new Map<string, CalendarDay>()
  for (let back = days - 1; back >= 0; back--) {
    // Calendar arithmetic on the local date itself, so DST days are still one cell each.
    const date = new Date(Date.UTC(y, m - 1, d - back))
    const entry: CalendarDay = {
      date: date.toISOString().slice(0, 10),
      weekday: date.getUTCDay(),
      day: date.getUTCDate(),
      month: date.getUTCMonth() + 1,
      counts: { pve: 0, pbs: 0, snapshot: 0 },
      total: 0,
    }
    calendar.push(entry)
    byDate.set(entry.date, entry)
  }
  for (const bucket of backupDates) {
    for (const [field, kind] of Object.entries(KIND_OF) as [keyof typeof KIND_OF, CalendarKind][]) {
      for (const t of bucket.timestamps[field]) {
        const entry = byDate.get(localDay(t, timeZone))
        if (!entry) continue
        entry.counts[kind] += 1
        entry.total += 1
      }
    }
  }
  return calendar
}
