// PVE per-node storage status and backup content listings (dir/nfs archives, pbs-type storages).
import { boolParam, checkParams, intParam } from './params.ts'
import {
  can,
  findNode,
  type PveContext,
  pbsUnavailable,
  storageEnabledOn,
  storageUsed,
  unknownNode,
} from './pve-context.ts'
import { fail, ok, type RouteResult } from './respond.ts'
import type { Route } from './router.ts'
import { volidOf } from './scenario-backups.ts'
import { parseVzdumpStamp, utcStamp } from './time-zone.ts'
import type { PbsServer, PveStorage, VzdumpArchive } from './types.ts'

const CONTENT_TYPES = ['images', 'rootdir', 'vztmpl', 'iso', 'backup', 'snippets', 'import']

function byVolid(a: Record<string, unknown>, b: Record<string, unknown>): number {
  const x = String(a.volid).toLowerCase()
  const y = String(b.volid).toLowerCase()
  return x < y ? -1 : x > y ? 1 : 0
}

function storageStatus(ctx: PveContext, s: PveStorage, node: string): Record<string, unknown> {
  const enabled = storageEnabledOn(s, node)
  const active = enabled && !pbsUnavailable(ctx, s)
  const total = active ? s.total : 0
  const used = active ? storageUsed(ctx, s) : 0
  const out: Record<string, unknown> = {
    storage: s.storage,
    type: s.type,
    content: s.content,
    shared: s.shared,
    active: active ? 1 : 0,
    enabled: enabled ? 1 : 0,
    total,
    used,
    avail: total - used,
  }
  if (total > 0) out.used_fraction = Math.round((used / total) * 10000) / 10000
  return out
}

// Name formatting and parsing go through Intl; large labs list thousands of archives per call.
const nameCache = new WeakMap<VzdumpArchive, Map<string, { volid: string; ctime: number }>>()

function nameAndCtime(a: VzdumpArchive, tz: string): { volid: string; ctime: number } {
  let perTz = nameCache.get(a)
  if (!perTz) {
    perTz = new Map()
    nameCache.set(a, perTz)
  }
  let hit = perTz.get(tz)
  if (!hit) {
    const volid = volidOf(a)
    const stamp = /-(\d{4}_\d{2}_\d{2}-\d{2}_\d{2}_\d{2})\./.exec(volid)?.[1] ?? ''
    hit = { volid, ctime: parseVzdumpStamp(stamp, tz) ?? a.time }
    perTz.set(tz, hit)
  }
  return hit
}

/** ctime of a dir/nfs archive is re-derived from its local-time name in the listing node's zone. */
function dirContent(
  ctx: PveContext,
  s: PveStorage,
  node: string,
  vmid: number | undefined,
): Record<string, unknown>[] {
  const tz = findNode(ctx, node)?.timeZone ?? 'UTC'
  return ctx.cluster.archives
    .filter(
      (a) =>
        a.storage === s.storage &&
        (s.shared || a.node === node) &&
        (vmid === undefined || a.vmid === vmid),
    )
    .map((a) => {
      const { volid, ctime } = nameAndCtime(a, tz)
      const item: Record<string, unknown> = {
        volid,
        content: 'backup',
        format: a.type === 'qemu' ? 'vma.zst' : 'tar.zst',
        subtype: a.type,
        vmid: a.vmid,
        ctime,
        size: a.size,
      }
      if (a.notes) item.notes = a.notes
      if (a.protected) item.protected = 1
      return item
    })
}

