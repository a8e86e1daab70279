// Local-time math for node time zones with Intl only: vzdump names files in the node's local
// time and PVE turns the name back into an epoch in the listing node's zone.

export interface LocalParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  weekday: number
}

const formatters = new Map<string, Intl.DateTimeFormat>()
const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
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
      weekday: 'short',
    })
    formatters.set(timeZone, f)
  }
  return f
}

export function localParts(epoch: number, timeZone: string): LocalParts {
  const out: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, weekday: 0 }
  for (const part of formatter(timeZone).formatToParts(epoch * 1000)) {
    if (part.type === 'weekday') out.weekday = weekdays.indexOf(part.value)
    else if (part.type in out) out[part.type as keyof LocalParts] = Number(part.value)
  }
  return out
}

function offsetAt(epoch: number, timeZone: string): number {
  const p = localParts(epoch, timeZone)
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - epoch
}

/** Epoch of a wall-clock time in a zone (like Perl timelocal; the earlier reading wins in a DST overlap). */
export function fromLocal(p: Omit<LocalParts, 'weekday'>, timeZone: string): number {
  const naive = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000
  const candidates = [
    naive - offsetAt(naive - 43200, timeZone),
    naive - offsetAt(naive + 43200, timeZone),
  ]
  const valid = candidates.filter((t) => naive - t === offsetAt(t, timeZone)).sort((a, b) => a - b)
  return valid[0] ?? (candidates[0] as number)
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

/** vzdump's `%Y_%m_%d-%H_%M_%S` in the node's zone. */
export function vzdumpStamp(epoch: number, timeZone: string): string {
  const p = localParts(epoch, timeZone)
  return `${p.year}_${pad(p.month)}_${pad(p.day)}-${pad(p.hour)}_${pad(p.minute)}_${pad(p.second)}`
}

export function parseVzdumpStamp(stamp: string, timeZone: string): number | undefined {
  const m = /^(\d{4})_(\d{2})_(\d{2})-(\d{2})_(\d{2})_(\d{2})$/.exec(stamp)
  if (!m) return undefined
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as number[]
  return fromLocal(
    { year, month, day, hour, minute, second } as Omit<LocalParts, 'weekday'>,
    timeZone,
  )
}

/** Task-log style `2025-06-07 20:00:02` in the node's zone. */
export function logStamp(epoch: number, timeZone: string): string {
  const p = localParts(epoch, timeZone)
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`
}

/** PBS snapshot directory time, RFC 3339 UTC without fractions. */
export function utcStamp(epoch: number): string {
  return new Date(epoch * 1000).toISOString().replace('.000Z', 'Z')
}
