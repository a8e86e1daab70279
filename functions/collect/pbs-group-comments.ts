// The comments of PBS backup groups: the first line of a group's notes, where an owner writes
// `no-monitor` to keep a guest out of alerting. Only GET /admin/datastore/{store}/groups?ns=…
// has them (a snapshot's `comment` is that snapshot's notes), one call per namespace. They change
// rarely, so, like the token's permissions, each namespace's answer is kept in the facts and asked
// again once it is an hour old, on a manual refresh (someone who just wrote `no-monitor` wants to
// see it), or on the next run after a call that failed. A failed call keeps the namespace's
// previous comments with a warning; one the budget defers keeps them as they were, for the next
// run to do first.
import type { ProxmoxClient } from '../proxmox/client.ts'
import { isProxmoxError } from '../proxmox/errors.ts'
import { createDrops, itemList, keepFirst, parseItems } from '../proxmox/lenient.ts'
import { PbsGroupSchema } from '../proxmox/pbs-schemas.ts'
import type { PbsGroupCommentsFact } from './facts.ts'
import { deferredFirst, reportDrops, type Trouble } from './trouble.ts'

export const GROUP_COMMENTS_RECHECK_SECONDS = 3600

export const groupsUnit = (store: string, ns: string) => `groups:${store}/${ns}`

export interface GroupCommentsContext {
  client: ProxmoxClient
  now: number
  /** The previous run's answers, every namespace's. */
  previous: readonly PbsGroupCommentsFact[] | undefined
  /** The previous run's deferred units: their namespaces are asked first. */
  deferred: readonly string[] | undefined
  /** Ask every namespace again whatever the age of its answer (a manual refresh). */
  recheck?: boolean
}

export interface Place {
  store: string
  ns: string
}

const at =
  ({ store, ns }: Place) =>
  (f: PbsGroupCommentsFact) =>
    f.datastore === store && f.namespace === ns

/** Whether the namespace's comments are to be asked this run. */
export function commentsDue(
  previous: PbsGroupCommentsFact | undefined,
  now: number,
  recheck = false,
): boolean {
  if (recheck || !previous || previous.error !== undefined) return true
  return now - previous.checkedAt >= GROUP_COMMENTS_RECHECK_SECONDS || previous.checkedAt > now
}

/** `store1` or `store1/ns`, as the warnings name a place. */
const placeName = ({ store, ns }: Place) => (ns === '' ? store : `${store}/${ns}`)

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

async function ask(
  ctx: GroupCommentsContext,
  { store, ns }: Place,
  trouble: Trouble,
): Promise<PbsGroupCommentsFact> {
  const raw = await ctx.client.get(
    `/admin/datastore/${encodeURIComponent(store)}/groups`,
    itemList,
    ns ? { ns } : {},
  )
  const place = placeName({ store, ns })
  const drops = createDrops()
  // Host backups are no guest's: their comments exclude nothing.
  const guests = raw.filter(
    (item) =>
      !(
        typeof item === 'object' &&
        item !== null &&
        'backup-type' in item &&
        item['backup-type'] === 'host'
      ),
  )
  const items = parseItems(guests, PbsGroupSchema, drops).items
  const unique = keepFirst(
    items,
    (g) => `${g['backup-type']}/${g['backup-id']}`,
    drops,
    'duplicate group',
  )
  reportDrops(trouble, drops, `groups in ${place}`)
  const groups = unique.flatMap((g) => {
    const comment = g.comment?.trim() ?? ''
    if (comment === '' || g['backup-type'] === 'host') return []
    return [{ backupType: g['backup-type'], backupId: g['backup-id'], comment }]
  })
  groups.sort(
    (a, b) => compareText(a.backupType, b.backupType) || compareText(a.backupId, b.backupId),
  )
  return { datastore: store, namespace: ns, checkedAt: ctx.now, groups }
}

/**
 * Each place's comments, asked now or carried (sorted by datastore, then namespace). A place
 * whose call the budget refused keeps its previous entry (none if it had none) and is deferred.
 */
export async function readGroupComments(
  ctx: GroupCommentsContext,
  places: readonly Place[],
  trouble: Trouble,
): Promise<PbsGroupCommentsFact[]> {
  const ordered = deferredFirst([...places], (p) => groupsUnit(p.store, p.ns), ctx.deferred)
  const entries = await Promise.all(
    ordered.map(async (place): Promise<PbsGroupCommentsFact | undefined> => {
      const before = ctx.previous?.find(at(place))
      if (!commentsDue(before, ctx.now, ctx.recheck)) return before
      try {
        return await ask(ctx, place, trouble)
      } catch (error) {
        if (!isProxmoxError(error)) throw error
        // Deferred: as it was, done first next run.
        if (error.kind === 'budget') {
          trouble.deferred.push(groupsUnit(place.store, place.ns))
          return before
        }
        // Failed: the comments read before stand (no exclusion silently lost), asked again.
        const { message } = error
        trouble.warnings.push(
          `${message}; the group comments of ${placeName(place)} are the ones read before`,
        )
        return {
          datastore: place.store,
          namespace: place.ns,
          checkedAt: before?.checkedAt ?? ctx.now,
          groups: before?.groups ?? [],
          error: message,
        }
      }
    }),
  )
  return sortComments(entries.filter((e) => e !== undefined))
}

export function sortComments(entries: readonly PbsGroupCommentsFact[]): PbsGroupCommentsFact[] {
  return [...entries].sort(
    (a, b) => compareText(a.datastore, b.datastore) || compareText(a.namespace, b.namespace),
  )
}
