// Collects one PVE cluster into PveFacts: guests, storages, backup archives (each shared
// storage listed once, each local storage on its own node), guest snapshots and vzdump tasks.
//
// The base: six cluster-wide calls, made together. /cluster/status (nodes, online, cluster
// name), /cluster/resources without a type filter (guests with tags and pool, the pools, and
// one storage entry per node with its status: which backup storages are active where, so no
// per-node storage list is needed), /storage (the configuration: type, shared, node
// restrictions, PBS target), not-backed-up, /cluster/tasks (every node's recent tasks; see
// pve-tasks.ts for when a node still needs its own list) and /cluster/backup (the jobs; see
// pve-jobs.ts). Then the units, each one call or a short chain: `content:<node>/<storage>`,
// `snapshots:<type>/<vmid>`, `tasks:<node>` (a node's own task list, then its job logs),
// `logs:<node>` (job logs only) and `schedules` (the runs of job schedules not yet known).
//
// A node or storage that fails keeps its previous facts and adds a warning; only a failure of
// the cluster-wide calls fails the whole source. When the subrequest budget runs out, units are
// deferred (their previous facts kept); when it runs out during the base, nothing can be
// trusted: the previous facts are returned as they were with the unit `base` deferred (without
// previous facts, the budget error is thrown and the caller reports the source as not done).
//
// A continuation (`ctx.continuation` with previous facts) makes no base call: it takes the
// layout (nodes, guests, storages) from the previous facts, fetches only their deferred units,
// and carries everything else. What it leaves deferred is a subset of what it was given. A
// deferred `base`, or a unit it cannot place, makes it a normal run.
import type * as z from 'zod'
import { isProxmoxError, ProxmoxError } from '../proxmox/errors.ts'
import {
  countDrop,
  createDrops,
  itemList,
  keepFirst,
  parseItems,
  pathSegment,
} from '../proxmox/lenient.ts'
import {
  PveClusterStatusItemSchema,
  PveNotBackedUpSchema,
  PveResourceGuestSchema,
  PveResourcePoolSchema,
  PveResourceStorageSchema,
  PveStorageConfigSchema,
} from '../proxmox/pve-schemas.ts'
import type {
  PveBackupFact,
  PveFacts,
  PveGuestFact,
  PveStorageEntryFact,
  PveStorageFact,
} from './facts.ts'
import {
  collectDeferredBackups,
  collectPveBackups,
  contentUnit,
  type ListingUnit,
  listedBy,
} from './pve-backups.ts'
import type { PveCollectContext } from './pve-context.ts'
import { collectSchedules, readBackupJobs, SCHEDULES_UNIT } from './pve-jobs.ts'
import { collectPveSnapshots, snapshotsUnit } from './pve-snapshots.ts'
import {
  type ClusterTasks,
  collectPveTasks,
  logsUnit,
  type NodeTaskPlan,
  readClusterTasks,
  tasksFromClusterList,
  tasksUnit,
  wantedJobs,
} from './pve-tasks.ts'
import { readTokenPermissions } from './token-permissions.ts'
import { reportDrops, sortedWarnings, type Trouble } from './trouble.ts'

/** The unit a run defers when the budget ran out before the cluster-wide calls were made. */
export const BASE_UNIT = 'base'

export const TOKEN_PRIVILEGE_WARNING =
  'PVE lists no backups although vzdump jobs succeeded: the API token most likely lacks ' +
  'Datastore.AllocateSpace + VM.Backup (or Datastore.Allocate) on the backup storages'

function toStorageFact(item: z.output<typeof PveStorageConfigSchema>): PveStorageFact {
  const fact: PveStorageFact = {
    storage: item.storage,
    type: item.type,
    shared: item.shared ?? false,
  }
  if (item.type === 'pbs' && item.server && item.datastore) {
    fact.pbs = {
      server: item.server,
      datastore: item.datastore,
      namespace: item.namespace ?? '',
      ...(item.username ? { username: item.username } : {}),
    }
  }
  return fact
}

const typeOf = (item: unknown): unknown =>
  typeof item === 'object' && item !== null && 'type' in item ? item.type : undefined

