// Collects one PBS server into PbsFacts: every datastore, every namespace, the groups of each
// namespace, and snapshots only for groups that changed (same `last-backup` and `backup-count`
// as last time means nothing new) or whose listing is old enough that verification may have.
import type { z } from 'zod'
import { isFuture } from '../epoch.ts'
import type { ProxmoxClient } from '../proxmox/client.ts'
import { isProxmoxError } from '../proxmox/errors.ts'
import { countDrop, createDrops, itemList, keepFirst, parseItems } from '../proxmox/lenient.ts'
import type { Limiter } from '../proxmox/limit.ts'
import {
  PbsDatastoreSchema,
  PbsGroupSchema,
  PbsNamespaceSchema,
  PbsSnapshotSchema,
} from '../proxmox/pbs-schemas.ts'
import type { PbsFacts, PbsGroupFact, PbsSnapshotFact } from './facts.ts'
import { deferredFirst, reportDrops, softFail, sortedWarnings, type Trouble } from './trouble.ts'

/** Verification and protection change without touching the group's counters; re-read this often. */
export const PBS_RELIST_SECONDS = 6 * 3_600

export interface PbsCollectContext {
  client: ProxmoxClient
  limit: Limiter
  now: number
  previous: PbsFacts | undefined
  host: string
  serverNames: string[]
}

const groupKey = (g: {
  datastore: string
  namespace: string
  backupType: string
  backupId: string
}) => `group:${g.datastore}/${g.namespace}/${g.backupType}/${g.backupId}`

function toSnapshotFact(
  item: z.output<typeof PbsSnapshotSchema>,
  datastore: string,
  namespace: string,
): PbsSnapshotFact {
  const files = item.files.map((f) => (typeof f === 'string' ? f : f.filename))
  const state = item.verification?.state
  return {
    datastore,
    namespace,
    backupType: item['backup-type'],
    backupId: item['backup-id'],
    backupTime: item['backup-time'],
    ...(item.size !== undefined ? { size: item.size } : {}),
    // The manifest (index.json.blob) is written last; without it the snapshot is unfinished.
    inProgress: item.size === undefined && !files.includes('index.json.blob'),
    ...(item.owner ? { owner: item.owner } : {}),
    protected: item.protected,
    ...(item.comment ? { comment: item.comment } : {}),
    ...(state === 'ok' || state === 'failed' ? { verification: state } : {}),
  }
}

