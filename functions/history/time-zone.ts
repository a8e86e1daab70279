// Calendar days in an IANA time zone, from Intl alone (workerd and Node ship full ICU): which
// local date an epoch second falls on, and when a local date begins. Zone offsets are whole
// quarter-hours and change on quarter-hour boundaries, so every instant of an aligned
// quarter-hour lies on the same local date: activity is bucketed by quarter-hour in SQL and
// the buckets are dated here.

export const QUARTER_HOUR = 900
const DAY = 86_400

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** A zone Intl knows (an IANA name such as `Europe/Berlin`, or `UTC`). */
export function isTimeZone(text: string): boolean {
  if (text.length === 0 || text.length > 64 || !/^[A-Za-z0-9_+\-/]+$/.test(text)) return false
  try {
    formatter(text)
    return true
  } catch {
    return false
  }
}

interface Wall {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

function wall(epoch: number, timeZone: string): Wall {
  const parts: Record<string, number> = {}
  for (const p of formatter(timeZone).formatToParts(new Date(epoch * 1000))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value)
  }
  return {
    year: parts.year ?? 1970,
    month: parts.month ?? 1,
    day: parts.day ?? 1,
    hour: parts.hour ?? 0,
    minute: parts.minute ?? 0,
    second: parts.second ?? 0,
  }
}

const pad = (n: number) => String(n).padStart(2, '0')

/** YYYY-MM-DD of the instant in the zone. */
export function localDate(epoch: number, timeZone: string): string {
  const w = wall(epoch, timeZone)
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`
}

/** The date `days` after (or before) a YYYY-MM-DD date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number)
  const t = Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) + days) / 1000
  return new Date(t * 1000).toISOString().slice(0, 10)
}

/** Seconds the zone is ahead of UTC at the instant. */
function offsetAt(epoch: number, timeZone: string): number {
  const w = wall(epoch, timeZone)
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) / 1000 - epoch
}

/** The first instant of a local date (its midnight, or when the day begins if it skips it). */
export function startOfDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number)
  const midnightUtc = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / 1000
  let t = midnightUtc - offsetAt(midnightUtc, timeZone)
  // Once more at the guess: the offset there is the one that applies (a DST change may lie
  // between UTC midnight and local midnight).
  t = midnightUtc - offsetAt(t, timeZone)
  // A day that begins after a skipped midnight: step to its first quarter-hour.
  while (localDate(t, timeZone) < date) t += QUARTER_HOUR
  while (localDate(t - QUARTER_HOUR, timeZone) === date) t -= QUARTER_HOUR
  return t
}

/**
 * When each of `count` consecutive local dates from `first` begins, and when the day after
 * them does (count + 1 boundaries): one day later each, checked against the zone (two lookups a
 * day) and found afresh only where a DST change moved it.
 */
export function dayStarts(first: string, count: number, timeZone: string): number[] {
  const starts = [startOfDay(first, timeZone)]
  for (let i = 1; i <= count; i++) {
    const date = addDays(first, i)
    const guess = (starts[i - 1] as number) + DAY
    const right =
      localDate(guess, timeZone) === date && localDate(guess - QUARTER_HOUR, timeZone) !== date
    starts.push(right ? guess : startOfDay(date, timeZone))
  }
  return starts
}

export const DAY_SECONDS = DAY

/**
 * The instant a local date shows the wall-clock time `minutes` after midnight (scheduled
 * reports). A time the zone repeats (clocks set back) is its first occurrence; a time it skips
 * (clocks set forward) is moved on by the change, as a clock that sprang forward shows it
 * (02:30 on the night Berlin skips 02:00-03:00 is 03:30 CEST).
 */
export function wallClockInstant(date: string, minutes: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number)
  const asUtc = Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1) / 1000 + minutes * 60
  // The offsets on either side of the time: a zone changes its offset at most once a day.
  const before = offsetAt(asUtc - DAY / 2, timeZone)
  const after = offsetAt(asUtc + DAY / 2, timeZone)
  const shows = (t: number) => t + offsetAt(t, timeZone) === asUtc
  const candidates = [asUtc - before, asUtc - after].filter(shows).sort((a, b) => a - b)
  return candidates[0] ?? asUtc - before
}

/** 0 (Sunday) to 6 (Saturday) of a YYYY-MM-DD date. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)).getUTCDay()
}