/** Entries of unfiltered /cluster/resources that are neither guests nor storages. */
const OTHER_RESOURCES = new Set(['node', 'sdn', 'pool', 'network', 'openvz'])

/** Guests and per-node storage status from one unfiltered /cluster/resources answer. */
function readResources(ctx: PveCollectContext, raw: unknown[], trouble: Trouble) {
  const storageRaw = raw.filter((item) => typeOf(item) === 'storage')
  const guestRaw = raw.filter((item) => {
    const type = typeOf(item)
    return type !== 'storage' && !(typeof type === 'string' && OTHER_RESOURCES.has(type))
  })
  const drops = createDrops()
  const parsed = parseItems(guestRaw, PveResourceGuestSchema, drops).items
  const items = keepFirst(parsed, (g) => String(g.vmid), drops, 'duplicate vmid')
  reportDrops(trouble, drops, 'guests in /cluster/resources')
  // PVE names no guest of an offline node (status "unknown"). The last known name keeps the
  // guest recognisable, and keeps PBS snapshots that were attributed by name where they were.
  const before = new Map((ctx.previous?.guests ?? []).map((g) => [`${g.type}/${g.vmid}`, g]))
  const guests: PveGuestFact[] = items.map((item) => {
    const known = before.get(`${item.type}/${item.vmid}`)
    const name = item.name ?? known?.name
    // Like the name, the tags of a guest PVE has no data for are the last ones seen.
    const tags = item.tags ?? (item.status === 'unknown' ? known?.tags : undefined)
    return {
      vmid: item.vmid,
      type: item.type,
      node: item.node,
      status: item.status,
      template: item.template ?? false,
      ...(name !== undefined ? { name } : {}),
      ...(item.lock !== undefined ? { lock: item.lock } : {}),
      ...(tags !== undefined && tags !== '' ? { tags } : {}),
      ...(item.pool !== undefined && item.pool !== '' ? { pool: item.pool } : {}),
    }
  })
  const poolDrops = createDrops()
  const poolItems = parseItems(
    raw.filter((item) => typeOf(item) === 'pool'),
    PveResourcePoolSchema,
    poolDrops,
  ).items
  reportDrops(trouble, poolDrops, 'pools in /cluster/resources')
  const pools = [...new Set(poolItems.map((p) => p.pool))].sort()
  const storageDrops = createDrops()
  const storages = keepFirst(
    parseItems(storageRaw, PveResourceStorageSchema, storageDrops).items,
    (s) => `${s.node}/${s.storage}`,
    storageDrops,
    'duplicate storage entry',
  )
  reportDrops(trouble, storageDrops, 'storage entries in /cluster/resources')
  // "available": the node reports the storage active; an offline node's are "unknown".
  const activeByNode = new Map<string, Set<string>>()
  for (const s of storages) {
    if (s.status !== 'available') continue
    const set = activeByNode.get(s.node) ?? new Set<string>()
    set.add(s.storage)
    activeByNode.set(s.node, set)
  }
  return { guests, pools, activeByNode, entries: storageEntries(storages) }
}

/** The usage figures of the storages that hold backups, per node (storage-usage.ts). */
function storageEntries(
  storages: z.output<typeof PveResourceStorageSchema>[],
): PveStorageEntryFact[] {
  return storages
    .filter((s) => s.plugintype === 'pbs' || (s.content ?? '').split(',').includes('backup'))
    .map((s) => ({
      storage: s.storage,
      node: s.node,
      status: s.status,
      ...(s.plugintype ? { type: s.plugintype } : {}),
      shared: s.shared ?? false,
      ...(s.disk !== undefined && s.maxdisk !== undefined
        ? { used: s.disk, total: s.maxdisk }
        : {}),
    }))
    .sort((a, b) => compare(a.storage, b.storage) || compare(a.node, b.node))
}

/** The base calls decide every request after them, so they take the `opens` lane. */
const BASE_LANE = { opens: true } as const

