// Which sources the routes report: every configured one, with its stored status or, before its
// first refresh, a never-refreshed one. A stored source no longer configured is not reported.
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { Config } from '../config.ts'
import type { StoredStatus } from '../coordinator/state.ts'
import { neverRefreshed } from '../refresh/source-status.ts'

export function configuredSources(config: Config, stored: StoredStatus): SourceStatus[] {
  const byId = new Map(stored.sources.map((s) => [s.id, s]))
  return config.sources.map((s) => byId.get(s.id) ?? neverRefreshed(s))
}
