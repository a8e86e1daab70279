// PVE backup storages and how full they are: one record per storage that holds backups (a
// shared one once, however many nodes mount it; a local one per node), from the storage
// entries of /cluster/resources, with an estimated-full date from the usage samples the
// coordinator keeps. Also the rule for which readings become samples, so the row count stays
// small: samples are what the estimate and the published figures are made of.
import type { BackupStorage } from '../../shared/schema/storage.ts'
import type { PveFacts } from '../collect/facts.ts'
import type { UsageSample } from './types.ts'
import { compareText } from './validate.ts'

/**
 * A new sample at most every 3 hours (8 a day, ≤ 240 rows per storage over the window),
 * sooner only when the figures moved: the size changed, or the usage by 1% of it. Steady
 * refreshes every 15 minutes therefore add no row in between, and the read cache (which shows
 * the newest sample) is rewritten at most as often as a sample is kept.
 */
export const SAMPLE_INTERVAL_SECONDS = 3 * 3600
export const SAMPLE_STEP_FRACTION = 0.01
/**
 * The estimate is fitted over the samples of this window; older ones are the storage's history
 * (kept for PULSE_HISTORY_DAYS, one a day: refresh/usage-samples.ts).
 */
export const SAMPLE_RETENTION_SECONDS = 30 * 86_400
/** Fewer samples, or a shorter span, says nothing about a trend: backups fill a store nightly. */
export const ESTIMATE_MIN_SAMPLES = 3
export const ESTIMATE_MIN_SPAN_SECONDS = 24 * 3600
/** A projection further out than this is noise, not a date to plan for. */
const ESTIMATE_HORIZON_SECONDS = 10 * 365 * 86_400

interface StorageGroup {
  key: string
  cluster: string
  storage: string
  type: string
  shared: boolean
  nodes: string[]
  active: boolean
  reading: { used: number; total: number } | undefined
}

/** `cluster/storage` for a shared storage, `cluster/node/storage` for a node-local one. */
function groupsOf(facts: PveFacts): StorageGroup[] {
  const config = new Map(facts.storages.map((s) => [s.storage, s]))
  const groups = new Map<string, StorageGroup>()
  for (const entry of facts.storageEntries ?? []) {
    const configured = config.get(entry.storage)
    const shared = configured?.shared ?? entry.shared
    const key = shared
      ? `${facts.sourceId}/${entry.storage}`
      : `${facts.sourceId}/${entry.node}/${entry.storage}`
    const group = groups.get(key) ?? {
      key,
      cluster: facts.sourceId,
      storage: entry.storage,
      type: configured?.type ?? entry.type ?? 'unknown',
      shared,
      nodes: [],
      active: false,
      reading: undefined,
    }
    group.nodes.push(entry.node)
    const available = entry.status === 'available'
    group.active ||= available
    // Every node that mounts a shared storage reports the same figures; take an active one's.
    if (available && !group.reading && entry.used !== undefined && entry.total !== undefined)
      group.reading = { used: entry.used, total: entry.total }
    groups.set(key, group)
  }
  return [...groups.values()]
}

/** Keys of every backup storage the facts know, for reading their samples. */
export function backupStorageKeys(pve: readonly PveFacts[]): string[] {
  return pve.flatMap((facts) => groupsOf(facts).map((g) => g.key))
}

/** The figures the nodes report now, per storage that reports any. */
export function usageReadings(pve: readonly PveFacts[]): Omit<UsageSample, 'at'>[] {
  return pve.flatMap((facts) =>
    groupsOf(facts).flatMap((g) => (g.reading ? [{ key: g.key, ...g.reading }] : [])),
  )
}

/** The readings to keep as samples at `now`, given the newest kept sample of each key. */
export function samplesToRecord(
  readings: readonly Omit<UsageSample, 'at'>[],
  newest: ReadonlyMap<string, UsageSample>,
  now: number,
): UsageSample[] {
  return readings.flatMap((r) => {
    const last = newest.get(r.key)
    const due =
      !last ||
      (now > last.at &&
        (now - last.at >= SAMPLE_INTERVAL_SECONDS ||
          r.total !== last.total ||
          Math.abs(r.used - last.used) >= SAMPLE_STEP_FRACTION * r.total))
    return due ? [{ ...r, at: now }] : []
  })
}

/** The newest sample of each key. */
export function newestSamples(samples: readonly UsageSample[]): Map<string, UsageSample> {
  const newest = new Map<string, UsageSample>()
  for (const s of samples) {
    const known = newest.get(s.key)
    if (!known || s.at > known.at) newest.set(s.key, s)
  }
  return newest
}

/**
 * When the storage is full at the rate the samples show: the least-squares slope of used over
 * time, from the newest sample to its total (the newest sample's time if it is full already).
 * Null with too few samples, too short a span, a usage that is not growing, or a date beyond
 * any planning horizon. `samples` oldest first.
 */
export function estimateFull(samples: readonly UsageSample[]): number | null {
  const last = samples[samples.length - 1]
  const first = samples[0]
  if (!last || !first) return null
  if (last.total > 0 && last.used >= last.total) return last.at
  if (samples.length < ESTIMATE_MIN_SAMPLES || last.at - first.at < ESTIMATE_MIN_SPAN_SECONDS)
    return null
  // Centred on the first sample: epoch seconds squared would lose precision.
  const n = samples.length
  const meanX = samples.reduce((sum, s) => sum + (s.at - first.at), 0) / n
  const meanY = samples.reduce((sum, s) => sum + s.used, 0) / n
  let sxy = 0
  let sxx = 0
  for (const s of samples) {
    const dx = s.at - first.at - meanX
    sxy += dx * (s.used - meanY)
    sxx += dx * dx
  }
  const slope = sxx > 0 ? sxy / sxx : 0
  if (!(slope > 0)) return null
  const seconds = (last.total - last.used) / slope
  return seconds > ESTIMATE_HORIZON_SECONDS ? null : Math.round(last.at + seconds)
}

/**
 * The backup storages of every cluster. Used and total are the newest sample's (at most a
 * sample interval or 1% of the size behind what the node reports now), or the node's figures
 * when no sample was passed in; null for a storage no node has reported figures for.
 */
export function backupStorages(
  pve: readonly PveFacts[],
  samples: readonly UsageSample[],
  now: number,
): BackupStorage[] {
  const byKey = new Map<string, UsageSample[]>()
  for (const s of samples) {
    if (s.at < now - SAMPLE_RETENTION_SECONDS || s.at > now) continue
    const list = byKey.get(s.key)
    if (list) list.push(s)
    else byKey.set(s.key, [s])
  }
  return pve
    .flatMap(groupsOf)
    .map((g): BackupStorage => {
      const kept = (byKey.get(g.key) ?? []).sort((a, b) => a.at - b.at)
      const newest = kept[kept.length - 1]
      const figures = newest ?? g.reading
      return {
        key: g.key,
        cluster: g.cluster,
        storage: g.storage,
        type: g.type,
        shared: g.shared,
        nodes: [...g.nodes].sort(compareText),
        used: figures?.used ?? null,
        total: figures?.total ?? null,
        estimatedFull: estimateFull(kept),
        samples: kept.length,
        active: g.active,
      }
    })
    .sort((a, b) => compareText(a.key, b.key))
}
