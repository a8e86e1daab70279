// Which guests the table shows and in what order: search, type, status and quick filters,
// then a sort with empty values last. Pure; the clock and thresholds are arguments.
import {
  type AgeStatus,
  ageStatus,
  type BackupFilter,
  getFilteredAge,
  type Thresholds,
} from '../../shared/age.ts'
import type { GuestSummary } from '../../shared/schema/guest.ts'
import { SCHEDULE_RANK, scheduleNow } from './schedule.ts'
import type { SortKey, ViewState } from './view-state.ts'

export type StatusCounts = Record<AgeStatus, number>

export interface Selection {
  rows: GuestSummary[]
  /** Per status for the active backup filter, before the status filter narrows the rows. */
  counts: StatusCounts
  noBackup: number
  uncovered: number
  /** Guests that missed a scheduled run, as of now. */
  missed: number
  /** Guests whose newest PBS snapshot failed verification. */
  verifyFailed: number
}

const STATUS_RANK: Record<AgeStatus, number> = { never: 0, overdue: 1, stale: 2, fresh: 3 }
const JOB_RANK = { failed: 0, warning: 1, running: 2, ok: 3 } as const

/** Lower-case text a search term is matched against. */
export function searchText(g: GuestSummary): string {
  return [
    g.guestName ?? '',
    g.guestId,
    g.node,
    g.cluster,
    g.clusterName ?? '',
    g.pool ?? '',
    ...(g.tags ?? []),
  ]
    .join(' ')
    .toLowerCase()
}

function matchesSearch(g: GuestSummary, terms: string[]): boolean {
  if (terms.length === 0) return true
  const text = searchText(g)
  return terms.every((t) => text.includes(t))
}

type SortValue = string | number | null

function sortValue(g: GuestSummary, key: SortKey, filter: BackupFilter, now: number): SortValue {
  switch (key) {
    case 'name':
      return g.guestName?.toLowerCase() ?? null
    case 'vmid':
      return g.guestId
    case 'cluster':
      return g.clusterName ?? g.cluster
    case 'node':
      return g.node || null
    case 'type':
      return g.type
    case 'schedule': {
      if (!g.schedule) return null
      // Worst state first, then the longest missed / the soonest deadline / the soonest run.
      const s = scheduleNow(g.schedule, now)
      const time = s.state === 'missed' ? s.missedSince : s.state === 'due' ? s.deadline : s.nextRun
      return SCHEDULE_RANK[s.state] * 1e11 + (time ?? 1e11 - 1)
    }
    case 'job':
      return g.backingUp ? JOB_RANK.running : g.lastJob ? JOB_RANK[g.lastJob.outcome] : null
    case 'attention':
    case 'age':
      // "never" is the oldest an age can be, not a missing value.
      return getFilteredAge(g, filter, now)
    case 'pve':
    case 'pbs':
    case 'snapshots':
      return getFilteredAge(g, key, now)
  }
}

// One collator for every comparison: localeCompare with options builds one per call, which
// dominates sorting thousands of guests.
const collator = new Intl.Collator(undefined, { numeric: true })

function compareValues(a: SortValue, b: SortValue, descending: boolean): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1
  const order =
    typeof a === 'number' && typeof b === 'number'
      ? a === b
        ? 0
        : a < b
          ? -1
          : 1
      : collator.compare(String(a), String(b))
  return descending ? -order : order
}

export function selectRows(
  guests: readonly GuestSummary[],
  view: ViewState,
  now: number,
  thresholds: Thresholds,
): Selection {
  const terms = view.search.toLowerCase().split(/\s+/).filter(Boolean)
  const counts: StatusCounts = { fresh: 0, stale: 0, overdue: 0, never: 0 }
  let noBackup = 0
  let uncovered = 0
  let missed = 0
  let verifyFailed = 0
  // Decorated once, then sorted: the comparator reads fields, not maps, and ties fall back to
  // a precomputed (cluster, VMID) order instead of a collation per comparison.
  const picked: { g: GuestSummary; rank: number; value: SortValue; tie: number }[] = []
  for (const g of guests) {
    if (g.template && !view.templates) continue
    if (view.kind !== 'any' && g.type !== view.kind) continue
    if (!matchesSearch(g, terms)) continue
    const hasNone = g.latestBackupTime === null
    const notCovered = g.covered === false
    const isMissed = g.schedule ? scheduleNow(g.schedule, now).state === 'missed' : false
    const isUnverified = g.verification?.latest === 'failed'
    if (hasNone) noBackup += 1
    if (notCovered) uncovered += 1
    if (isMissed) missed += 1
    if (isUnverified) verifyFailed += 1
    if (view.only === 'no-backup' && !hasNone) continue
    if (view.only === 'uncovered' && !notCovered) continue
    if (view.only === 'missed' && !isMissed) continue
    if (view.only === 'verify-failed' && !isUnverified) continue
    const s = ageStatus(getFilteredAge(g, view.filter, now), thresholds)
    counts[s] += 1
    if (view.status && s !== view.status) continue
    picked.push({
      g,
      rank: STATUS_RANK[s],
      value: sortValue(g, view.sort, view.filter, now),
      tie: 0,
    })
  }
  const clusters = [...new Set(picked.map((p) => p.g.cluster))].sort(collator.compare)
  const clusterRank = new Map(clusters.map((c, i) => [c, i]))
  for (const p of picked) p.tie = (clusterRank.get(p.g.cluster) ?? 0) * 1e10 + p.g.guestId
  const attention = view.sort === 'attention'
  const descending = attention ? !view.descending : view.descending
  picked.sort((a, b) => {
    if (attention) {
      // Worst status first, then oldest, so the guests that need a look lead the table.
      const byStatus = a.rank - b.rank
      if (byStatus !== 0) return view.descending ? -byStatus : byStatus
    }
    return compareValues(a.value, b.value, descending) || a.tie - b.tie
  })
  const rows = picked.map((p) => p.g)
  return { rows, counts, noBackup, uncovered, missed, verifyFailed }
}
