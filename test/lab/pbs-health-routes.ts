// PBS health endpoints: /status/datastore-usage and the job lists /admin/verify, /admin/prune,
// /admin/sync and /admin/gc, in the shapes of pbs-api-types (DataStoreStatusListItem,
// …JobStatus with the config and JobScheduleStatus flattened, GarbageCollectionJobStatus).
// Each lists only what the token may see, as PBS filters (never a 403): usage and GC need
// Datastore.Audit on the store, verify jobs Audit or Verify, prune jobs Audit or Modify, sync
// jobs Audit on the target and on the source (Remote.Audit on /remote/<remote> when it pulls
// from a remote; a local sync's source is a datastore).
import { type AclEntry, allows } from './acl.ts'
import type { LabFault } from './faults.ts'
import { fail, ok, type RouteResult } from './respond.ts'
import type { Route } from './router.ts'
import type { PbsDatastore, PbsJob, PbsServer } from './types.ts'

export interface PbsHealthContext {
  server: PbsServer
  faults: readonly LabFault[]
  /** The calling token's ACL; everything is visible without one. */
  acl?: readonly AclEntry[]
}

const may = (ctx: PbsHealthContext, path: string, ...privileges: string[]) =>
  !ctx.acl || privileges.some((p) => allows(ctx.acl as AclEntry[], path, p))

function visibleJob(ctx: PbsHealthContext, job: PbsJob): boolean {
  const store = `/datastore/${job.store}`
  if (job.kind === 'verify') return may(ctx, store, 'Datastore.Audit', 'Datastore.Verify')
  if (job.kind === 'prune') return may(ctx, store, 'Datastore.Audit', 'Datastore.Modify')
  const source = job.remote
    ? may(ctx, `/remote/${job.remote}`, 'Remote.Audit')
    : may(ctx, `/datastore/${job.remoteStore}`, 'Datastore.Audit')
  return may(ctx, store, 'Datastore.Audit') && source
}

/** Maintenance as /admin/datastore sends it: an offline fault wins over the configured mode. */
export function maintenanceString(ctx: PbsHealthContext, ds: PbsDatastore): string | undefined {
  const fault = ctx.faults.find(
    (f) =>
      f.kind === 'datastore-unavailable' && f.source === ctx.server.id && f.datastore === ds.store,
  )
  if (fault?.kind === 'datastore-unavailable')
    return fault.message
      ? `type=offline,message=${encodeURIComponent(fault.message)}`
      : 'type=offline'
  if (!ds.maintenance) return undefined
  const { type, message } = ds.maintenance
  return message ? `type=${type},message=${encodeURIComponent(message)}` : `type=${type}`
}

export const mountStatus = (ds: PbsDatastore) =>
  ds.removable ? (ds.removable.mounted ? 'mounted' : 'notmounted') : 'nonremovable'

/**
 * Why PBS cannot look the store up for reading (DataStore::lookup_datastore), or undefined.
 * The offline fault keeps the lab's long-standing text; configured modes use PBS's own.
 */
export function unavailable(ctx: PbsHealthContext, ds: PbsDatastore): string | undefined {
  const fault = ctx.faults.find(
    (f) =>
      f.kind === 'datastore-unavailable' && f.source === ctx.server.id && f.datastore === ds.store,
  )
  if (fault?.kind === 'datastore-unavailable')
    return `datastore '${ds.store}' is unavailable: ${fault.message ?? 'offline for maintenance'}`
  if (ds.removable && !ds.removable.mounted) return `datastore '${ds.store}' is not mounted`
  const mode = ds.maintenance
  if (mode?.type === 'offline')
    return `datastore '${ds.store}' is in offline maintenance mode: ${mode.message ?? ''}`
  if (mode?.type === 'unmount') return `datastore '${ds.store}' is in datastore is being unmounted`
  return undefined
}

function onlyParams(query: URLSearchParams, allowed: string[]): RouteResult | undefined {
  for (const key of query.keys()) {
    if (!allowed.includes(key))
      return fail(
        400,
        `parameter verification failed - '${key}': schema does not allow additional properties.`,
      )
  }
  return undefined
}

/** A month of usage fractions at PBS's 30-minute month resolution, growing as the estimate says. */
function history(ds: PbsDatastore) {
  const usage = ds.usage as NonNullable<PbsDatastore['usage']>
  const now = usage.sampledAt
  const points = 1440
  const delta = 1800
  const start = Math.floor(now / delta) * delta - (points - 1) * delta
  const fraction = usage.used / usage.total
  const full = ds.estimatedFull
  const slope = full !== undefined && full > now ? (1 - fraction) / (full - now) : 0
  return {
    history: Array.from({ length: points }, (_, i) =>
      Number((fraction - slope * (points - 1 - i) * delta).toFixed(6)),
    ),
    'history-start': start,
    'history-delta': delta,
  }
}

