// PBS health beside the snapshots: what state each datastore is in (maintenance, mount, backend)
// and whether it can be listed at all, its usage, and the verify / prune / sync / GC jobs.
//
// Calls per pass, one each for the whole server (never per store): /status/datastore-usage
// (sizes, PBS's estimated-full date, the lookup error), /admin/verify, /admin/prune,
// /admin/sync and /admin/gc (PBS ≥ 3.2: schedule, next run, last run end and state, removed
// and pending bytes; datastore-usage's `gc-status` has only the bytes, so it is not read).
// /admin/sync without `sync-direction` lists the pull jobs (PBS ≥ 3.3 keeps push jobs apart).
//
// Each call fails on its own: its part of the previous facts is kept with a warning (a refusal
// names the privilege), and a call the budget did not allow defers the `health` unit.
import type { z } from 'zod'
import type { ProxmoxClient } from '../proxmox/client.ts'
import { isProxmoxError } from '../proxmox/errors.ts'
import { createDrops, itemList, keepFirst, parseItems } from '../proxmox/lenient.ts'
import {
  type PbsDatastoreSchema,
  PbsDatastoreUsageSchema,
  PbsGcJobSchema,
  PbsJobStatusSchema,
} from '../proxmox/pbs-schemas.ts'
import type { PbsDatastoreFact, PbsFacts, PbsJobFact, PbsUsageFact } from './facts.ts'
import { blocksReading, parseMaintenance } from './maintenance.ts'
import { reportDrops, type Trouble } from './trouble.ts'

/** The unit deferred when the budget left no room for (some of) the health calls. */
export const PBS_HEALTH_UNIT = 'health'

type DatastoreItem = z.output<typeof PbsDatastoreSchema>
type DatastoreState = Omit<PbsDatastoreFact, 'namespaces'>

/**
 * The store's state from its /admin/datastore item. Its maintenance and held times carry over
 * from the previous pass while the mode is the same, so `since` is when it was first seen so.
 */
export function datastoreState(
  item: DatastoreItem,
  previous: PbsDatastoreFact | undefined,
  now: number,
  trouble: Trouble,
): DatastoreState {
  const state: DatastoreState = { store: item.store }
  if (item.comment) state.comment = item.comment
  if (item['mount-status']) state.mountStatus = item['mount-status']
  if (item['backend-type']) state.backend = item['backend-type']
  const mode = item.maintenance === undefined ? undefined : parseMaintenance(item.maintenance)
  if (item.maintenance !== undefined && !mode)
    trouble.warnings.push(`datastore ${item.store}: unreadable maintenance mode`)
  if (mode) {
    const since =
      previous?.maintenance?.type === mode.type ? previous.maintenance.since : Math.floor(now)
    state.maintenance = {
      type: mode.type,
      ...(mode.message ? { message: mode.message } : {}),
      since,
    }
  }
  const held =
    mode && blocksReading(mode.type)
      ? {
          mode: `maintenance:${mode.type}`,
          reason: `${mode.type} maintenance${mode.message ? `: ${mode.message}` : ''}`,
        }
      : item['mount-status'] === 'notmounted'
        ? { mode: 'notmounted', reason: 'removable datastore not mounted' }
        : undefined
  if (held) {
    const since = previous?.held?.mode === held.mode ? previous.held.since : Math.floor(now)
    state.held = { ...held, since }
  }
  return state
}

export interface HealthContext {
  client: ProxmoxClient
  previous: PbsFacts | undefined
}

/** What the token needs for each list, as PBS's API documents it, for the refusal warning. */
const NEEDS: Record<string, string> = {
  '/status/datastore-usage': 'Datastore.Audit or Datastore.Backup on /datastore/{store}',
  '/admin/verify': 'Datastore.Audit or Datastore.Verify on /datastore/{store}',
  '/admin/prune': 'Datastore.Audit or Datastore.Modify on /datastore/{store}',
  '/admin/sync': 'Datastore.Audit on /datastore/{store} and Remote.Audit on /remote/{remote}',
  '/admin/gc': 'Datastore.Audit on /datastore/{store}',
}

/** Runs one list call; on failure records why and returns undefined (the caller keeps before). */
async function list(
  ctx: HealthContext,
  path: string,
  trouble: Trouble,
  deferred: { value: boolean },
): Promise<unknown[] | undefined> {
  try {
    return await ctx.client.get(path, itemList)
  } catch (error) {
    if (!isProxmoxError(error)) throw error
    if (error.kind === 'budget') deferred.value = true
    else if (error.kind === 'permission')
      trouble.warnings.push(`${ctx.client.sourceId}: ${path} refused (403): needs ${NEEDS[path]}`)
    else if (path === '/admin/gc' && error.status === 404)
      trouble.warnings.push(
        `${ctx.client.sourceId}: no GC status (/admin/gc needs PBS 3.2 or newer)`,
      )
    else trouble.warnings.push(error.message)
    return undefined
  }
}