async function readNotBackedUp(ctx: PveCollectContext, trouble: Trouble) {
  try {
    const raw = await ctx.client.get(
      '/cluster/backup-info/not-backed-up',
      itemList,
      undefined,
      BASE_LANE,
    )
    const drops = createDrops()
    const parsed = parseItems(raw, PveNotBackedUpSchema, drops).items
    const items = keepFirst(parsed, (g) => String(g.vmid), drops, 'duplicate vmid')
    reportDrops(trouble, drops, 'guests in /cluster/backup-info/not-backed-up')
    return items.map((item) => ({ vmid: item.vmid, type: item.type }))
  } catch (error) {
    // Out of budget: the base as a whole is deferred.
    if (!isProxmoxError(error) || error.kind === 'budget') throw error
    trouble.warnings.push(error.message)
    return null
  }
}

/** The cluster-wide task list, or undefined when it failed (every node then lists its own). */
async function readTaskList(ctx: PveCollectContext, trouble: Trouble) {
  try {
    return await ctx.client.get('/cluster/tasks', itemList, undefined, BASE_LANE)
  } catch (error) {
    if (!isProxmoxError(error) || error.kind === 'budget') throw error
    trouble.warnings.push(error.message)
    return undefined
  }
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** Nodes from /cluster/status: named by a usable name, each once; the rest counted. */
function readNodes(
  items: z.output<typeof PveClusterStatusItemSchema>[],
  drops: ReturnType<typeof createDrops>,
) {
  const nodes: { name: string; online: boolean }[] = []
  for (const item of items) {
    if (item.type !== 'node') continue
    if (!pathSegment.safeParse(item.name).success) countDrop(drops, 'invalid name')
    else nodes.push({ name: item.name ?? '', online: item.online ?? false })
  }
  return keepFirst(nodes, (n) => n.name, drops, 'duplicate node')
}

/** Stable order (so unchanged facts digest the same) and the token-privilege check. */
function finish(
  ctx: PveCollectContext,
  facts: Omit<PveFacts, 'warnings' | 'deferred'>,
  trouble: Trouble,
): PveFacts {
  const { backups, snapshots, tasks } = facts
  // PVE silently drops backup volumes the token may not access and answers 200 with an empty
  // list (proxmox-api.md §0.2): successful vzdump runs with no archive in sight mean exactly that.
  // Only a fallback: with the token's permissions read, the missing ones are named instead.
  const permissionsKnown = Boolean(facts.permissions?.paths)
  if (!permissionsKnown && backups.length === 0 && tasks.some((t) => t.outcome === 'ok'))
    trouble.warnings.push(TOKEN_PRIVILEGE_WARNING)
  backups.sort(
    (a, b) => compare(a.storage, b.storage) || compare(a.node, b.node) || compare(a.volid, b.volid),
  )
  snapshots.sort(
    (a, b) => a.vmid - b.vmid || compare(a.guestType, b.guestType) || compare(a.name, b.name),
  )
  return { ...facts, collectedAt: ctx.now, ...sortedWarnings(trouble) }
}

async function readBase(ctx: PveCollectContext, trouble: Trouble) {
  const [statusRaw, resourcesRaw, storageRaw, notBackedUp, taskRaw, backupJobs, permissions] =
    await Promise.all([
      ctx.client.get('/cluster/status', itemList, undefined, BASE_LANE),
      ctx.client.get('/cluster/resources', itemList, undefined, BASE_LANE),
      ctx.client.get('/storage', itemList, undefined, BASE_LANE),
      readNotBackedUp(ctx, trouble),
      readTaskList(ctx, trouble),
      readBackupJobs(ctx, trouble, BASE_LANE),
      // One call when due, none when the stored answer is recent.
      readTokenPermissions(
        {
          client: ctx.client,
          now: ctx.now,
          previous: ctx.previous?.permissions,
          ...(ctx.rereadHourly ? { recheck: true } : {}),
        },
        trouble,
      ),
    ])
  return { statusRaw, resourcesRaw, storageRaw, notBackedUp, taskRaw, backupJobs, permissions }
}

async function collectNormal(ctx: PveCollectContext): Promise<PveFacts> {
  const trouble: Trouble = { warnings: [], deferred: [] }
  let base: Awaited<ReturnType<typeof readBase>>
  try {
    base = await readBase(ctx, trouble)
  } catch (error) {
    if (!isProxmoxError(error) || error.kind !== 'budget' || !ctx.previous) throw error
    // Nothing of this run can be trusted without the base: the previous facts stay as they
    // were, and the base goes first next time.
    const deferred = [...new Set([BASE_UNIT, ...ctx.previous.deferred])].sort()
    return { ...ctx.previous, deferred }
  }
  const { statusRaw, resourcesRaw, storageRaw, notBackedUp, taskRaw, backupJobs, permissions } =
    base
  const statusDrops = createDrops()
  const status = parseItems(statusRaw, PveClusterStatusItemSchema, statusDrops).items
  const clusterName = status.find((item) => item.type === 'cluster')?.name
  const nodes = readNodes(status, statusDrops)
  // Every cluster has at least the node that answered: without one, nothing below is
  // trustworthy, and failing the source keeps all of the last good facts.
  if (nodes.length === 0) {
    throw new ProxmoxError(
      'invalid-response',
      `${ctx.client.sourceId} GET /cluster/status: no readable node in the answer`,
    )
  }
  reportDrops(trouble, statusDrops, 'entries in /cluster/status')
  const { guests, pools, activeByNode, entries } = readResources(ctx, resourcesRaw, trouble)
  const storageDrops = createDrops()
  const storageConfigs = keepFirst(
    parseItems(storageRaw, PveStorageConfigSchema, storageDrops).items,
    (s) => s.storage,
    storageDrops,
    'duplicate storage',
  ).filter((s) => s.content.split(',').includes('backup') && !s.disable)
  reportDrops(trouble, storageDrops, 'storages in /storage')
  const storages = storageConfigs.map(toStorageFact)
  const restrictedTo = new Map(
    storageConfigs.flatMap((s) =>
      s.nodes ? [[s.storage, new Set(s.nodes.split(',').map((n) => n.trim()))] as const] : [],
    ),
  )

  const online = nodes.filter((n) => n.online).map((n) => n.name)
  for (const node of nodes) if (!node.online) trouble.warnings.push(`node ${node.name} is offline`)
  // An unreadable status entry may be a node we knew: it is kept as an offline one, so its
  // local backups, tasks and guests' snapshots stay as the previous run saw them.
  const unread =
    statusDrops.reasons.size === 0
      ? []
      : (ctx.previous?.nodes ?? []).filter((p) => !nodes.some((n) => n.name === p.name))
  const allNodes = [...nodes, ...unread].map((n) => n.name)
  const reachable = new Set(online)
  const layout = { storages, nodes: allNodes, reachable, activeByNode, restrictedTo }

  const clusterTasks: ClusterTasks | undefined = taskRaw
    ? readClusterTasks(taskRaw, allNodes, ctx.now, trouble)
    : undefined
  const previousTasks = ctx.previous?.tasks ?? []
  const deferred = new Set(ctx.previous?.deferred ?? [])
  const plans: NodeTaskPlan[] = allNodes.map((node) => ({
    node,
    offline: !reachable.has(node),
    fromCluster: clusterTasks
      ? tasksFromClusterList(
          clusterTasks.byNode.get(node),
          previousTasks.filter((t) => t.node === node),
          ctx.now,
        )
      : undefined,
  }))
  // Deferred nodes first, then the priority node: they take the budget first.
  const rank = (p: NodeTaskPlan) =>
    (deferred.has(tasksUnit(p.node)) || deferred.has(logsUnit(p.node)) ? 0 : 2) +
    (p.node === ctx.priorityNode ? 0 : 1)
  plans.sort((a, b) => rank(a) - rank(b))

  // The schedules first: a few calls, and without them no guest can be told due or missed.
  const [schedules, backups, snapshots, tasks] = await Promise.all([
    collectSchedules(ctx, backupJobs, ctx.previous?.schedules, trouble),
    collectPveBackups(ctx, layout, trouble),
    collectPveSnapshots(ctx, guests, reachable, trouble),
    collectPveTasks(ctx, plans, wantedJobs({ guests, notBackedUp }), trouble),
  ])
  return finish(
    ctx,
    {
      kind: 'pve',
      sourceId: ctx.client.sourceId,
      ...(clusterName ? { clusterName } : {}),
      collectedAt: ctx.now,
      nodes: [...nodes, ...unread.map((n) => ({ name: n.name, online: false }))],
      guests,
      storages,
      storageEntries: entries,
      ...(permissions ? { permissions } : {}),
      backups,
      snapshots,
      tasks,
      notBackedUp,
      backupJobs,
      schedules,
      pools,
    },
    trouble,
  )
}

/** The deferred units of `previous`, placed in its layout; undefined if one cannot be. */
function placeDeferred(previous: PveFacts) {
  const listings = new Map<string, ListingUnit>()
  for (const storage of previous.storages)
    for (const { name } of previous.nodes)
      listings.set(contentUnit({ node: name, storage }), { node: name, storage })
  const guests = new Map(previous.guests.map((g) => [snapshotsUnit(g), g]))
  const nodeUnits = new Map<string, { node: string; listed: boolean }>()
  for (const { name } of previous.nodes) {
    nodeUnits.set(tasksUnit(name), { node: name, listed: false })
    nodeUnits.set(logsUnit(name), { node: name, listed: true })
  }
  const placed = {
    listings: [] as ListingUnit[],
    guests: [] as PveGuestFact[],
    nodes: [] as { node: string; listed: boolean }[],
    schedules: false,
  }
  for (const unit of previous.deferred) {
    if (unit === SCHEDULES_UNIT) {
      placed.schedules = true
      continue
    }
    const listing = listings.get(unit)
    const guest = guests.get(unit)
    const node = nodeUnits.get(unit)
    if (listing) placed.listings.push(listing)
    else if (guest) placed.guests.push(guest)
    else if (node) placed.nodes.push(node)
    else return undefined
  }
  return placed
}

async function collectContinuation(
  ctx: PveCollectContext,
  previous: PveFacts,
  placed: NonNullable<ReturnType<typeof placeDeferred>>,
): Promise<PveFacts> {
  const trouble: Trouble = { warnings: [], deferred: [] }
  const refetched = (b: PveBackupFact) => placed.listings.some((unit) => listedBy(unit, b))
  const snapshotGuests = new Set(placed.guests.map(snapshotsUnit))
  const plans: NodeTaskPlan[] = placed.nodes.map(({ node, listed }) => ({
    node,
    offline: false,
    // `logs:`: the node's task list of this cycle is in the facts; only its logs are left.
    fromCluster: listed
      ? structuredClone(previous.tasks.filter((t) => t.node === node))
      : undefined,
  }))
  const [backups, snapshots, tasks, schedules] = await Promise.all([
    collectDeferredBackups(ctx, placed.listings, trouble),
    collectPveSnapshots(ctx, placed.guests, new Set(placed.guests.map((g) => g.node)), trouble),
    collectPveTasks(ctx, plans, wantedJobs(previous), trouble),
    placed.schedules
      ? collectSchedules(ctx, previous.backupJobs, previous.schedules, trouble)
      : previous.schedules,
  ])
  // Warnings of the previous run stay (its units that failed are not retried here), except
  // the token check, which is made again on the facts as they are now.
  trouble.warnings.push(...previous.warnings.filter((w) => w !== TOKEN_PRIVILEGE_WARNING))
  const { warnings: _w, deferred: _d, ...rest } = previous
  return finish(
    ctx,
    {
      ...rest,
      backups: [...previous.backups.filter((b) => !refetched(b)), ...backups],
      snapshots: [
        ...previous.snapshots.filter(
          (s) => !snapshotGuests.has(snapshotsUnit({ type: s.guestType, vmid: s.vmid })),
        ),
        ...snapshots,
      ],
      tasks,
      ...(schedules ? { schedules } : {}),
    },
    trouble,
  )
}

export async function collectPve(ctx: PveCollectContext): Promise<PveFacts> {
  const previous = ctx.previous
  if (ctx.continuation && previous) {
    const placed = placeDeferred(previous)
    if (placed) return collectContinuation(ctx, previous, placed)
  }
  return collectNormal(ctx)
}
