// Calendar days in a time zone, for the charts' x axes: day arithmetic on the local date itself
// (so a 23- or 25-hour DST day is still one day), the epoch of a local midnight, and which days
// get a label when there is room for only some. Dates are YYYY-MM-DD strings throughout.
import { localDay } from '../calendar.ts'

export { localDay }

const DAY_MS = 86_400_000

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return [y, m, d]
}

/** The date `n` days after `date` (negative: before). */
export function addDays(date: string, n: number): string {
  const [y, m, d] = parts(date)
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10)
}

/** Whole days from `a` to `b` (b − a). */
export function daysBetween(a: string, b: string): number {
  const [ya, ma, da] = parts(a)
  const [yb, mb, db] = parts(b)
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / DAY_MS)
}

/** Every date from `from` to `to`, both included; empty when `to` is before `from`. */
export function dayRange(from: string, to: string): string[] {
  const n = daysBetween(from, to)
  return Array.from({ length: Math.max(0, n + 1) }, (_, i) => addDays(from, i))
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(date: string): number {
  const [y, m, d] = parts(date)
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay()
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat>()

/** The zone's offset from UTC at an instant, in seconds (east positive). */
export function zoneOffset(epochSeconds: number, timeZone: string): number {
  let f = offsetFormatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    offsetFormatters.set(timeZone, f)
  }
  const p = Object.fromEntries(
    f.formatToParts(epochSeconds * 1000).map((x) => [x.type, Number(x.value)]),
  ) as Record<string, number>
  const wall = Date.UTC(
    p.year ?? 1970,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  )
  return Math.round(wall / 1000 - Math.floor(epochSeconds))
}

/** The epoch of the first second of `date` in the zone (its local midnight). */
export function startOfDay(date: string, timeZone: string): number {
  const [y, m, d] = parts(date)
  const wall = Date.UTC(y, m - 1, d) / 1000
  // The offset at midnight can differ from the one a few hours off it (a DST change that
  // night): correct once with the offset at the first guess.
  const guess = wall - zoneOffset(wall, timeZone)
  return wall - zoneOffset(guess, timeZone)
}

const dateFormatters = new Map<string, Intl.DateTimeFormat>()

/**
 * A calendar date as words ("Mar 3", "Tue, Mar 3, 2026"), in the viewer's locale. The date is
 * already a local one, so it is formatted as a UTC date, never shifted again.
 */
export function formatDate(date: string, options: Intl.DateTimeFormatOptions): string {
  const key = JSON.stringify(options)
  let f = dateFormatters.get(key)
  if (!f) {
    f = new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' })
    dateFormatters.set(key, f)
  }
  const [y, m, d] = parts(date)
  return f.format(Date.UTC(y, m - 1, d))
}

/** "Tue, Mar 3, 2026": a day's full name, for tooltips and tables. */
export const longDate = (date: string): string =>
  formatDate(date, { weekday: 'short', year: 'numeric', month: 'short', day: 'numeric' })

export interface DayTick {
  /** Index of the day in the list it labels. */
  index: number
  date: string
  label: string
}

type Rule = {
  /** Whether the day gets a tick. */
  keep: (date: string, index: number) => boolean
  label: (date: string, first: boolean) => string
}

const monthLabel = (date: string, first: boolean) =>
  date.endsWith('-01-01') || first
    ? formatDate(date, { month: 'short', year: 'numeric' })
    : formatDate(date, { month: 'short' })
const dayLabel = (date: string, first: boolean) =>
  date.endsWith('-01') || first
    ? formatDate(date, { month: 'short', day: 'numeric' })
    : formatDate(date, { day: 'numeric' })

/** Coarser and coarser: the first that fits is used. */
const RULES: Rule[] = [
  { keep: () => true, label: (d) => formatDate(d, { weekday: 'short', day: 'numeric' }) },
  { keep: () => true, label: dayLabel },
  { keep: (_, i) => i % 2 === 0, label: dayLabel },
  // Mondays.
  { keep: (d) => weekday(d) === 1, label: dayLabel },
  { keep: (d) => d.endsWith('-01') || d.endsWith('-15'), label: dayLabel },
  { keep: (d) => d.endsWith('-01'), label: monthLabel },
  { keep: (d) => /-(01|04|07|10)-01$/.test(d), label: monthLabel },
  { keep: (d) => d.endsWith('-01-01'), label: (d) => d.slice(0, 4) },
]

/** About what an 11 px label needs per character, and the room kept between two labels. */
const CHAR_PX = 5.9
const GAP_PX = 6

/** Room beyond the plot's left and right edges a label may use (the chart's margins). */
export interface Room {
  left: number
  right: number
}
const DEFAULT_ROOM: Room = { left: 40, right: 8 }

/** Centred under its day, unless that would leave the chart: then anchored inside it. */
export function labelAnchor(
  x: number,
  text: string,
  width: number,
  room: Room = DEFAULT_ROOM,
): 'start' | 'middle' | 'end' {
  const half = (text.length * CHAR_PX) / 2
  if (x - half < -room.left) return 'start'
  if (x + half > width + room.right) return 'end'
  return 'middle'
}

/** Where a label of `text` at `x` (plot coordinates) reaches, left and right. */
export function labelExtent(
  x: number,
  text: string,
  width: number,
  room: Room = DEFAULT_ROOM,
): [number, number] {
  const w = text.length * CHAR_PX
  const anchor = labelAnchor(x, text, width, room)
  if (anchor === 'start') return [x, x + w]
  if (anchor === 'end') return [x - w, x]
  return [x - w / 2, x + w / 2]
}

/**
 * The labelled days of a run of consecutive dates drawn `width` px wide: every day while they
 * fit, then every other day, Mondays, the 1st and 15th, month starts, quarters, years — the
 * first whose labels (measured by their text) do not touch.
 */
export function dayTicks(
  dates: readonly string[],
  width: number,
  room: Room = DEFAULT_ROOM,
  /** Where each date's label goes (default: the middle of its band of width / days). */
  positions?: readonly number[],
): DayTick[] {
  if (dates.length === 0) return []
  const perDay = width / dates.length
  const at = (index: number) => positions?.[index] ?? (index + 0.5) * perDay
  for (const rule of RULES) {
    // A date with no position (NaN: outside the drawn range) gets no label.
    const picked = dates.flatMap((date, index) =>
      rule.keep(date, index) && !Number.isNaN(at(index)) ? [{ date, index }] : [],
    )
    // The first label names its month (or year) when there is room for that, else it is short.
    for (const context of [true, false]) {
      const ticks = picked.map((p, i) => ({ ...p, label: rule.label(p.date, context && i === 0) }))
      const extents = ticks.map((t) => labelExtent(at(t.index), t.label, width, room))
      const fits =
        ticks.length > 0 &&
        extents.every((e, i) => i === 0 || (extents[i - 1]?.[1] ?? 0) + GAP_PX <= e[0])
      if (fits) return ticks
    }
  }
  const last = dates.length - 1
  return [{ index: last, date: dates[last] as string, label: (dates[last] as string).slice(0, 4) }]
}
