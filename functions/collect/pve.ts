// Collects one PVE cluster into PveFacts: guests, storages, backup archives (each shared
// storage listed once, each local storage on its own node), guest snapshots and vzdump tasks.
// A node or storage that fails keeps its previous facts and adds a warning; only a failure of
// the cluster-wide calls fails the whole source.
import type * as z from 'zod'
import { ProxmoxError } from '../proxmox/errors.ts'
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
  PveNodeStorageSchema,
  PveNotBackedUpSchema,
  PveResourceGuestSchema,
  PveStorageConfigSchema,
} from '../proxmox/pve-schemas.ts'
import type { PveFacts, PveGuestFact, PveStorageFact } from './facts.ts'
import { collectPveBackups } from './pve-backups.ts'
import { nodePath, type PveCollectContext } from './pve-context.ts'
import { collectPveSnapshots } from './pve-snapshots.ts'
import { collectPveTasks } from './pve-tasks.ts'
import { priorityFirst, reportDrops, softFail, sortedWarnings, type Trouble } from './trouble.ts'

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

async function readGuests(ctx: PveCollectContext, trouble: Trouble): Promise<PveGuestFact[]> {
  const raw = await ctx.client.get('/cluster/resources', itemList, { type: 'vm' })
  const drops = createDrops()
  const parsed = parseItems(raw, PveResourceGuestSchema, drops).items
  const items = keepFirst(parsed, (g) => String(g.vmid), drops, 'duplicate vmid')
  reportDrops(trouble, drops, 'guests in /cluster/resources')
  // PVE names no guest of an offline node (status "unknown"). The last known name keeps the
  // guest recognisable, and keeps PBS snapshots that were attributed by name where they were.
  const known = new Map((ctx.previous?.guests ?? []).map((g) => [`${g.type}/${g.vmid}`, g.name]))
  return items.map((item) => {
    const name = item.name ?? known.get(`${item.type}/${item.vmid}`)
    return {
      vmid: item.vmid,
      type: item.type,
      node: item.node,
      status: item.status,
      template: item.template ?? false,
      ...(name !== undefined ? { name } : {}),
      ...(item.lock !== undefined ? { lock: item.lock } : {}),
    }
  })
}

async function readNotBackedUp(ctx: PveCollectContext, trouble: Trouble) {
  try {
    const raw = await ctx.client.get('/cluster/backup-info/not-backed-up', itemList)
    const drops = createDrops()
    const parsed = parseItems(raw, PveNotBackedUpSchema, drops).items
    const items = keepFirst(parsed, (g) => String(g.vmid), drops, 'duplicate vmid')
    reportDrops(trouble, drops, 'guests in /cluster/backup-info/not-backed-up')
    return items.map((item) => ({ vmid: item.vmid, type: item.type }))
  } catch (error) {
    softFail(trouble, error, 'not-backed-up')
    return null
  }
}

/** Which backup-capable storages are active on each online node. */
async function readNodeStorages(ctx: PveCollectContext, nodes: string[], trouble: Trouble) {
  const byNode = new Map<string, Set<string>>()
  const failedNodes = new Set<string>()
  // All are queued at once and started in order, so the priority node's call goes out first.
  await Promise.all(
    priorityFirst(nodes, (node) => node === ctx.priorityNode).map((node) =>
      ctx.limit(async () => {
        try {
          const raw = await ctx.client.get(`${nodePath(node)}/storage`, itemList, {
            content: 'backup',
          })
          const drops = createDrops()
          const active = parseItems(raw, PveNodeStorageSchema, drops)
            .items.filter((s) => s.active !== false && s.enabled !== false)
            .map((s) => s.storage)
          reportDrops(trouble, drops, `storages of node ${node}`)
          byNode.set(node, new Set(active))
        } catch (error) {
          softFail(trouble, error, `storages:${node}`)
          failedNodes.add(node)
        }
      }),
    ),
  )
  return { byNode, failedNodes }
}

/** Guests whose latest backup job is worth a task-log read, by current node. */
function wantedJobs(guests: PveGuestFact[], notBackedUp: { vmid: number }[] | null) {
  const uncovered = new Set((notBackedUp ?? []).map((g) => g.vmid))
  const wanted = new Map<string, Set<number>>()
  for (const guest of guests) {
    if (guest.template || uncovered.has(guest.vmid)) continue
    const set = wanted.get(guest.node) ?? new Set<number>()
    set.add(guest.vmid)
    wanted.set(guest.node, set)
  }
  return wanted
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

export async function collectPve(ctx: PveCollectContext): Promise<PveFacts> {
  const trouble: Trouble = { warnings: [], deferred: [] }
  const [statusRaw, guests, storageRaw, notBackedUp] = await Promise.all([
    ctx.client.get('/cluster/status', itemList),
    readGuests(ctx, trouble),
    ctx.client.get('/storage', itemList),
    readNotBackedUp(ctx, trouble),
  ])
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
  const nodeStorages = await readNodeStorages(ctx, online, trouble)
  const reachable = new Set(online.filter((node) => !nodeStorages.failedNodes.has(node)))
  const layout = {
    storages,
    nodes: [...nodes, ...unread].map((n) => n.name),
    reachable,
    activeByNode: nodeStorages.byNode,
    restrictedTo,
  }

  const [backups, snapshots, tasks] = await Promise.all([
    collectPveBackups(ctx, layout, trouble),
    collectPveSnapshots(ctx, guests, reachable, trouble),
    collectPveTasks(ctx, layout, trouble, wantedJobs(guests, notBackedUp)),
  ])
  // PVE silently drops backup volumes the token may not access and answers 200 with an empty
  // list (proxmox-api.md §0.2): successful vzdump runs with no archive in sight mean exactly that.
  if (backups.length === 0 && tasks.some((t) => t.outcome === 'ok')) {
    trouble.warnings.push(
      'PVE lists no backups although vzdump jobs succeeded: the API token most likely lacks ' +
        'Datastore.AllocateSpace + VM.Backup (or Datastore.Allocate) on the backup storages',
    )
  }

  // Concurrent listings finish in any order; a stable order keeps unchanged facts byte-identical,
  // which is what lets the store skip the KV write.
  backups.sort(
    (a, b) => compare(a.storage, b.storage) || compare(a.node, b.node) || compare(a.volid, b.volid),
  )
  snapshots.sort(
    (a, b) => a.vmid - b.vmid || compare(a.guestType, b.guestType) || compare(a.name, b.name),
  )
  return {
    kind: 'pve',
    sourceId: ctx.client.sourceId,
    ...(clusterName ? { clusterName } : {}),
    collectedAt: ctx.now,
    nodes: [...nodes, ...unread.map((n) => ({ name: n.name, online: false }))],
    guests,
    storages,
    backups,
    snapshots,
    tasks,
    notBackedUp,
    ...sortedWarnings(trouble),
  }
}
