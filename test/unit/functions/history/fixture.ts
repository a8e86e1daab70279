// A small world for history tests: facts → the normalizer → recordHistory, as a refresh pass
// does it, over either StateStore (SQLite through node:sqlite, or memory).
import type { PbsFacts, PveFacts, SourceFacts } from '../../../../functions/collect/facts.ts'
import { createMemoryState } from '../../../../functions/coordinator/memory-state.ts'
import { createSqliteState } from '../../../../functions/coordinator/sqlite-state.ts'
import type { StateStore } from '../../../../functions/coordinator/state.ts'
import { recordHistory } from '../../../../functions/history/record.ts'
import { normalizeGuests } from '../../../../functions/normalize/index.ts'
import { nodeSqliteStorage } from '../../../../scripts/node-sqlite-storage.ts'

export const stores: [string, () => StateStore][] = [
  ['SQLite', () => createSqliteState(nodeSqliteStorage().storage)],
  ['memory', () => createMemoryState()],
]

export interface PassOptions {
  now: number
  previousPass?: number | null
  /** Sources whose last attempt failed (they serve the facts given, as kept from before). */
  failed?: string[]
  retentionDays?: number
}

/** One pass's history step over these served facts; the rows it wrote. */
export function pass(state: StateStore, facts: SourceFacts[], options: PassOptions): number {
  const pve = facts.filter((f): f is PveFacts => f.kind === 'pve')
  const pbs = facts.filter((f): f is PbsFacts => f.kind === 'pbs')
  const normalized = normalizeGuests({ pve, pbs, clusterMaps: {}, now: options.now })
  return recordHistory(state, {
    now: options.now,
    previousPass: options.previousPass ?? null,
    retentionDays: options.retentionDays ?? 400,
    normalized,
    served: facts,
    statuses: facts.map((f) => ({
      id: f.sourceId,
      stale: options.failed?.includes(f.sourceId) ?? false,
      lastError: options.failed?.includes(f.sourceId)
        ? { kind: 'network', message: 'down', at: options.now }
        : null,
    })),
  })
}

/** Every backup row, for before/after comparisons. */
export function allBackups(state: StateStore, keys: string[]) {
  return keys.flatMap((key) => state.guestBackups(key, 0))
}
