// The age rule shared by the Worker (badges) and the page (table): which timestamp a filter
// reads, how old it is, and which status colour that age earns. Pure; the clock is an argument.

export const BACKUP_FILTERS = ['all', 'pve', 'pbs', 'snapshots'] as const
export type BackupFilter = (typeof BACKUP_FILTERS)[number]

export const AGE_STATUSES = ['fresh', 'stale', 'overdue', 'never'] as const
export type AgeStatus = (typeof AGE_STATUSES)[number]

export interface Thresholds {
  freshHours: number
  staleHours: number
}

export const DEFAULT_THRESHOLDS: Thresholds = { freshHours: 24, staleHours: 72 }

const SECONDS_PER_MINUTE = 60
const SECONDS_PER_HOUR = 3_600
const SECONDS_PER_DAY = 86_400

/** The slice of a guest record the age rule reads (the design note's field names). */
export interface AgeSubject {
  latestBackupTime?: number | null
  latestTimes?: { pve?: number | null; pbs?: number | null; snapshots?: number | null } | null
}

/**
 * The newest timestamp (epoch seconds) that `filter` shows, or null for "never".
 * Unlike the design note's version, a guest without a backup of the chosen type is "never"
 * rather than another type's age; only a legacy record with no `latestTimes` at all falls
 * back to the overall time. 0 is a real timestamp, not a missing one.
 */
export function latestTimeFor(guest: AgeSubject, filter: BackupFilter): number | null {
  const times = guest.latestTimes
  if (times === undefined || times === null || filter === 'all') {
    return guest.latestBackupTime ?? null
  }
  return times[filter] ?? null
}

/** Age in seconds of the newest backup `filter` shows; Infinity when there is none. */
export function getFilteredAge(
  guest: AgeSubject,
  filter: BackupFilter,
  nowSeconds: number,
): number {
  const latest = latestTimeFor(guest, filter)
  if (latest === null) return Number.POSITIVE_INFINITY
  // A clock a few seconds ahead of ours must not produce a negative age.
  return Math.max(0, nowSeconds - latest)
}

export function ageStatus(
  ageSeconds: number,
  thresholds: Thresholds = DEFAULT_THRESHOLDS,
): AgeStatus {
  if (!Number.isFinite(ageSeconds)) return 'never'
  if (ageSeconds <= thresholds.freshHours * SECONDS_PER_HOUR) return 'fresh'
  if (ageSeconds <= thresholds.staleHours * SECONDS_PER_HOUR) return 'stale'
  return 'overdue'
}

/**
 * Short age text: "45s", "12m", "17h", "3d 4h", "never". Hours until two days so that the
 * design note's "17h" and "36h" read as hours, as users compare them against a daily job.
 */
export function formatAge(ageSeconds: number): string {
  if (!Number.isFinite(ageSeconds)) return 'never'
  const seconds = Math.max(0, Math.floor(ageSeconds))
  if (seconds < SECONDS_PER_MINUTE) return `${seconds}s`
  if (seconds < SECONDS_PER_HOUR) return `${Math.floor(seconds / SECONDS_PER_MINUTE)}m`
  if (seconds < 2 * SECONDS_PER_DAY) return `${Math.floor(seconds / SECONDS_PER_HOUR)}h`
  const days = Math.floor(seconds / SECONDS_PER_DAY)
  const hours = Math.floor((seconds % SECONDS_PER_DAY) / SECONDS_PER_HOUR)
  return hours > 0 && days < 10 ? `${days}d ${hours}h` : `${days}d`
}
