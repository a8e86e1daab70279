// PBS health for /api/storage and /api/jobs: one record per datastore (usage, PBS's full-date
// estimate, maintenance, mount, backend, GC, held) and one per verify / prune / sync / GC job,
// from the PBS facts as collected (collect/pbs-health.ts). Pure.
import type { PbsJob } from '../../shared/schema/jobs.ts'
import type { Datastore, GcStatus } from '../../shared/schema/storage.ts'
import type { PbsFacts, PbsJobFact, PbsUsageFact } from '../collect/facts.ts'
import { classifyRunState } from './pbs-run-state.ts'
import { compareText } from './validate.ts'

export interface PbsHealthRecords {
  datastores: Datastore[]
  jobs: PbsJob[]
}

function job(source: string, fact: PbsJobFact): PbsJob {
  const state = classifyRunState(fact.lastRunState, fact.lastRunUpid)
  return {
    key: `${source}/${fact.kind}/${fact.id}`,
    source,
    kind: fact.kind,
    id: fact.id,
    store: fact.store,
    schedule: fact.schedule ?? null,
    nextRun: fact.nextRun ?? null,
    lastRunEnd: fact.lastRunEnd ?? null,
    lastRunState: fact.lastRunState ?? null,
    outcome: state.outcome,
    warnings: state.warnings,
    error: state.error,
    comment: fact.comment ?? null,
  }
}

function gcStatus(fact: PbsJobFact | undefined): GcStatus | null {
  if (!fact) return null
  return {
    lastRunState: fact.lastRunState ?? null,
    outcome: classifyRunState(fact.lastRunState, fact.lastRunUpid).outcome,
    lastRunEnd: fact.lastRunEnd ?? null,
    nextRun: fact.nextRun ?? null,
    schedule: fact.schedule ?? null,
    removedBytes: fact.removedBytes ?? null,
    pendingBytes: fact.pendingBytes ?? null,
  }
}

/** PBS's estimate only while it lies ahead of the collection: a past one means not filling. */
function estimate(usage: PbsUsageFact | undefined, collectedAt: number): number | null {
  const at = usage?.estimatedFull
  return at !== undefined && at > collectedAt ? at : null
}

function datastoresOf(facts: PbsFacts): Datastore[] {
  const usage = new Map((facts.usage ?? []).map((u) => [u.store, u]))
  const gc = new Map((facts.jobs ?? []).filter((j) => j.kind === 'gc').map((j) => [j.store, j]))
  const known = new Map(facts.datastores.map((d) => [d.store, d]))
  // A store only the usage list names (the token sees it there alone) is still a store.
  const stores = [...new Set([...known.keys(), ...usage.keys()])].sort(compareText)
  return stores.map((store) => {
    const d = known.get(store)
    const u = usage.get(store)
    return {
      key: `${facts.sourceId}/${store}`,
      source: facts.sourceId,
      store,
      comment: d?.comment ?? null,
      total: u?.total ?? null,
      used: u?.used ?? null,
      avail: u?.avail ?? null,
      estimatedFull: estimate(u, facts.collectedAt),
      error: u?.error ?? null,
      maintenance: d?.maintenance
        ? {
            type: d.maintenance.type,
            message: d.maintenance.message ?? null,
            since: d.maintenance.since,
          }
        : null,
      mountStatus: d?.mountStatus ?? null,
      backend: d?.backend ?? null,
      gc: gcStatus(gc.get(store)),
      held: d?.held ? { reason: d.held.reason, since: d.held.since } : null,
    }
  })
}

export function pbsHealth(pbs: readonly PbsFacts[]): PbsHealthRecords {
  const sorted = [...pbs].sort((a, b) => compareText(a.sourceId, b.sourceId))
  return {
    datastores: sorted.flatMap(datastoresOf),
    jobs: sorted.flatMap((facts) =>
      (facts.jobs ?? [])
        .map((fact) => job(facts.sourceId, fact))
        .sort((a, b) => compareText(a.kind, b.kind) || compareText(a.id, b.id)),
    ),
  }
}
