// Value axes: a linear map, and "nice" ticks for counts, bytes and durations (round steps the
// eye can read: 1, 2, 5 × 10ⁿ; binary units for bytes; minutes and hours for durations). The
// axis always starts at zero: a bar or a usage line read against a cut-off axis misleads.
export interface Tick {
  value: number
  label: string
}

export interface Axis {
  /** Top of the axis (≥ the data's maximum; > 0). */
  max: number
  ticks: Tick[]
}

/** Maps `domain` onto `range` linearly (a zero-width domain maps everything to range[0]). */
export function linear(
  domain: readonly [number, number],
  range: readonly [number, number],
): (v: number) => number {
  const [d0, d1] = domain
  const [r0, r1] = range
  const span = d1 - d0
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0))
}

/** The smallest 1, 2 or 5 × 10ⁿ at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1
  const power = 10 ** Math.floor(Math.log10(raw))
  for (const m of [1, 2, 5, 10]) if (m * power >= raw * (1 - 1e-9)) return m * power
  return 10 * power
}

function ticksOf(max: number, step: number, label: (v: number) => string): Axis {
  const top = Math.max(step, Math.ceil(max / step - 1e-9) * step)
  const ticks: Tick[] = []
  const n = Math.round(top / step)
  for (let i = 0; i <= n; i++) ticks.push({ value: i * step, label: label(i * step) })
  return { max: top, ticks }
}

/** Whole-number counts (backups per day): never a fractional step; 0..1 for no data. */
export function countAxis(max: number, count = 4): Axis {
  const step = Math.max(1, niceStep(Math.max(max, 1) / count))
  return ticksOf(Math.max(max, 1), step, (v) => String(v))
}

const UNIT = 1024
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']

/** Bytes in binary units, the same ones the tables show: 0, 500 GiB, 1000 GiB … or 1, 2 TiB. */
export function byteAxis(max: number, count = 4): Axis {
  const top = Math.max(max, 1)
  const exponent = Math.min(
    UNITS.length - 1,
    Math.max(0, Math.floor(Math.log(top) / Math.log(UNIT) + 1e-9)),
  )
  const unit = UNIT ** exponent
  const step = niceStep(top / unit / count) * unit
  // One unit for the whole axis, so the labels compare at a glance.
  const label = (v: number) =>
    v === 0 ? '0' : `${Number((v / unit).toFixed(2))} ${UNITS[exponent] ?? ''}`
  return ticksOf(top, step, label)
}

const MINUTE = 60
const HOUR = 3_600
const DURATION_STEPS = [
  1,
  5,
  10,
  15,
  30,
  MINUTE,
  2 * MINUTE,
  5 * MINUTE,
  10 * MINUTE,
  15 * MINUTE,
  30 * MINUTE,
  HOUR,
  2 * HOUR,
  3 * HOUR,
  6 * HOUR,
  12 * HOUR,
  24 * HOUR,
]

/** "45s", "12m", "1h 30m", "26h": a duration as a job's run time is read. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  if (s < MINUTE) return `${s}s`
  if (s < HOUR) {
    const m = Math.floor(s / MINUTE)
    const rest = s % MINUTE
    return rest && m < 10 ? `${m}m ${rest}s` : `${Math.round(s / MINUTE)}m`
  }
  const h = Math.floor(s / HOUR)
  const m = Math.round((s % HOUR) / MINUTE)
  return m === 0 ? `${h}h` : m === 60 ? `${h + 1}h` : `${h}h ${m}m`
}

/** Durations on steps of seconds, minutes or hours. */
export function durationAxis(max: number, count = 4): Axis {
  const top = Math.max(max, 1)
  const raw = top / count
  const step = DURATION_STEPS.find((s) => s >= raw) ?? Math.ceil(raw / (24 * HOUR)) * 24 * HOUR
  return ticksOf(top, step, (v) => (v === 0 ? '0' : formatDuration(v)))
}
