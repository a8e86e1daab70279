// The fleet's state in one line, for a scheduled digest (issue 13, "Reports"): "42 of 45 guests
// fresh · 2 jobs failed · store1 full in 23 days". Made from what the read cache holds (the
// guest index, /api/jobs, /api/storage) and the clock, nothing else. Pure; delivering it to the
// alert channels is the channels' business.
import { ageStatus, getFilteredAge, type Thresholds } from '../../shared/age.ts'
import type { GuestSummary } from '../../shared/schema/guest.ts'
import type { JobsIndex } from '../../shared/schema/jobs.ts'
import type { StorageIndex } from '../../shared/schema/storage.ts'

const DAY = 86_400
/** Stores estimated full within this many days are named. */
export const DEFAULT_FULL_WITHIN_DAYS = 30

export interface FleetReportInput {
  guests: readonly GuestSummary[]
  jobs: JobsIndex
  storage: StorageIndex
  now: number
  thresholds: Thresholds
  fullWithinDays?: number
}

export interface StoreFillingUp {
  key: string
  name: string
  estimatedFull: number
  /** Whole days from now (0: full already or today). */
  days: number
}

export interface FleetReport {
  /** The parts joined by " · ". */
  text: string
  parts: string[]
  /** Guests the report counts: every guest but templates. */
  guests: number
  /**
   * Up to date: a guest some job covers whose schedule is ok or not yet due (the job's last
   * run made its backup, or its deadline has not passed); a guest no job covers whose newest
   * backup is fresh by the age thresholds.
   */
  fresh: number
  /** Covered guests whose last scheduled run passed its deadline with no backup. */
  missed: number
  /** Guests with no backup at all. */
  never: number
  /** Keys of PVE backup jobs and PBS jobs whose last run failed. */
  failedJobs: string[]
  stores: StoreFillingUp[]
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

function isFresh(guest: GuestSummary, now: number, thresholds: Thresholds): boolean {
  const state = guest.schedule?.state
  if (state === 'ok' || state === 'due') return true
  if (state === 'missed') return false
  return ageStatus(getFilteredAge(guest, 'all', now), thresholds) === 'fresh'
}

/** Names as a person says them; a name two stores share is told apart by its key. */
function storeNames(storage: StorageIndex): Map<string, string> {
  const named = [
    ...storage.storages.map((s) => ({
      key: s.key,
      name: s.shared || s.nodes.length !== 1 ? s.storage : `${s.storage} on ${s.nodes[0]}`,
    })),
    ...storage.datastores.map((d) => ({ key: d.key, name: d.store })),
  ]
  const uses = new Map<string, number>()
  for (const { name } of named) uses.set(name, (uses.get(name) ?? 0) + 1)
  return new Map(named.map(({ key, name }) => [key, (uses.get(name) ?? 0) > 1 ? key : name]))
}

export function fleetReport(input: FleetReportInput): FleetReport {
  const { now, thresholds } = input
  const guests = input.guests.filter((g) => !g.template)
  const fresh = guests.filter((g) => isFresh(g, now, thresholds)).length
  const missed = guests.filter((g) => g.schedule?.state === 'missed').length
  const never = guests.filter((g) => g.latestBackupTime === null).length
  const failedJobs = [
    ...input.jobs.pve.filter((j) => j.lastRun?.outcome === 'failed').map((j) => j.key),
    ...input.jobs.pbs.filter((j) => j.outcome === 'failed').map((j) => j.key),
  ].sort()
  const within = (input.fullWithinDays ?? DEFAULT_FULL_WITHIN_DAYS) * DAY
  const names = storeNames(input.storage)
  const stores = [...input.storage.storages, ...input.storage.datastores]
    .flatMap((s): StoreFillingUp[] =>
      s.estimatedFull !== null && s.estimatedFull - now <= within
        ? [
            {
              key: s.key,
              name: names.get(s.key) ?? s.key,
              estimatedFull: s.estimatedFull,
              days: Math.max(0, Math.ceil((s.estimatedFull - now) / DAY - 1e-9)),
            },
          ]
        : [],
    )
    .sort((a, b) => a.estimatedFull - b.estimatedFull || (a.key < b.key ? -1 : 1))

  const parts = [
    guests.length === 0
      ? 'no guests'
      : `${fresh} of ${plural(guests.length, 'guest', 'guests')} fresh`,
  ]
  if (missed > 0) parts.push(`${missed} missed a scheduled backup`)
  if (never > 0) parts.push(`${plural(never, 'guest', 'guests')} never backed up`)
  if (failedJobs.length > 0) parts.push(`${plural(failedJobs.length, 'job', 'jobs')} failed`)
  for (const s of stores) {
    parts.push(
      s.estimatedFull <= now
        ? `${s.name} full`
        : s.days <= 1
          ? `${s.name} full within a day`
          : `${s.name} full in ${s.days} days`,
    )
  }
  return {
    text: parts.join(' · '),
    parts,
    guests: guests.length,
    fresh,
    missed,
    never,
    failedJobs,
    stores,
  }
}
