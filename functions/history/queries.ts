// The history read side, in the shapes of shared/schema/history.ts: a guest's backups and runs
// through time with a summary, and the fleet's activity per calendar day in the viewer's zone.
// Each asks the StateStore a few indexed SQL queries; the rest is arithmetic here. Pure.
import type {
  ActivityCounts,
  ActivityDay,
  ActivityResponse,
  GuestHistoryResponse,
  HistoryBackup,
} from '../../shared/schema/history.ts'
import type { StateStore } from '../coordinator/state.ts'
import { addDays, DAY_SECONDS, dayStarts, localDate } from './time-zone.ts'
import type { StoredBackup } from './types.ts'

export interface GuestHistoryQuery {
  key: string
  now: number
  /** Days back from now; null: the whole retention. */
  days: number | null
  retentionDays: number
  /** Start of the newest pass: what is still on storage was last seen then. */
  lastPass: number | null
}

function toBackup(row: StoredBackup, lastPass: number | null): HistoryBackup {
  const present = row.prunedAt === null && row.missingSince === null
  return {
    kind: row.kind,
    time: row.time,
    location: row.location,
    node: row.node,
    name: row.name,
    size: row.size,
    verification: row.verification,
    protected: row.protected,
    notes: row.notes,
    durationSeconds: row.durationSeconds,
    firstSeen: row.firstSeen,
    lastSeen: present ? Math.max(row.lastSeen, lastPass ?? row.lastSeen) : row.lastSeen,
    pruned: row.prunedAt !== null,
  }
}

/** Null when history holds nothing at all for the key. */
export function guestHistory(state: StateStore, q: GuestHistoryQuery): GuestHistoryResponse | null {
  const summary = state.guestSummary(q.key)
  if (!summary.known) return null
  const from = q.now - (q.days ?? q.retentionDays) * DAY_SECONDS
  return {
    key: q.key,
    from,
    to: q.now,
    backups: state.guestBackups(q.key, from).map((row) => toBackup(row, q.lastPass)),
    runs: state.guestRuns(q.key, from),
    summary: {
      restorePoints: summary.restorePoints,
      oldestRestorePoint: summary.oldestRestorePoint,
      pruned: summary.pruned,
      firstSeen: summary.firstBackup,
    },
    retentionDays: q.retentionDays,
  }
}

const zero = (): ActivityCounts => ({ ok: 0, failed: 0, missed: 0 })

/**
 * Per calendar day of `timeZone`, the last `days` days up to today: `ok` backups made that day
 * (each restore point, pruned ones included), `failed` guests in finished vzdump runs that
 * started that day, `missed` guests whose scheduled run that day passed its deadline with no
 * backup. Snapshots are never scheduled: only their `ok` counts.
 */
export function activity(
  state: StateStore,
  q: { now: number; days: number; timeZone: string },
): ActivityResponse {
  const today = localDate(q.now, q.timeZone)
  const first = addDays(today, 1 - q.days)
  const starts = dayStarts(first, q.days, q.timeZone)
  const from = starts[0] as number
  const series: ActivityDay[] = starts.slice(0, q.days).map((_, i) => ({
    date: addDays(first, i),
    pve: zero(),
    pbs: zero(),
    snapshots: zero(),
  }))
  // Today runs up to now.
  const bounds = [...starts.slice(0, q.days), q.now + 1]
  for (const b of state.activityCounts(bounds)) {
    const day = series[b.bucket]
    if (!day) continue
    const counts = b.kind === 'snapshot' ? day.snapshots : day[b.kind]
    counts[b.measure] += b.count
  }
  return { days: q.days, timeZone: q.timeZone, from, to: q.now, series }
}
