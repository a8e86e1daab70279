// Keeps the usage samples of the PVE backup storages and the PBS datastores, one table for both
// (keys `cluster/storage`, `cluster/node/storage`, `source/store`: source ids are unique, so
// they never meet). The readings of this pass's full collections become samples by the rule in
// normalize/storage-usage.ts, in the transaction that stores the facts they come from. The
// samples are the storage history too (/api/history/storage): kept for the history retention,
// every one for the estimate's window, then the first of each UTC day. Returns the PVE samples
// of the estimate window, which the normalizer is given.
import type { PbsFacts, PveFacts } from '../collect/facts.ts'
import type { StateStore } from '../coordinator/state.ts'
import {
  backupStorageKeys,
  newestSamples,
  SAMPLE_RETENTION_SECONDS,
  samplesToRecord,
  usageReadings,
} from '../normalize/storage-usage.ts'
import type { UsageSample } from '../normalize/types.ts'

const DAY = 86_400

/** `source/store`, as the datastore's key in /api/storage. */
export const datastoreKey = (source: string, store: string) => `${source}/${store}`

/** The figures PBS reports now per datastore that has them. */
export function datastoreReadings(pbs: readonly PbsFacts[]): Omit<UsageSample, 'at'>[] {
  return pbs.flatMap((facts) =>
    (facts.usage ?? []).flatMap((u) =>
      u.used !== undefined && u.total !== undefined && u.error === undefined
        ? [{ key: datastoreKey(facts.sourceId, u.store), used: u.used, total: u.total }]
        : [],
    ),
  )
}

export function recordUsageSamples(
  state: StateStore,
  /** Facts collected in full by this pass: only their figures are readings of now. */
  fresh: readonly PveFacts[],
  /** Every PVE source's facts served after this pass. */
  served: readonly PveFacts[],
  now: number,
  history: {
    /** PBS facts whose usage this pass read. */
    freshPbs: readonly PbsFacts[]
    /** PULSE_HISTORY_DAYS. */
    retentionDays: number
  },
): UsageSample[] {
  const window = now - SAMPLE_RETENTION_SECONDS
  const pbsReadings = datastoreReadings(history.freshPbs)
  const kept = state.usageSamples(backupStorageKeys(served), window)
  const keptPbs = state.usageSamples(
    pbsReadings.map((r) => r.key),
    window,
  )
  const added = samplesToRecord(usageReadings(fresh), newestSamples(kept), now)
  const addedPbs = samplesToRecord(pbsReadings, newestSamples(keptPbs), now)
  state.addUsageSamples([...added, ...addedPbs], now - history.retentionDays * DAY)
  // Beyond the estimate's window one sample a day is enough for a chart: thin the days that
  // just left it (a band of two, so a pass missed for a day leaves nothing behind).
  state.thinUsageSamples(window - 2 * DAY, window)
  return [...kept, ...added]
}
