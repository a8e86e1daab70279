// Display text for sizes and exact local times. The age text itself is shared/age.ts's.
import { formatAge } from '../../shared/age.ts'

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === undefined || bytes === null || !Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${unit === 0 ? value : value.toFixed(value < 10 ? 2 : 1)} ${UNITS[unit]}`
}

const exact = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
})

/** Exact time in the viewer's zone, e.g. "Nov 24, 2026, 23:30:00 EST". */
export function formatLocalTime(epochSeconds: number): string {
  return exact.format(epochSeconds * 1000)
}

/** Short guest type: VM or CT (container). */
export function guestTypeLabel(type: 'qemu' | 'lxc' | null): string {
  return type === 'qemu' ? 'VM' : type === 'lxc' ? 'CT' : '—'
}

export const viewerTimeZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone

/**
 * A refresh round the subrequest budget splits over several invocations, while it lasts:
 * "catching up since 09:12 (3 min): 412 requests done, 380 items left after 9 steps".
 */
export function progressText(
  progress: { since: number; passes: number; done: number; left: number },
  now: number,
): string {
  const minutes = Math.max(0, Math.round((now - progress.since) / 60))
  const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' }).format(
    progress.since * 1000,
  )
  return (
    `catching up since ${time} (${minutes} min): ${progress.done} request(s) done, ` +
    `${progress.left} item(s) left after ${progress.passes} step(s)`
  )
}

const dateOnly = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
})

/** Calendar day in the viewer's zone, e.g. "Mar 3, 2027" (for estimates, not events). */
export function formatLocalDate(epochSeconds: number): string {
  return dateOnly.format(epochSeconds * 1000)
}

/** "in 5h" for a time ahead of `now`, "5h ago" for one behind it. */
export function relativeTime(epochSeconds: number, now: number): string {
  return epochSeconds > now
    ? `in ${formatAge(epochSeconds - now)}`
    : `${formatAge(now - epochSeconds)} ago`
}

/** Exact local time with its distance from now: "Nov 24, 2026, 21:00:00 EST (in 5h)". */
export function formatWhen(epochSeconds: number, now: number): string {
  return `${formatLocalTime(epochSeconds)} (${relativeTime(epochSeconds, now)})`
}

const shortThisYear = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
})
const shortOtherYear = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
})

/** A table's compact local time, "Dec 5, 01:54 AM EST"; the year only when not this one's. */
export function formatShortTime(epochSeconds: number, now: number): string {
  const year = (t: number) => new Date(t * 1000).getFullYear()
  const f = year(epochSeconds) === year(now) ? shortThisYear : shortOtherYear
  return f.format(epochSeconds * 1000)
}
