// Collects one PVE cluster into PveFacts: guests, storages, backup archives (each shared
// storage listed once, each local storage on its own node), guest snapshots and vzdump tasks.
// A node or storage that fails keeps its previous facts and adds a warning; only a failure of
// the cluster-wide calls fails the whole source.
import type * as z from 'zod'
import { itemList, parseItems } from '../proxmox/lenient.ts'
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
import { softFail, type Trouble } from './trouble.ts'

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
  const { items, dropped } = parseItems(raw, PveResourceGuestSchema)
  if (dropped > 0)
    trouble.warnings.push(`dropped ${dropped} malformed guest(s) from /cluster/resources`)
  return items.map((item) => ({
    vmid: item.vmid,
    type: item.type,
    node: item.node,
    status: item.status,
    template: item.template ?? false,
    ...(item.name !== undefined ? { name: item.name } : {}),
    ...(item.lock !== undefined ? { lock: item.lock } : {}),
  }))
}

async function readNotBackedUp(ctx: PveCollectContext, trouble: Trouble) {
  try {
    const raw = await ctx.client.get('/cluster/backup-info/not-backed-up', itemList)
    return parseItems(raw, PveNotBackedUpSchema).items
  } catch (error) {
    softFail(trouble, error, 'not-backed-up')
    return null
  }
}

/** Which backup-capable storages are active on each online node. */
async function readNodeStorages(ctx: PveCollectContext, nodes: string[], trouble: Trouble) {
  const byNode = new Map<string, Set<string>>()
  const failedNodes = new Set<string>()
  await Promise.all(
    nodes.map((node) =>
      ctx.limit(async () => {
        try {
          const raw = await ctx.client.get(`${nodePath(node)}/storage`, itemList, {
            content: 'backup',
          })
          const active = parseItems(raw, PveNodeStorageSchema)
            .items.filter((s) => s.active !== false && s.enabled !== false)
            .map((s) => s.storage)
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

export async function collectPve(ctx: PveCollectContext): Promise<PveFacts> {
  const trouble: Trouble = { warnings: [], deferred: [] }
  const [statusRaw, guests, storageRaw, notBackedUp] = await Promise.all([
    ctx.client.get('/cluster/status', itemList),
    readGuests(ctx, trouble),
    ctx.client.get('/storage', itemList),
    readNotBackedUp(ctx, trouble),
  ])
  const status = parseItems(statusRaw, PveClusterStatusItemSchema).items
  const clusterName = status.find((item) => item.type === 'cluster')?.name
  const nodes = status
    .filter((item) => item.type === 'node' && item.name)
    .map((item) => ({ name: item.name ?? '', online: item.online ?? false }))
  const storages = parseItems(storageRaw, PveStorageConfigSchema)
    .items.filter((s) => s.content.split(',').includes('backup') && !s.disable)
    .map(toStorageFact)

  const online = nodes.filter((n) => n.online).map((n) => n.name)
  for (const node of nodes) if (!node.online) trouble.warnings.push(`node ${node.name} is offline`)
  const nodeStorages = await readNodeStorages(ctx, online, trouble)
  const reachable = new Set(online.filter((node) => !nodeStorages.failedNodes.has(node)))
  const layout = {
    storages,
    nodes: nodes.map((n) => n.name),
    reachable,
    activeByNode: nodeStorages.byNode,
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
    nodes,
    guests,
    storages,
    backups,
    snapshots,
    tasks,
    notBackedUp,
    ...trouble,
  }
}
