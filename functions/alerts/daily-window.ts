// A daily window of wall-clock time in a time zone, written `22:00-06:00 Europe/Berlin` (zone
// optional, UTC by default; the end may be earlier than the start: it then ends the next day).
// Used for a source's expected reachability and for quiet hours. Pure: the clock is an argument.

export interface DailyWindow {
  /** Minutes after local midnight, 0–1439. */
  start: number
  /** Minutes after local midnight, 1–1440; never equal to start. */
  end: number
  timeZone: string
}

export interface WindowPhase {
  inside: boolean
  /** When the current phase (inside or outside) began. */
  since: number
  /** When it ends. */
  until: number
}

const MINUTES_PER_DAY = 1_440
const PATTERN = /^(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})(?:\s+(\S+))?$/

const formats = new Map<string, Intl.DateTimeFormat>()

/** One formatter per zone: building one is far dearer than using it. Throws on a bad zone. */
function formatFor(timeZone: string): Intl.DateTimeFormat {
  let format = formats.get(timeZone)
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
    formats.set(timeZone, format)
  }
  return format
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatFor(timeZone)
    return true
  } catch {
    return false
  }
}

/** The window, or null when the text is not `HH:MM-HH:MM [Zone]` with a zone this runtime knows. */
export function parseDailyWindow(text: string): DailyWindow | null {
  const match = PATTERN.exec(text.trim())
  if (!match) return null
  const [, h1, m1, h2, m2, zone] = match
  const start = Number(h1) * 60 + Number(m1)
  const end = Number(h2) * 60 + Number(m2)
  const timeZone = zone ?? 'UTC'
  if (Number(h1) > 23 || Number(m1) > 59 || Number(m2) > 59) return null
  if (Number(h2) > 24 || (Number(h2) === 24 && Number(m2) > 0)) return null
  if (start === end % MINUTES_PER_DAY || !isTimeZone(timeZone)) return null
  return { start, end, timeZone }
}

export function formatDailyWindow(window: DailyWindow): string {
  const hhmm = (minutes: number) =>
    `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
  return `${hhmm(window.start)}-${hhmm(window.end)} ${window.timeZone}`
}

/** Local wall-clock time of `at` in seconds after midnight. */
function localSeconds(at: number, timeZone: string): number {
  let hour = 0
  let minute = 0
  let second = 0
  for (const part of formatFor(timeZone).formatToParts(new Date(at * 1000))) {
    if (part.type === 'hour') hour = Number(part.value) % 24
    else if (part.type === 'minute') minute = Number(part.value)
    else if (part.type === 'second') second = Number(part.value)
  }
  return hour * 3_600 + minute * 60 + second
}

function isInside(window: DailyWindow, minute: number): boolean {
  const end = window.end % MINUTES_PER_DAY
  return window.start < end
    ? minute >= window.start && minute < end
    : minute >= window.start || minute < end
}

/** Seconds from `from` forward to the wall-clock minute `to`, both seconds after midnight. */
function forward(from: number, to: number): number {
  const day = MINUTES_PER_DAY * 60
  return (((to - from) % day) + day) % day
}

/**
 * Moves `at`, computed by wall-clock arithmetic, onto the instant whose local time is really
 * `target` (seconds after midnight): on a day with a daylight-saving change the two differ by
 * the change (an hour). A boundary inside the hour a change skips or repeats stays that hour off.
 */
function onWallClock(at: number, target: number, timeZone: string): number {
  const half = (MINUTES_PER_DAY * 60) / 2
  let delta = target - localSeconds(at, timeZone)
  if (delta > half) delta -= 2 * half
  if (delta < -half) delta += 2 * half
  return at + delta
}

export function windowPhase(window: DailyWindow, now: number): WindowPhase {
  const local = localSeconds(now, window.timeZone)
  const inside = isInside(window, Math.floor(local / 60))
  const opens = window.start * 60
  const closes = (window.end % MINUTES_PER_DAY) * 60
  const began = inside ? opens : closes
  const ends = inside ? closes : opens
  const since = onWallClock(now - forward(began, local), began, window.timeZone)
  const until = onWallClock(now + forward(local, ends), ends, window.timeZone)
  return { inside, since: Math.min(since, now), until: Math.max(until, now + 60) }
}
