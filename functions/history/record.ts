// The history step of a refresh pass (called from refresh.ts, after the guests are rebuilt and
// the sources' status is known): what is new since the last pass — backups, finished runs,
// misses — in one transaction, then retention. A history failure is logged and costs this
// pass's history only: the refresh itself, the read cache and the status are unaffected.
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { PveFacts, SourceFacts } from '../collect/facts.ts'
import type { StateStore } from '../coordinator/state.ts'
import type { NormalizeResult } from '../normalize/types.ts'
import { observeBackups } from './observe.ts'
import { recordBackups } from './record-backups.ts'
import { newMisses } from './record-misses.ts'
import { newRuns } from './record-runs.ts'

const DAY = 86_400

export interface HistoryPassInput {
  now: number
  /** Start of the previous pass (its status' lastRefresh), null on the first. */
  previousPass: number | null
  retentionDays: number
  normalized: Pick<NormalizeResult, 'guests' | 'orphanRecords' | 'jobs'>
  /** The facts served after this pass, every source. */
  served: readonly SourceFacts[]
  /** Every source's status after this pass. */
  statuses: readonly Pick<SourceStatus, 'id' | 'lastError' | 'stale'>[]
}

/**
 * Sources whose served facts are one complete collection: read without error the last time
 * they were tried, with nothing deferred. A failed source serves its last good facts and a
 * deferred unit its previous ones, so a backup missing from them may still be on storage.
 */
export function completeSources(
  served: readonly SourceFacts[],
  statuses: HistoryPassInput['statuses'],
): Set<string> {
  const status = new Map(statuses.map((s) => [s.id, s]))
  return new Set(
    served
      .filter((facts) => {
        const s = status.get(facts.sourceId)
        return s !== undefined && s.lastError === null && !s.stale && facts.deferred.length === 0
      })
      .map((facts) => facts.sourceId),
  )
}

/** Rows written (0 for a refresh that found nothing new). */
export function recordHistory(state: StateStore, input: HistoryPassInput): number {
  const pve = input.served.filter((f): f is PveFacts => f.kind === 'pve')
  const pbsSources = input.served.filter((f) => f.kind === 'pbs').map((f) => f.sourceId)
  try {
    return state.transaction(() => {
      const cutoff = input.now - input.retentionDays * DAY
      const observed = observeBackups(input.normalized.guests, input.normalized.orphanRecords, pve)
      const written =
        recordBackups(state, observed, {
          now: input.now,
          previousPass: input.previousPass,
          complete: completeSources(input.served, input.statuses),
          pbsSources,
        }) +
        state.addRuns(newRuns(state, pve, cutoff)) +
        state.addMisses(
          newMisses(state, input.normalized.guests, input.normalized.jobs, pve, cutoff),
        )
      return written + state.dropHistoryBefore(cutoff)
    })
  } catch (error) {
    console.error(
      `history: not recorded this pass: ${error instanceof Error ? error.message : String(error)}`,
    )
    return 0
  }
}
