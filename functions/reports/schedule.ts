// When a channel's scheduled report is due: daily or weekly at a wall-clock time in a time zone
// (DST-correct: 08:00 Berlin is 07:00 UTC in winter and 06:00 in summer), and which scheduled
// time a report is for. Each channel keeps a mark, the scheduled time it last reported (or
// armed itself at); a report is due when the latest scheduled time at or before now is past
// the mark — so a coordinator that slept through several sends one report when it wakes, not
// one per missed time. A schedule never seen before (or changed) arms itself at its latest
// time without sending: the first report goes at the next scheduled time. Pure: the clock is
// an argument.
import { addDays, localDate, wallClockInstant, weekdayOf } from '../history/time-zone.ts'

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export type Weekday = (typeof WEEKDAYS)[number]

export interface ReportSchedule {
  every: 'daily' | 'weekly'
  /** Minutes after local midnight, 0–1439. */
  at: number
  /** The day of a weekly report. */
  weekday: Weekday
  timeZone: string
}

/** What a channel remembers: the schedule it armed with, and the time it last reported for. */
export interface ReportMark {
  /** describeSchedule() of the schedule: a changed schedule arms itself afresh. */
  schedule: string
  slot: number
}

export type ReportMarks = Record<string, ReportMark>

const hhmm = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`

/** `daily 08:00 Europe/Berlin`, `weekly mon 07:30 UTC`. */
export function describeSchedule(schedule: ReportSchedule): string {
  const day = schedule.every === 'weekly' ? ` ${schedule.weekday}` : ''
  return `${schedule.every}${day} ${hhmm(schedule.at)} ${schedule.timeZone}`
}

export const formatReportTime = hhmm

/** The days from `date` back to the schedule's day (0 for a daily report). */
function daysBack(schedule: ReportSchedule, date: string): number {
  if (schedule.every === 'daily') return 0
  const want = WEEKDAYS.indexOf(schedule.weekday)
  return (weekdayOf(date) - want + 7) % 7
}

const step = (schedule: ReportSchedule) => (schedule.every === 'daily' ? 1 : 7)
const slotOn = (schedule: ReportSchedule, date: string) =>
  wallClockInstant(date, schedule.at, schedule.timeZone)

/** The latest scheduled time at or before `now`. */
export function slotAtOrBefore(schedule: ReportSchedule, now: number): number {
  const today = localDate(now, schedule.timeZone)
  let date = addDays(today, -daysBack(schedule, today))
  let slot = slotOn(schedule, date)
  // At most twice: a scheduled time later today (or later on today's weekday) is not yet.
  while (slot > now) {
    date = addDays(date, -step(schedule))
    slot = slotOn(schedule, date)
  }
  return slot
}

/** The earliest scheduled time after `now`. */
export function slotAfter(schedule: ReportSchedule, now: number): number {
  const last = slotAtOrBefore(schedule, now)
  let date = addDays(localDate(last, schedule.timeZone), step(schedule))
  let slot = slotOn(schedule, date)
  // A skipped wall-clock time moves the slot forward; it can never land at or before `last`,
  // but a day's slot may equal now only if it is `last` itself.
  while (slot <= now) {
    date = addDays(date, step(schedule))
    slot = slotOn(schedule, date)
  }
  return slot
}

export interface ReportDecision {
  /** The scheduled time to report for now; null: nothing due. */
  due: number | null
  /** The channel's mark after this decision (to be stored with the report, if any). */
  mark: ReportMark
}

export function decideReport(
  schedule: ReportSchedule,
  mark: ReportMark | undefined,
  now: number,
): ReportDecision {
  const described = describeSchedule(schedule)
  const last = slotAtOrBefore(schedule, now)
  if (!mark || mark.schedule !== described) {
    return { due: null, mark: { schedule: described, slot: last } }
  }
  if (last > mark.slot) return { due: last, mark: { schedule: described, slot: last } }
  return { due: null, mark }
}

/** When the channel's next report goes out (now, when one is due), as the channels API says. */
export function upcomingReport(
  schedule: ReportSchedule,
  mark: ReportMark | undefined,
  now: number,
): number {
  const current = mark !== undefined && mark.schedule === describeSchedule(schedule)
  if (current && slotAtOrBefore(schedule, now) > mark.slot) return now
  return slotAfter(schedule, now)
}

/** When the channel next needs the coordinator: now to arm or send, else its next time. */
export function nextReportAt(
  schedule: ReportSchedule,
  mark: ReportMark | undefined,
  now: number,
): number {
  if (!mark || mark.schedule !== describeSchedule(schedule)) return now
  if (slotAtOrBefore(schedule, now) > mark.slot) return now
  return slotAfter(schedule, now)
}
