// Collects one PBS server into PbsFacts: every datastore, every namespace, and every snapshot.
//
// The base: /admin/datastore and each datastore's /namespace listing. Then one snapshot
// listing per namespace (unit `snapshots:<store>/<ns>`): GET /admin/datastore/{store}/snapshots
// ?ns=… without backup-type/backup-id returns every snapshot of every group there, with
// size, owner, protection, comment and verification, so the groups are derived from it (last
// finished backup, count, owner) instead of listed. That is one call per namespace every run,
// never more than groups-first (one groups call per namespace plus one per changed group), and
// verification results are never older than one run.
//
// The group comments (a group's notes, where `no-monitor` excludes it from alerting) are only in
// the groups listing: one GET /admin/datastore/{store}/groups?ns=… per namespace (unit
// `groups:<store>/<ns>`), asked on the first run and then only once the kept answer is an hour
// old, on a manual refresh or after a failure (collect/pbs-group-comments.ts); carried otherwise.
//
// A namespace whose listing fails keeps its previous groups and snapshots with a warning; a
// datastore whose namespaces cannot be listed keeps all of its previous facts. A datastore PBS
// refuses to read (offline / unmount / delete maintenance, a removable store not mounted) is not
// asked at all: its previous namespaces and snapshots are kept and it is marked held, with the
// reason and since when (collect/pbs-health.ts, which also reads usage and jobs). When the budget
// runs out during the base, the previous facts are returned as they were with `base` deferred
// (without previous facts the budget error is thrown). A continuation (`continuation` with
// previous facts) makes no base call: it lists only the deferred namespaces and carries the rest.
import type { z } from 'zod'
import { isFuture } from '../epoch.ts'
import type { ProxmoxClient } from '../proxmox/client.ts'
import { isProxmoxError } from '../proxmox/errors.ts'
import { countDrop, createDrops, itemList, keepFirst, parseItems } from '../proxmox/lenient.ts'
import {
  PbsDatastoreSchema,
  PbsNamespaceSchema,
  PbsSnapshotSchema,
} from '../proxmox/pbs-schemas.ts'
import type {
  PbsDatastoreFact,
  PbsFacts,
  PbsGroupCommentsFact,
  PbsGroupFact,
  PbsSnapshotFact,
  TokenPermissionsFact,
} from './facts.ts'
import { groupsUnit, type Place, readGroupComments, sortComments } from './pbs-group-comments.ts'
import { datastoreState, PBS_HEALTH_UNIT, type PbsHealth, readPbsHealth } from './pbs-health.ts'
import { readTokenPermissions } from './token-permissions.ts'
import { deferredFirst, reportDrops, softFail, sortedWarnings, type Trouble } from './trouble.ts'

export interface PbsCollectContext {
  client: ProxmoxClient
  now: number
  previous: PbsFacts | undefined
  host: string
  serverNames: string[]
  /** As for PVE: fetch only the previous run's deferred units, with no base call. */
  continuation?: boolean
  /**
   * As for PVE: a manual refresh. The token's permissions and the group comments are read
   * again even if the stored answers are recent.
   */
  rereadHourly?: boolean
}

/** The unit a run defers when the budget ran out before the base calls were made. */
export const PBS_BASE_UNIT = 'base'

/** Limiter lanes (proxmox/limit.ts): the base decides what comes next; listings are long. */
const OPENS = { opens: true } as const
const HEAVY = { heavy: true } as const

export const namespaceUnit = (store: string, ns: string) => `snapshots:${store}/${ns}`

type Located = { datastore: string; namespace: string }
const inPlace = (store: string, ns: string) => (x: Located) =>
  x.datastore === store && x.namespace === ns

const groupKey = (g: {
  datastore: string
  namespace: string
  backupType: string
  backupId: string
}) => `group:${g.datastore}/${g.namespace}/${g.backupType}/${g.backupId}`

/** The manifest (index.json.blob) is written last; without it the snapshot is unfinished. */
export function hasManifest(files: readonly unknown[]): boolean {
  for (const f of files) {
    const name =
      typeof f === 'string'
        ? f
        : typeof f === 'object' && f !== null && 'filename' in f
          ? f.filename
          : undefined
    if (name === 'index.json.blob') return true
  }
  return false
}