function usageOf(raw: unknown[], trouble: Trouble): PbsUsageFact[] {
  const drops = createDrops()
  const items = keepFirst(
    parseItems(raw, PbsDatastoreUsageSchema, drops).items,
    (u) => u.store,
    drops,
    'duplicate store',
  )
  reportDrops(trouble, drops, 'datastores in /status/datastore-usage')
  return items.map((u) => ({
    store: u.store,
    ...(u.total !== undefined ? { total: u.total } : {}),
    ...(u.used !== undefined ? { used: u.used } : {}),
    ...(u.avail !== undefined ? { avail: u.avail } : {}),
    ...(u['estimated-full-date'] !== undefined ? { estimatedFull: u['estimated-full-date'] } : {}),
    ...(u.error ? { error: u.error } : {}),
  }))
}

type JobKind = 'verify' | 'prune' | 'sync'

function jobsOf(kind: JobKind, raw: unknown[], trouble: Trouble): PbsJobFact[] {
  const drops = createDrops()
  const items = keepFirst(
    parseItems(raw, PbsJobStatusSchema, drops).items,
    (j) => j.id,
    drops,
    'duplicate id',
  )
  reportDrops(trouble, drops, `${kind} jobs in /admin/${kind}`)
  return items.map((j) => ({
    kind,
    id: j.id,
    store: j.store,
    ...(j.schedule ? { schedule: j.schedule } : {}),
    ...(j['next-run'] !== undefined ? { nextRun: j['next-run'] } : {}),
    ...(j['last-run-endtime'] !== undefined ? { lastRunEnd: j['last-run-endtime'] } : {}),
    ...(j['last-run-state'] !== undefined ? { lastRunState: j['last-run-state'] } : {}),
    ...(j['last-run-upid'] ? { lastRunUpid: j['last-run-upid'] } : {}),
    ...(j.comment ? { comment: j.comment } : {}),
    ...(j.disable ? { disabled: true } : {}),
  }))
}

function gcJobsOf(raw: unknown[], trouble: Trouble): PbsJobFact[] {
  const drops = createDrops()
  const items = keepFirst(
    parseItems(raw, PbsGcJobSchema, drops).items,
    (g) => g.store,
    drops,
    'duplicate store',
  )
  reportDrops(trouble, drops, 'datastores in /admin/gc')
  return items.map((g) => {
    // Counters of a GC that never ran are zeros with no UPID: not "0 bytes removed".
    const ran = g.upid !== undefined
    return {
      kind: 'gc',
      id: g.store,
      store: g.store,
      ...(g.schedule ? { schedule: g.schedule } : {}),
      ...(g['next-run'] !== undefined ? { nextRun: g['next-run'] } : {}),
      ...(g['last-run-endtime'] !== undefined ? { lastRunEnd: g['last-run-endtime'] } : {}),
      ...(g['last-run-state'] !== undefined ? { lastRunState: g['last-run-state'] } : {}),
      ...(g.upid ? { lastRunUpid: g.upid } : {}),
      ...(ran && g['removed-bytes'] !== undefined ? { removedBytes: g['removed-bytes'] } : {}),
      ...(ran && g['pending-bytes'] !== undefined ? { pendingBytes: g['pending-bytes'] } : {}),
    }
  })
}

const jobOrder = (a: PbsJobFact, b: PbsJobFact) =>
  a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0

export interface PbsHealth {
  usage: PbsUsageFact[] | undefined
  jobs: PbsJobFact[] | undefined
}

/**
 * Usage and jobs for the whole server. `held` stores are missing from /admin/gc (PBS cannot
 * look them up): their previous GC entry is kept, since no GC can run there meanwhile.
 */
export async function readPbsHealth(
  ctx: HealthContext,
  held: ReadonlySet<string>,
  trouble: Trouble,
): Promise<PbsHealth> {
  const deferred = { value: false }
  const [usageRaw, verify, prune, sync, gc] = await Promise.all([
    list(ctx, '/status/datastore-usage', trouble, deferred),
    list(ctx, '/admin/verify', trouble, deferred),
    list(ctx, '/admin/prune', trouble, deferred),
    list(ctx, '/admin/sync', trouble, deferred),
    list(ctx, '/admin/gc', trouble, deferred),
  ])
  if (deferred.value) trouble.deferred.push(PBS_HEALTH_UNIT)
  const before = ctx.previous?.jobs ?? []
  const kept = (kind: PbsJobFact['kind']) => before.filter((j) => j.kind === kind)
  const gcJobs = gc ? gcJobsOf(gc, trouble) : kept('gc')
  const listedGc = new Set(gcJobs.map((j) => j.store))
  const heldGc = gc ? kept('gc').filter((j) => held.has(j.store) && !listedGc.has(j.store)) : []
  const parts = [
    verify ? jobsOf('verify', verify, trouble) : kept('verify'),
    prune ? jobsOf('prune', prune, trouble) : kept('prune'),
    sync ? jobsOf('sync', sync, trouble) : kept('sync'),
    gcJobs,
    heldGc,
  ]
  const usage = usageRaw ? usageOf(usageRaw, trouble) : ctx.previous?.usage
  const anyJobs = [verify, prune, sync, gc].some((x) => x !== undefined) || ctx.previous?.jobs
  return {
    usage: usage ? [...usage].sort((a, b) => (a.store < b.store ? -1 : 1)) : undefined,
    jobs: anyJobs ? parts.flat().sort(jobOrder) : undefined,
  }
}
