// Display text for sizes and exact local times. The age text itself is shared/age.ts's.

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—'
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