function toSnapshotFact(
  item: z.output<typeof PbsSnapshotSchema>,
  datastore: string,
  namespace: string,
): PbsSnapshotFact {
  const state = item.verification?.state
  return {
    datastore,
    namespace,
    backupType: item['backup-type'],
    backupId: item['backup-id'],
    backupTime: item['backup-time'],
    ...(item.size !== undefined ? { size: item.size } : {}),
    inProgress: item.size === undefined && !hasManifest(item.files),
    ...(item.owner ? { owner: item.owner } : {}),
    protected: item.protected,
    ...(item.comment ? { comment: item.comment } : {}),
    ...(state === 'ok' || state === 'failed' ? { verification: state } : {}),
  }
}

/**
 * The groups of a namespace from its snapshots, as PBS 4 lists them: the last backup is the
 * newest finished snapshot (a group with only unfinished ones: the newest of those), the
 * owner is the group's (every snapshot item carries it; the newest that names one decides).
 */
export function groupsOf(snapshots: readonly PbsSnapshotFact[]): PbsGroupFact[] {
  // One pass to group, one sort per group (a namespace lists some 10,000 snapshots).
  const byGroup = new Map<string, PbsSnapshotFact[]>()
  for (const s of snapshots) {
    const key = groupKey(s)
    const list = byGroup.get(key)
    if (list) list.push(s)
    else byGroup.set(key, [s])
  }
  return [...byGroup.values()].map((list) => {
    const sorted = list.sort((a, b) => a.backupTime - b.backupTime)
    let last: PbsSnapshotFact | undefined
    let owner: string | undefined
    for (let i = sorted.length - 1; i >= 0; i--) {
      const s = sorted[i] as PbsSnapshotFact
      if (last === undefined && !s.inProgress) last = s
      if (owner === undefined) owner = s.owner
    }
    last ??= sorted[sorted.length - 1] as PbsSnapshotFact
    return {
      datastore: last.datastore,
      namespace: last.namespace,
      backupType: last.backupType,
      backupId: last.backupId,
      lastBackup: last.backupTime,
      backupCount: sorted.length,
      ...(owner !== undefined ? { owner } : {}),
    }
  })
}

/** Host backups are no guest's: skipped before validation, so their shape is not our concern. */
function isGuestItem(item: unknown): boolean {
  const host =
    typeof item === 'object' &&
    item !== null &&
    'backup-type' in item &&
    item['backup-type'] === 'host'
  return !host
}

/** `store1` or `store1/ns`, as the warnings name a place. */
function placeOf(store: string, ns: string): string {
  return ns === '' ? store : `${store}/${ns}`
}

async function readNamespaces(
  ctx: PbsCollectContext,
  store: string,
  trouble: Trouble,
): Promise<string[]> {
  try {
    const raw = await ctx.client.get(
      `/admin/datastore/${encodeURIComponent(store)}/namespace`,
      itemList,
      undefined,
      OPENS,
    )
    const drops = createDrops()
    const parsed = parseItems(raw, PbsNamespaceSchema, drops).items
    const names = keepFirst(parsed, (n) => n.ns, drops, 'duplicate ns').map((n) => n.ns)
    reportDrops(trouble, drops, `namespaces of datastore ${store}`)
    return names.includes('') ? names : ['', ...names]
  } catch (error) {
    // PBS before 2.2 has no namespaces: the root is all there is. Unless we have seen
    // namespaces there: then a 404 is a failure, and their groups must not silently go.
    const hadNamespaces = ctx.previous?.datastores
      .find((d) => d.store === store)
      ?.namespaces.some((ns) => ns !== '')
    if (isProxmoxError(error) && error.status === 404 && !hadNamespaces) return ['']
    throw error
  }
}

/** Every snapshot of one namespace (host backups skipped), bad items dropped and counted. */
async function listNamespace(
  ctx: PbsCollectContext,
  store: string,
  ns: string,
  trouble: Trouble,
): Promise<PbsSnapshotFact[]> {
  // Every snapshot of the namespace: the longest answers of a refresh.
  const raw = await ctx.client.get(
    `/admin/datastore/${encodeURIComponent(store)}/snapshots`,
    itemList,
    ns ? { ns } : {},
    HEAVY,
  )
  const drops = createDrops()
  const believable = parseItems(raw.filter(isGuestItem), PbsSnapshotSchema, drops).items.filter(
    (item) => {
      if (item['backup-type'] === 'host') return false
      const future = isFuture(item['backup-time'], ctx.now)
      if (future) countDrop(drops, 'backup-time in the future')
      return !future
    },
  )
  const unique = keepFirst(
    believable,
    (item) => `${item['backup-type']}/${item['backup-id']}/${item['backup-time']}`,
    drops,
    'duplicate snapshot',
  )
  reportDrops(trouble, drops, `snapshots in ${placeOf(store, ns)}`)
  return unique.map((item) => toSnapshotFact(item, store, ns))
}

