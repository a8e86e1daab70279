// Whether each source's data can be judged as current. Alerts are never evaluated from data
// that may be out of date as if it were fresh: a guest's age alert while its PBS is down would
// fire on backups that may have arrived unseen (or, after a restart, on data never read). So
// while a source is *unexpectedly* stale (its last attempt failed, inside its reachability
// window or with none) or has never been read, the alerts that depend on its data are held:
// a firing one stays firing, nothing new fires, nothing resolves. The source's own
// `source-down` alert (after its grace) is what tells the owner.
//
// Outside its expected-reachability window a source is offline by design (a PBS that runs
// only at night): nothing can be written to it then, so its last data is as current as it
// gets and is judged normally; only its `source-down` alert is held.
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { AlertRules } from '../config/alert-rules.ts'
import { type DailyWindow, type WindowPhase, windowPhase } from './daily-window.ts'

export interface SourceView {
  status: SourceStatus
  window: DailyWindow | null
  phase: WindowPhase | null
  /** Outside its reachability window: not expected to answer. */
  expectedOffline: boolean
  /** Its data may be out of date: alerts that depend on it are held. */
  unknown: boolean
}

export interface Freshness {
  sources: ReadonlyMap<string, SourceView>
  /** Data of this PVE cluster cannot be judged now (a cluster with no status counts as known). */
  clusterUnknown(cluster: string): boolean
  /** PBS snapshots cannot be told apart by source from a guest summary: any PBS counts. */
  anyPbsUnknown: boolean
  anyUnknown: boolean
}

export function sourceFreshness(
  statuses: readonly SourceStatus[],
  config: AlertRules,
  now: number,
): Freshness {
  const sources = new Map<string, SourceView>()
  for (const status of statuses) {
    const window = config.sources[status.id]?.reachable ?? null
    const phase = window ? windowPhase(window, now) : null
    const expectedOffline = phase !== null && !phase.inside
    const unknown = status.lastSuccess === null || (status.stale && !expectedOffline)
    sources.set(status.id, { status, window, phase, expectedOffline, unknown })
  }
  const views = [...sources.values()]
  return {
    sources,
    clusterUnknown: (cluster) => sources.get(cluster)?.unknown ?? false,
    anyPbsUnknown: views.some((v) => v.status.kind === 'pbs' && v.unknown),
    anyUnknown: views.some((v) => v.unknown),
  }
}