function pbsContent(
  ctx: PveContext,
  s: PveStorage,
  vmid: number | undefined,
): Record<string, unknown>[] | RouteResult {
  const target = s.pbs
  if (!target) return []
  const down = pbsUnavailable(ctx, s)
  if (down) return fail(500, `error listing snapshots - 400 Bad Request: ${down}`)
  const server = ctx.model.pbs.find((p: PbsServer) => p.id === target.source)
  const ds = server?.datastores.find((d) => d.store === target.datastore)
  if (!ds)
    return fail(
      500,
      `error listing snapshots - 400 Bad Request: no such datastore '${target.datastore}'`,
    )
  const out: Record<string, unknown>[] = []
  for (const g of ds.groups) {
    // Only vm/ct groups with numeric ids in exactly the configured namespace.
    if (g.ns !== target.namespace || g.type === 'host' || !/^[1-9][0-9]{2,8}$/.test(g.id)) continue
    if (vmid !== undefined && Number(g.id) !== vmid) continue
    for (const snap of g.snapshots) {
      const item: Record<string, unknown> = {
        volid: `${s.storage}:backup/${g.type}/${g.id}/${utcStamp(snap.time)}`,
        content: 'backup',
        format: g.type === 'vm' ? 'pbs-vm' : 'pbs-ct',
        subtype: g.type === 'vm' ? 'qemu' : 'lxc',
        vmid: Number(g.id),
        ctime: snap.time,
        size: snap.size ?? 1,
      }
      if (snap.comment) item.notes = snap.comment
      if (snap.protected) item.protected = 1
      if (snap.verification) item.verification = { ...snap.verification }
      out.push(item)
    }
  }
  return out
}

export const pveStorageRoutes: Route<PveContext>[] = [
  {
    pattern: '/nodes/{node}/storage',
    handle: (ctx, { node }, query) => {
      const errors = checkParams(query, {
        content: { type: 'string', list: CONTENT_TYPES },
        enabled: { type: 'boolean' },
        format: { type: 'boolean' },
        storage: { type: 'string' },
        target: { type: 'string' },
      })
      if (errors) return fail(400, 'Parameter verification failed.', errors)
      if (!findNode(ctx, node as string)) return unknownNode(node as string)
      const wanted = query
        .get('content')
        ?.split(/[,;\s]+/)
        .filter(Boolean)
      const only = query.get('storage')
      const items = ctx.cluster.storages
        .filter((s) => !only || s.storage === only)
        .map((s) => storageStatus(ctx, s, node as string))
        .filter((s) => !boolParam(query, 'enabled') || s.enabled === 1)
        // With a content filter PVE skips storages that are disabled or not active on the node.
        .filter(
          (s) =>
            !wanted ||
            (s.enabled === 1 &&
              s.active === 1 &&
              String(s.content)
                .split(',')
                .some((c) => wanted.includes(c))),
        )
      return ok(items)
    },
  },
  {
    pattern: '/nodes/{node}/storage/{storage}/content',
    handle: (ctx, { node, storage }, query) => {
      const errors = checkParams(query, {
        content: { type: 'string', enum: CONTENT_TYPES },
        vmid: { type: 'integer' },
      })
      if (errors) return fail(400, 'Parameter verification failed.', errors)
      if (!findNode(ctx, node as string)) return unknownNode(node as string)
      const s = ctx.cluster.storages.find((x) => x.storage === storage)
      if (!s) return fail(500, `storage '${storage}' does not exist`)
      if (s.disable) return fail(500, `storage '${storage}' is disabled`)
      if (!storageEnabledOn(s, node as string))
        return fail(500, `storage '${storage}' is not available on node '${node}'`)
      const content = query.get('content')
      if (content && content !== 'backup') return ok([])
      const vmid = intParam(query, 'vmid')
      const items =
        s.type === 'pbs' ? pbsContent(ctx, s, vmid) : dirContent(ctx, s, node as string, vmid)
      if (!Array.isArray(items)) return items
      // pve-storage check_volume_access: a token without Datastore.Allocate sees a backup only
      // with Datastore.AllocateSpace and VM.Backup on its guest; the rest is silently dropped
      // (an Audit-only token passes the storage check and gets an empty list).
      const path = `/storage/${s.storage}`
      const visible = (item: Record<string, unknown>) =>
        can(ctx, path, 'Datastore.Allocate') ||
        (can(ctx, path, 'Datastore.AllocateSpace') && can(ctx, `/vms/${item.vmid}`, 'VM.Backup'))
      return ok(items.filter(visible).sort(byVolid))
    },
  },
]