interface Listing {
  store: string
  ns: string
}

/** The snapshots of each namespace; a failed one keeps the previous run's (deferred on budget). */
async function listAll(
  ctx: PbsCollectContext,
  listings: Listing[],
  trouble: Trouble,
): Promise<PbsSnapshotFact[]> {
  const ordered = deferredFirst(
    listings,
    (l) => namespaceUnit(l.store, l.ns),
    ctx.previous?.deferred,
  )
  const lists = await Promise.all(
    ordered.map(({ store, ns }) =>
      listNamespace(ctx, store, ns, trouble).catch((error: unknown) => {
        softFail(trouble, error, namespaceUnit(store, ns))
        return (ctx.previous?.snapshots ?? []).filter(inPlace(store, ns))
      }),
    ),
  )
  return lists.flat()
}

function assemble(
  ctx: PbsCollectContext,
  datastores: PbsFacts['datastores'],
  snapshots: PbsSnapshotFact[],
  trouble: Trouble,
  health: PbsHealth,
  permissions: TokenPermissionsFact | undefined,
  groupComments: readonly PbsGroupCommentsFact[] | undefined,
): PbsFacts {
  // Stable order so unchanged facts digest the same and skip the KV write. Each key is built
  // once, not once per comparison.
  const byKey = <T extends PbsGroupFact | PbsSnapshotFact>(items: readonly T[]) =>
    items.map((item) => ({ item, key: groupKey(item) }))
  const compareKeys = (a: { key: string }, b: { key: string }) =>
    a.key < b.key ? -1 : a.key > b.key ? 1 : 0
  const sorted = byKey(snapshots)
    .sort((a, b) => compareKeys(a, b) || a.item.backupTime - b.item.backupTime)
    .map((k) => k.item)
  return {
    kind: 'pbs',
    sourceId: ctx.client.sourceId,
    host: ctx.host,
    serverNames: ctx.serverNames,
    collectedAt: ctx.now,
    datastores: [...datastores].sort((a, b) => a.store.localeCompare(b.store)),
    groups: byKey(groupsOf(sorted))
      .sort(compareKeys)
      .map((k) => k.item),
    snapshots: sorted,
    ...(groupComments ? { groupComments: sortComments(groupComments) } : {}),
    ...(health.usage ? { usage: health.usage } : {}),
    ...(health.jobs ? { jobs: health.jobs } : {}),
    ...(permissions ? { permissions } : {}),
    ...sortedWarnings(trouble),
  }
}

async function readBase(ctx: PbsCollectContext, trouble: Trouble) {
  const rawStores = await ctx.client.get('/admin/datastore', itemList, undefined, OPENS)
  const storeDrops = createDrops()
  const parsedStores = parseItems(rawStores, PbsDatastoreSchema, storeDrops).items
  const unique = keepFirst(parsedStores, (s) => s.store, storeDrops, 'duplicate store')
  reportDrops(trouble, storeDrops, 'datastores in /admin/datastore')
  return Promise.all(
    unique.map(async (item) => {
      const before = ctx.previous?.datastores.find((d) => d.store === item.store)
      const state = datastoreState(item, before, ctx.now, trouble)
      // PBS would refuse every read there: no call, no error, the last good facts stay.
      if (state.held) return { state, namespaces: undefined }
      try {
        return { state, namespaces: await readNamespaces(ctx, item.store, trouble) }
      } catch (error) {
        if (!isProxmoxError(error) || error.kind === 'budget') throw error
        trouble.warnings.push(error.message)
        return { state, namespaces: undefined }
      }
    }),
  )
}

const heldStores = (datastores: readonly PbsDatastoreFact[]) =>
  new Set(datastores.filter((d) => d.held).map((d) => d.store))

