// Due / missed as the page shows it, and a PVE schedule in words. The state itself is the
// Worker's (shared/schema/guest.ts); between two reloads the page only moves it on by the
// contract's own definitions, so a guest does not stay "due" for minutes after its deadline.
import type { GuestSchedule, ScheduleState } from '../../shared/schema/guest.ts'
import { formatWhen } from './format.ts'

/**
 * The schedule as of `now`: once the next run's time has come the guest is `due` (its grace
 * is the one the Worker used for the previous run), and once a `due` guest's deadline passed
 * it is `missed` since that deadline. Anything else is as the Worker sent it.
 */
export function scheduleNow(s: GuestSchedule, now: number): GuestSchedule {
  let current = s
  if (current.state === 'ok' && current.nextRun !== null && current.nextRun <= now) {
    const grace =
      current.deadline !== null && current.previousRun !== null
        ? current.deadline - current.previousRun
        : null
    current = {
      ...current,
      state: 'due',
      previousRun: current.nextRun,
      // PVE has not told us the run after it yet; the next reload will.
      nextRun: null,
      deadline: grace === null ? null : current.nextRun + grace,
    }
  }
  if (current.state === 'due' && current.deadline !== null && current.deadline < now)
    current = { ...current, state: 'missed', missedSince: current.deadline }
  return current
}

/** Worst first: the sort and the attention order read it. */
export const SCHEDULE_RANK: Record<ScheduleState, number> = { missed: 0, due: 1, ok: 2 }

/** One sentence for the tooltip, the drill-down and screen readers. */
export function scheduleSentence(s: GuestSchedule, now: number): string {
  const next = s.nextRun !== null ? ` Next run ${formatWhen(s.nextRun, now)}.` : ''
  const previous = s.previousRun !== null ? formatWhen(s.previousRun, now) : 'its last run'
  switch (s.state) {
    case 'ok':
      return `Backed up since the scheduled run of ${previous}.${next}`
    case 'due':
      return `Due: no backup yet from the run of ${previous}${s.deadline !== null ? `; missed after ${formatWhen(s.deadline, now)}` : ''}.${next}`
    case 'missed':
      return `Missed since ${s.missedSince !== null ? formatWhen(s.missedSince, now) : 'its deadline'}: no backup from the run of ${previous}.${next}`
  }
}

const DAYS: Record<string, string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
}
const DAY = '(?:mon|tue|wed|thu|fri|sat|sun)'
const DAY_LIST = new RegExp(`^${DAY}(?:\\.\\.${DAY})?(?:,${DAY}(?:\\.\\.${DAY})?)*$`)
const TIME = /^(\d{1,2}):(\d{2})$/

/**
 * A PVE calendar event in words, for the common simple forms only ("mon..fri 21:00",
 * "02:30", "sat", "daily"); null for anything else, which the page then shows as written.
 * Not a calendar-event parser: PVE computes the runs (next-run, schedule-analyze).
 */
export function scheduleWords(event: string, localTime = 'node time'): string | null {
  let text = event.trim().toLowerCase()
  let zone = localTime
  if (text.endsWith(' utc')) {
    text = text.slice(0, -4).trim()
    zone = 'UTC'
  }
  const special: Record<string, string> = {
    hourly: 'every hour',
    daily: 'every day at 00:00',
    weekly: 'every Monday at 00:00',
    monthly: 'on the 1st of every month at 00:00',
  }
  if (special[text]) return `${special[text]}, ${zone}`
  const parts = text.split(/\s+/)
  if (parts.length > 2) return null
  let days: string | null = null
  let time: string | null = null
  for (const part of parts) {
    if (DAY_LIST.test(part) && days === null && time === null) {
      days = part
        .split(',')
        .map((d) =>
          d
            .split('..')
            .map((x) => DAYS[x])
            .join('–'),
        )
        .join(', ')
      continue
    }
    const t = TIME.exec(part)
    if (!t || time !== null || Number(t[1]) > 23 || Number(t[2]) > 59) return null
    time = `${t[1]?.padStart(2, '0')}:${t[2]}`
  }
  if (days === 'Mon–Sun') days = null
  return `${days ?? 'every day'} at ${time ?? '00:00'}, ${zone}`
}
