// The simulated PVE's calendar events: the few forms the lab's jobs use (`HH:MM`,
// `<day>[,<day>…] HH:MM`, `<day>..<day> HH:MM`, optionally ending in ` UTC`), evaluated in the
// answering node's zone as PVE does. This is the lab playing PVE, not Pulse Edge's code.
import { fromLocal } from './time-zone.ts'

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

export interface LabCalendarEvent {
  /** Weekdays (0 = Sunday); empty: every day. */
  days: number[]
  hour: number
  minute: number
  utc: boolean
}

function dayIndex(name: string): number {
  const i = DAYS.indexOf(name.toLowerCase())
  if (i < 0) throw new Error(`unknown weekday '${name}'`)
  return i
}

/** The event, or an Error message PVE-like enough for a 400. */
export function parseLabSchedule(text: string): LabCalendarEvent | string {
  let rest = text.trim()
  const utc = / UTC$/i.test(rest)
  if (utc) rest = rest.slice(0, -4).trim()
  const m = /^(?:([a-z.,]+)\s+)?(\d{1,2}):(\d{2})$/i.exec(rest)
  if (!m) return `unable to parse calendar event '${text}'`
  const hour = Number(m[2])
  const minute = Number(m[3])
  if (hour > 23 || minute > 59) return `unable to parse calendar event '${text}'`
  const days = new Set<number>()
  try {
    for (const part of (m[1] ?? '').split(',').filter((p) => p !== '')) {
      const range = part.split('..')
      if (range.length === 2) {
        const from = dayIndex(range[0] as string)
        const to = dayIndex(range[1] as string)
        for (let d = from; ; d = (d + 1) % 7) {
          days.add(d)
          if (d === to) break
        }
      } else days.add(dayIndex(part))
    }
  } catch (error) {
    return (error as Error).message
  }
  return { days: [...days].sort((a, b) => a - b), hour, minute, utc }
}

/** The next `count` events strictly after `start` (as PVE's compute_next_event, repeated). */
export function nextEvents(
  event: LabCalendarEvent,
  timeZone: string,
  start: number,
  count: number,
): number[] {
  const zone = event.utc ? 'UTC' : timeZone
  const out: number[] = []
  // Whole local days from the day before `start` (a zone ahead of UTC) onwards.
  const first = new Date((start - 86_400) * 1000)
  for (let d = 0; out.length < count && d < 800; d++) {
    const day = new Date(
      Date.UTC(first.getUTCFullYear(), first.getUTCMonth(), first.getUTCDate() + d),
    )
    if (event.days.length > 0 && !event.days.includes(day.getUTCDay())) continue
    const t = fromLocal(
      {
        year: day.getUTCFullYear(),
        month: day.getUTCMonth() + 1,
        day: day.getUTCDate(),
        hour: event.hour,
        minute: event.minute,
        second: 0,
      },
      zone,
    )
    if (t > start && (out.length === 0 || t > (out[out.length - 1] as number))) out.push(t)
  }
  return out
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

/** Perl's scalar(gmtime): `Sat Jun  7 18:00:02 2025`. */
export function perlGmtime(epoch: number): string {
  const d = new Date(epoch * 1000)
  const pad = (n: number) => String(n).padStart(2, '0')
  return `${WEEKDAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()}`
}