async function collectNormal(ctx: PbsCollectContext): Promise<PbsFacts> {
  const trouble: Trouble = { warnings: [], deferred: [] }
  let stores: Awaited<ReturnType<typeof readBase>>
  let permissions: TokenPermissionsFact | undefined
  try {
    ;[stores, permissions] = await Promise.all([
      readBase(ctx, trouble),
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
  } catch (error) {
    if (!isProxmoxError(error) || error.kind !== 'budget' || !ctx.previous) throw error
    const deferred = [...new Set([PBS_BASE_UNIT, ...ctx.previous.deferred])].sort()
    return { ...ctx.previous, deferred }
  }
  const datastores: PbsFacts['datastores'] = []
  const snapshots: PbsSnapshotFact[] = []
  const listings: Listing[] = []
  for (const { state, namespaces } of stores) {
    const { store } = state
    if (namespaces === undefined) {
      // Held, or its namespaces are unknown: everything the previous run saw there stays.
      const before = ctx.previous?.datastores.find((d) => d.store === store)
      if (before || state.held) datastores.push({ ...state, namespaces: before?.namespaces ?? [] })
      snapshots.push(...(ctx.previous?.snapshots ?? []).filter((s) => s.datastore === store))
      continue
    }
    datastores.push({ ...state, namespaces })
    for (const ns of namespaces) listings.push({ store, ns })
  }
  // Listings queue first: with a tight budget the snapshots matter more than the comments,
  // and those (an exclusion) more than the health.
  const listed = listAll(ctx, listings, trouble)
  const read = readComments(ctx, ctx.previous?.deferred, listings, trouble)
  const health = readPbsHealth(ctx, heldStores(datastores), trouble)
  snapshots.push(...(await listed))
  // Stores not listed this run (held, namespaces unknown) keep every comment they had; a
  // namespace gone from a listed store takes its comments with it.
  const listedStores = new Set(listings.map((l) => l.store))
  const kept = (ctx.previous?.groupComments ?? []).filter((c) => !listedStores.has(c.datastore))
  const groupComments = [...kept, ...(await read)]
  return assemble(ctx, datastores, snapshots, trouble, await health, permissions, groupComments)
}

/** The comments of these namespaces, asked or carried (pbs-group-comments.ts). */
function readComments(
  ctx: PbsCollectContext,
  deferred: readonly string[] | undefined,
  places: readonly Place[],
  trouble: Trouble,
): Promise<PbsGroupCommentsFact[]> {
  return readGroupComments(
    {
      client: ctx.client,
      now: ctx.now,
      previous: ctx.previous?.groupComments,
      deferred,
      ...(ctx.rereadHourly ? { recheck: true } : {}),
    },
    places,
    trouble,
  )
}

interface Continued {
  listings: Listing[]
  /** Namespaces whose group comments were deferred. */
  comments: Place[]
  health: boolean
}

async function collectContinuation(
  ctx: PbsCollectContext,
  previous: PbsFacts,
  units: Continued,
): Promise<PbsFacts> {
  const { listings, comments } = units
  const trouble: Trouble = { warnings: [], deferred: [] }
  const relisted = (s: PbsSnapshotFact) =>
    listings.some((l) => l.store === s.datastore && l.ns === s.namespace)
  const listed = listAll(ctx, listings, trouble)
  // Only the deferred ones, asked whatever their age: that is why they are here.
  const read = readComments({ ...ctx, rereadHourly: true }, previous.deferred, comments, trouble)
  const health: Promise<PbsHealth> = units.health
    ? readPbsHealth(ctx, heldStores(previous.datastores), trouble)
    : Promise.resolve({ usage: previous.usage, jobs: previous.jobs })
  const snapshots = [...previous.snapshots.filter((s) => !relisted(s)), ...(await listed)]
  const reread = (c: PbsGroupCommentsFact) =>
    comments.some((p) => p.store === c.datastore && p.ns === c.namespace)
  const groupComments = previous.groupComments
    ? [...previous.groupComments.filter((c) => !reread(c)), ...(await read)]
    : await read
  trouble.warnings.push(...previous.warnings)
  return assemble(
    ctx,
    previous.datastores,
    snapshots,
    trouble,
    await health,
    previous.permissions,
    groupComments.length > 0 || previous.groupComments ? groupComments : undefined,
  )
}

export async function collectPbs(ctx: PbsCollectContext): Promise<PbsFacts> {
  const previous = ctx.previous
  if (ctx.continuation && previous) {
    const places = previous.datastores.flatMap((d) =>
      d.namespaces.map((ns) => ({ store: d.store, ns })),
    )
    const listingUnits = new Map(places.map((p) => [namespaceUnit(p.store, p.ns), p] as const))
    const commentUnits = new Map(places.map((p) => [groupsUnit(p.store, p.ns), p] as const))
    const units: Continued = {
      listings: [],
      comments: [],
      health: previous.deferred.includes(PBS_HEALTH_UNIT),
    }
    // A deferred base, or a unit this layout does not have: a normal run.
    const known = previous.deferred.every((unit) => {
      if (unit === PBS_HEALTH_UNIT) return true
      const listing = listingUnits.get(unit)
      if (listing) units.listings.push(listing)
      const comments = commentUnits.get(unit)
      if (comments) units.comments.push(comments)
      return listing !== undefined || comments !== undefined
    })
    if (known) return collectContinuation(ctx, previous, units)
  }
  return collectNormal(ctx)
}