function gcCounters(ds: PbsDatastore): Record<string, unknown> {
  const gc = ds.gc
  return {
    ...(gc?.lastRun ? { upid: gc.lastRun.upid } : {}),
    'index-file-count': gc?.lastRun ? ds.groups.reduce((n, g) => n + g.snapshots.length, 0) : 0,
    'index-data-bytes': gc?.lastRun ? (ds.usage?.used ?? 0) * 9 : 0,
    'disk-bytes': gc?.lastRun ? (ds.usage?.used ?? 0) : 0,
    'disk-chunks': gc?.lastRun ? Math.floor((ds.usage?.used ?? 0) / 2_500_000) : 0,
    'removed-bytes': gc?.lastRun ? gc.removedBytes : 0,
    'removed-chunks': gc?.lastRun ? Math.floor(gc.removedBytes / 2_500_000) : 0,
    'pending-bytes': gc?.lastRun ? gc.pendingBytes : 0,
    'pending-chunks': gc?.lastRun ? Math.floor(gc.pendingBytes / 2_500_000) : 0,
    'removed-bad': 0,
    'still-bad': 0,
  }
}

function usageItem(ctx: PbsHealthContext, ds: PbsDatastore) {
  const base = {
    store: ds.store,
    'mount-status': mountStatus(ds),
    'backend-type': ds.backend ?? 'filesystem',
  }
  const error = unavailable(ctx, ds)
  if (error || !ds.usage) return { ...base, ...(error ? { error } : {}) }
  return {
    ...base,
    total: ds.usage.total,
    used: ds.usage.used,
    avail: ds.usage.total - ds.usage.used,
    ...history(ds),
    ...(ds.estimatedFull !== undefined ? { 'estimated-full-date': ds.estimatedFull } : {}),
    'gc-status': gcCounters(ds),
  }
}

/** JobScheduleStatus: a running job has only its UPID, a finished one state and end too. */
function scheduleStatus(job: PbsJob): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (job.nextRun !== undefined && !job.disable) out['next-run'] = job.nextRun
  const last = job.lastRun
  if (last) {
    out['last-run-upid'] = last.upid
    if (last.state !== undefined) out['last-run-state'] = last.state
    if (last.end !== undefined) out['last-run-endtime'] = last.end
  }
  return out
}

function jobItem(job: PbsJob): Record<string, unknown> {
  const config: Record<string, unknown> = { id: job.id, store: job.store }
  if (job.kind === 'prune') {
    if (job.disable) config.disable = true
    config.schedule = job.schedule ?? 'daily'
    config['keep-daily'] = 7
    config['keep-weekly'] = 4
  } else if (job.schedule) config.schedule = job.schedule
  if (job.kind === 'verify') {
    config['ignore-verified'] = true
    config['outdated-after'] = 30
  }
  if (job.kind === 'sync') {
    if (job.remote) config.remote = job.remote
    config['remote-store'] = job.remoteStore
    config.owner = 'sync@pbs'
    config['remove-vanished'] = false
  }
  if (job.comment) config.comment = job.comment
  return { ...config, ...scheduleStatus(job) }
}

function jobList(kind: PbsJob['kind'], extraParams: string[] = []): Route<PbsHealthContext> {
  return {
    pattern: `/admin/${kind}`,
    handle: (ctx, _params, query) => {
      const bad = onlyParams(query, ['store', ...extraParams])
      if (bad) return bad
      // Without `sync-direction`, PBS ≥ 3.3 lists pull jobs: every lab sync job pulls.
      if (query.get('sync-direction') === 'push') return ok([])
      const store = query.get('store')
      return ok(
        (ctx.server.jobs ?? [])
          .filter((j) => j.kind === kind && (store === null || j.store === store))
          .filter((j) => visibleJob(ctx, j))
          .map(jobItem),
      )
    },
  }
}

function gcItem(ds: PbsDatastore): Record<string, unknown> {
  const gc = ds.gc
  const out: Record<string, unknown> = { store: ds.store, ...gcCounters(ds) }
  if (gc?.schedule) out.schedule = gc.schedule
  if (gc?.nextRun !== undefined) out['next-run'] = gc.nextRun
  // A running GC's job state is "started": no state, no end, only the last finished counters.
  if (gc?.lastRun && !gc.running) {
    if (gc.lastRun.state !== undefined) out['last-run-state'] = gc.lastRun.state
    if (gc.lastRun.end !== undefined) {
      out['last-run-endtime'] = gc.lastRun.end
      out.duration = gc.lastRun.end - gc.lastRun.start
    }
  }
  return out
}

export const pbsHealthRoutes: Route<PbsHealthContext>[] = [
  {
    pattern: '/status/datastore-usage',
    handle: (ctx, _params, query) =>
      onlyParams(query, []) ??
      ok(
        ctx.server.datastores
          .filter((d) => may(ctx, `/datastore/${d.store}`, 'Datastore.Audit', 'Datastore.Backup'))
          .map((d) => usageItem(ctx, d)),
      ),
  },
  jobList('verify'),
  jobList('prune'),
  jobList('sync', ['sync-direction']),
  {
    pattern: '/admin/gc',
    handle: (ctx, _params, query) => {
      const bad = onlyParams(query, ['store'])
      if (bad) return bad
      const store = query.get('store')
      // PBS skips the stores it cannot look up (filter_map over garbage_collection_status).
      return ok(
        ctx.server.datastores
          .filter((d) => (store === null || d.store === store) && !unavailable(ctx, d))
          .filter((d) => may(ctx, `/datastore/${d.store}`, 'Datastore.Audit'))
          .map(gcItem),
      )
    },
  },
]
