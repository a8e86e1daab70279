// Keeps the usage samples of the PVE backup storages (the estimated-full date is fitted over
// them): the readings of this pass's full collections become samples by the rule in
// normalize/storage-usage.ts, in the transaction that stores the facts they come from, and old
// ones are dropped. Returns the samples the normalizer is given.
import type { PveFacts } from '../collect/facts.ts'
import type { StateStore } from '../coordinator/state.ts'
import {
  backupStorageKeys,
  newestSamples,
  SAMPLE_RETENTION_SECONDS,
  samplesToRecord,
  usageReadings,
} from '../normalize/storage-usage.ts'
import type { UsageSample } from '../normalize/types.ts'

export function recordUsageSamples(
  state: StateStore,
  /** Facts collected in full by this pass: only their figures are readings of now. */
  fresh: readonly PveFacts[],
  /** Every PVE source's facts served after this pass. */
  served: readonly PveFacts[],
  now: number,
): UsageSample[] {
  const since = now - SAMPLE_RETENTION_SECONDS
  const kept = state.usageSamples(backupStorageKeys(served), since)
  const added = samplesToRecord(usageReadings(fresh), newestSamples(kept), now)
  state.addUsageSamples(added, since)
  return [...kept, ...added]
}
