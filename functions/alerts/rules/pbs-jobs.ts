// PBS verify / prune / sync / GC jobs whose last run failed (critical by default) or ended with
// `WARNINGS: n` (a warning, unless `warnings` is off). The outcome is the normalizer's
// classification of PBS's last-run-state (`OK`, `WARNINGS: n`, or the bare error text), never
// a search for the word "error". A datastore's own GC status counts when no GC job lists it.
import type { JobsIndex, PbsJobKind, RunOutcome } from '../../../shared/schema/jobs.ts'
import type { StorageIndex } from '../../../shared/schema/storage.ts'
import { alertId } from '../condition.ts'
import { subjectLink } from '../links.ts'
import { storeExclusion } from '../scope.ts'
import type { RuleContext } from '../sink.ts'
import { ago, pbsJobName } from '../words.ts'

interface PbsRun {
  key: string
  source: string
  store: string
  kind: PbsJobKind
  id: string
  outcome: RunOutcome
  warnings: number
  error: string | null
  lastRunState: string | null
  lastRunEnd: number | null
}

function runs(jobs: JobsIndex, storage: StorageIndex): PbsRun[] {
  const list: PbsRun[] = jobs.pbs.map((job) => ({ ...job }))
  const gcListed = new Set(
    jobs.pbs.filter((j) => j.kind === 'gc').map((j) => `${j.source}/${j.store}`),
  )
  for (const store of storage.datastores) {
    if (!store.gc || gcListed.has(store.key)) continue
    const warnings = /^WARNINGS: (\d+)$/.exec(store.gc.lastRunState ?? '')
    list.push({
      key: `${store.source}/gc/${store.store}`,
      source: store.source,
      store: store.store,
      kind: 'gc',
      id: store.store,
      outcome: store.gc.outcome,
      warnings: warnings ? Number(warnings[1]) : 0,
      error: store.gc.outcome === 'failed' ? store.gc.lastRunState : null,
      lastRunState: store.gc.lastRunState,
      lastRunEnd: store.gc.lastRunEnd,
    })
  }
  return list
}

export function evaluatePbsJobs(
  jobs: JobsIndex | null,
  storage: StorageIndex | null,
  ctx: RuleContext,
): void {
  const { sink, config, now, freshness } = ctx
  const rule = config.rules['pbs-job']
  if (!rule.enabled) return
  if (jobs === null || storage === null) {
    sink.holdRule('pbs-job')
    return
  }
  for (const run of runs(jobs, storage)) {
    const name = pbsJobName(run.kind, run.id, run.source, run.store)
    const subject = { kind: 'pbs-job' as const, key: run.key, name }
    const exclusion = storeExclusion(`${run.source}/${run.store}`, config)
    sink.subject(subject, exclusion)
    if (exclusion !== null) continue
    const id = alertId('pbs-job', run.key)
    if (freshness.sources.get(run.source)?.unknown || run.outcome === 'running') {
      sink.hold(id)
      continue
    }
    const failed = run.outcome === 'failed'
    if (!failed && !(run.outcome === 'warning' && rule.warnings)) continue
    const when = run.lastRunEnd === null ? '' : ` ${ago(run.lastRunEnd, now)}`
    const summary = failed
      ? `last run failed${when}: ${run.error ?? run.lastRunState ?? 'no error text'}`
      : `last run ended with ${run.warnings} warning${run.warnings === 1 ? '' : 's'}${when}`
    sink.fire({
      alertId: id,
      rule: 'pbs-job',
      severity: failed ? rule.failedSeverity : 'warning',
      subject,
      summary,
      detail: run.lastRunState === null ? null : `Last run state: ${run.lastRunState}`,
      since: run.lastRunEnd,
      link: subjectLink(ctx.baseUrl, 'pbs-job', run.key),
    })
  }
}