/** Host backups are no guest's: skipped before validation, so their shape is not our concern. */
function isGuestGroup(item: unknown): boolean {
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

function needsListing(
  ctx: PbsCollectContext,
  group: PbsGroupFact,
  previous: PbsGroupFact | undefined,
  cached: PbsSnapshotFact[],
) {
  if (!previous) return true
  if (previous.lastBackup !== group.lastBackup || previous.backupCount !== group.backupCount)
    return true
  if (cached.some((s) => s.inProgress)) return true
  return ctx.now - previous.listedAt >= PBS_RELIST_SECONDS
}

export async function collectPbs(ctx: PbsCollectContext): Promise<PbsFacts> {
  const trouble: Trouble = { warnings: [], deferred: [] }
  const rawStores = await ctx.client.get('/admin/datastore', itemList)
  const storeDrops = createDrops()
  const parsedStores = parseItems(rawStores, PbsDatastoreSchema, storeDrops).items
  const unique = keepFirst(parsedStores, (s) => s.store, storeDrops, 'duplicate store')
  reportDrops(trouble, storeDrops, 'datastores in /admin/datastore')
  const stores = unique.filter((s) => {
    if (s['mount-status'] === 'notmounted') {
      trouble.warnings.push(`datastore ${s.store} is not mounted`)
      return false
    }
    return true
  })
  const prevGroups = new Map((ctx.previous?.groups ?? []).map((g) => [groupKey(g), g]))
  const prevSnapshots = new Map<string, PbsSnapshotFact[]>()
  for (const s of ctx.previous?.snapshots ?? []) {
    const key = groupKey(s)
    prevSnapshots.set(key, [...(prevSnapshots.get(key) ?? []), s])
  }
  const keepPrevious = (pred: (g: PbsGroupFact) => boolean) => {
    const kept = (ctx.previous?.groups ?? []).filter(pred)
    return { groups: kept, snapshots: kept.flatMap((g) => prevSnapshots.get(groupKey(g)) ?? []) }
  }

  const datastores: PbsFacts['datastores'] = []
  const groups: PbsGroupFact[] = []
  const snapshots: PbsSnapshotFact[] = []
  const toList: PbsGroupFact[] = []

  await Promise.all(
    stores.map(async ({ store }) => {
      let namespaces: string[]
      try {
        namespaces = await ctx.limit(() => readNamespaces(ctx, store, trouble))
      } catch (error) {
        softFail(trouble, error, `namespaces:${store}`)
        const kept = keepPrevious((g) => g.datastore === store)
        groups.push(...kept.groups)
        snapshots.push(...kept.snapshots)
        return
      }
      datastores.push({ store, namespaces })
      await Promise.all(
        namespaces.map((ns) =>
          ctx.limit(async () => {
            try {
              const raw = await ctx.client.get(
                `/admin/datastore/${encodeURIComponent(store)}/groups`,
                itemList,
                ns ? { ns } : {},
              )
              const drops = createDrops()
              const parsed = keepFirst(
                parseItems(raw.filter(isGuestGroup), PbsGroupSchema, drops).items,
                (g) => `${g['backup-type']}/${g['backup-id']}`,
                drops,
                'duplicate group',
              )
              reportDrops(trouble, drops, `groups in ${placeOf(store, ns)}`)
              for (const item of parsed) {
                if (item['backup-type'] === 'host') continue
                const group: PbsGroupFact = {
                  datastore: store,
                  namespace: ns,
                  backupType: item['backup-type'],
                  backupId: item['backup-id'],
                  lastBackup: item['last-backup'],
                  backupCount: item['backup-count'],
                  ...(item.owner ? { owner: item.owner } : {}),
                  listedAt: ctx.now,
                }
                const key = groupKey(group)
                const previous = prevGroups.get(key)
                const cached = prevSnapshots.get(key) ?? []
                if (needsListing(ctx, group, previous, cached)) toList.push(group)
                else {
                  group.listedAt = previous?.listedAt ?? ctx.now
                  groups.push(group)
                  snapshots.push(...cached)
                }
              }
            } catch (error) {
              softFail(trouble, error, `groups:${store}/${ns}`)
              const kept = keepPrevious((g) => g.datastore === store && g.namespace === ns)
              groups.push(...kept.groups)
              snapshots.push(...kept.snapshots)
            }
          }),
        ),
      )
    }),
  )

  const ordered = deferredFirst(toList, groupKey, ctx.previous?.deferred)
  await Promise.all(
    ordered.map((group) =>
      ctx.limit(async () => {
        const key = groupKey(group)
        try {
          const raw = await ctx.client.get(
            `/admin/datastore/${encodeURIComponent(group.datastore)}/snapshots`,
            itemList,
            {
              ...(group.namespace ? { ns: group.namespace } : {}),
              'backup-type': group.backupType,
              'backup-id': group.backupId,
            },
          )
          const drops = createDrops()
          const believable = parseItems(raw, PbsSnapshotSchema, drops).items.filter((item) => {
            const problem =
              item['backup-type'] !== group.backupType || item['backup-id'] !== group.backupId
                ? "another group's snapshot"
                : isFuture(item['backup-time'], ctx.now)
                  ? 'backup-time in the future'
                  : undefined
            if (problem) countDrop(drops, problem)
            return problem === undefined
          })
          const unique = keepFirst(
            believable,
            (item) => String(item['backup-time']),
            drops,
            'duplicate backup-time',
          )
          const place = `${placeOf(group.datastore, group.namespace)} ${group.backupType}/${group.backupId}`
          reportDrops(trouble, drops, `snapshots of ${place}`)
          const listed = unique
            .map((item) => toSnapshotFact(item, group.datastore, group.namespace))
            .sort((a, b) => a.backupTime - b.backupTime)
          // A group re-read only to watch an unfinished snapshot keeps its listing time while
          // nothing changed, so an hours-long backup does not cost a KV write every run.
          const previous = prevGroups.get(key)
          const cached = prevSnapshots.get(key) ?? []
          if (
            previous &&
            ctx.now - previous.listedAt < PBS_RELIST_SECONDS &&
            JSON.stringify(listed) === JSON.stringify(cached)
          ) {
            group.listedAt = previous.listedAt
          }
          snapshots.push(...listed)
          groups.push(group)
        } catch (error) {
          softFail(trouble, error, key)
          // Keep what we knew; an old listedAt makes the next run try this group again.
          const previous = prevGroups.get(key)
          if (previous) groups.push(previous)
          snapshots.push(...(prevSnapshots.get(key) ?? []))
        }
      }),
    ),
  )

  // Stable order so unchanged facts digest the same and skip the KV write.
  const byGroup = (a: PbsGroupFact | PbsSnapshotFact, b: PbsGroupFact | PbsSnapshotFact) => {
    const ka = groupKey(a)
    const kb = groupKey(b)
    return ka < kb ? -1 : ka > kb ? 1 : 0
  }
  groups.sort(byGroup)
  snapshots.sort((a, b) => byGroup(a, b) || a.backupTime - b.backupTime)
  return {
    kind: 'pbs',
    sourceId: ctx.client.sourceId,
    host: ctx.host,
    serverNames: ctx.serverNames,
    collectedAt: ctx.now,
    datastores: datastores.sort((a, b) => a.store.localeCompare(b.store)),
    groups,
    snapshots,
    ...sortedWarnings(trouble),
  }
}
