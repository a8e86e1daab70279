// PBS endpoints: version, datastores, namespaces, groups (4.x semantics) and snapshots, then
// usage and jobs (pbs-health-routes.ts).
import { type AclEntry, allows } from './acl.ts'
import type { LabFault } from './faults.ts'
import {
  maintenanceString,
  mountStatus,
  pbsHealthRoutes,
  unavailable,
} from './pbs-health-routes.ts'
import { fail, ok, type RouteResult } from './respond.ts'
import type { Route } from './router.ts'
import type { PbsDatastore, PbsGroup, PbsServer, PbsSnapshot } from './types.ts'

export interface PbsContext {
  server: PbsServer
  faults: readonly LabFault[]
  /** The calling token's ACL (acl.ts). */
  acl: readonly AclEntry[]
}

const storePath = (store: string, ns = '') => `/datastore/${store}${ns ? `/${ns}` : ''}`

/** With Datastore.Audit every group is listed; with Datastore.Backup alone only the token's own. */
function listable(ctx: PbsContext, store: string, ns: string) {
  const audit = allows(ctx.acl, storePath(store, ns), 'Datastore.Audit')
  return (g: PbsGroup) => audit || g.owner === ctx.server.tokenId
}

/** /admin/datastore lists the stores the token has Datastore.Audit or Datastore.Backup on. */
const visibleStore = (ctx: PbsContext, store: string) =>
  ['Datastore.Audit', 'Datastore.Backup'].some((p) => allows(ctx.acl, storePath(store), p))

interface FileEntry {
  filename: string
  size?: number
  'crypt-mode'?: 'none'
}

/** Files of a snapshot; an in-progress one has no manifest (index.json.blob) and no sizes yet. */
export function snapshotFiles(g: PbsGroup, s: PbsSnapshot): FileEntry[] {
  const sized = (filename: string, size: number): FileEntry =>
    s.inProgress ? { filename } : { filename, size, 'crypt-mode': 'none' }
  const files: FileEntry[] =
    g.type === 'vm'
      ? [sized('qemu-server.conf.blob', 512), sized('drive-scsi0.img.fidx', s.diskSize)]
      : g.type === 'ct'
        ? [sized('pct.conf.blob', 400), sized('root.pxar.didx', s.diskSize)]
        : [sized(`${g.id}.pxar.didx`, s.diskSize), sized('catalog.pcat1.didx', 2000)]
  if (s.inProgress) return files
  return [
    ...files,
    sized('index.json.blob', g.type === 'vm' ? 668 : 300),
    { filename: 'client.log.blob' },
  ]
}

function unknownParam(query: URLSearchParams, allowed: string[]): RouteResult | undefined {
  for (const key of query.keys()) {
    if (!allowed.includes(key))
      return fail(
        400,
        `parameter verification failed - '${key}': schema does not allow additional properties.`,
      )
  }
  return undefined
}

function datastore(ctx: PbsContext, store: string): PbsDatastore | RouteResult {
  const ds = ctx.server.datastores.find((d) => d.store === store)
  if (!ds) return fail(400, `no such datastore '${store}'`)
  const refused = unavailable(ctx, ds)
  return refused ? fail(400, refused) : ds
}

function namespaceOf(ds: PbsDatastore, query: URLSearchParams): string | RouteResult {
  const ns = (query.get('ns') ?? '').replace(/^\/+|\/+$/g, '')
  return ds.namespaces.includes(ns) ? ns : fail(400, `namespace '${ns}' does not exist`)
}

function groupItem(g: PbsGroup): Record<string, unknown> {
  // PBS 4.x: last-backup is the newest finished snapshot (a lone unfinished one still counts).
  const finished = g.snapshots.filter((s) => !s.inProgress)
  const last =
    finished[finished.length - 1] ?? (g.snapshots.length === 1 ? g.snapshots[0] : undefined)
  const out: Record<string, unknown> = {
    'backup-type': g.type,
    'backup-id': g.id,
    'last-backup': last?.time ?? 0,
    'backup-count': g.snapshots.length,
    files: last
      ? snapshotFiles(g, last)
          .map((f) => f.filename)
          .sort()
      : [],
    owner: g.owner,
  }
  if (g.comment) out.comment = g.comment
  return out
}

function snapshotItem(g: PbsGroup, s: PbsSnapshot): Record<string, unknown> {
  const out: Record<string, unknown> = {
    'backup-type': g.type,
    'backup-id': g.id,
    'backup-time': s.time,
    files: snapshotFiles(g, s),
  }
  if (s.size !== undefined && !s.inProgress) out.size = s.size
  out.owner = g.owner
  out.protected = s.protected
  if (s.comment && !s.inProgress) out.comment = s.comment
  if (s.verification && !s.inProgress) out.verification = { ...s.verification }
  return out
}

export const pbsRoutes: Route<PbsContext>[] = [
  {
    pattern: '/version',
    handle: (ctx) => ok({ version: '4.2', release: '3', repoid: ctx.server.repoid }),
  },
  {
    pattern: '/admin/datastore',
    handle: (ctx) =>
      ok(
        ctx.server.datastores
          .filter((d) => visibleStore(ctx, d.store))
          .map((d) => {
            const maintenance = maintenanceString(ctx, d)
            return {
              store: d.store,
              comment: d.comment,
              'mount-status': mountStatus(d),
              'backend-type': d.backend ?? 'filesystem',
              ...(maintenance ? { maintenance } : {}),
            }
          }),
      ),
  },
  {
    pattern: '/admin/datastore/{store}/namespace',
    handle: (ctx, { store }, query) => {
      const bad = unknownParam(query, ['parent', 'max-depth'])
      if (bad) return bad
      const ds = datastore(ctx, store as string)
      if ('ok' in ds) return ds
      const parent = (query.get('parent') ?? '').replace(/^\/+|\/+$/g, '')
      if (!ds.namespaces.includes(parent)) return fail(403, 'permission check failed')
      const maxDepth = Number(query.get('max-depth') ?? 7)
      if (!Number.isInteger(maxDepth) || maxDepth < 0 || maxDepth > 7)
        return fail(
          400,
          `parameter verification failed - 'max-depth': value must have a minimum value of 0 and a maximum value of 7`,
        )
      const depth = (ns: string): number => (ns === '' ? 0 : ns.split('/').length)
      const list = ds.namespaces
        .filter(
          (ns) =>
            (parent === '' || ns === parent || ns.startsWith(`${parent}/`)) &&
            depth(ns) - depth(parent) <= maxDepth,
        )
        .sort((a, b) => (a === parent ? -1 : b === parent ? 1 : a < b ? -1 : 1))
      return ok(list.map((ns) => ({ ns })))
    },
  },
  {
    pattern: '/admin/datastore/{store}/groups',
    handle: (ctx, { store }, query) => {
      const bad = unknownParam(query, ['ns'])
      if (bad) return bad
      const ds = datastore(ctx, store as string)
      if ('ok' in ds) return ds
      const ns = namespaceOf(ds, query)
      if (typeof ns !== 'string') return ns
      const mayList = listable(ctx, ds.store, ns)
      return ok(ds.groups.filter((g) => g.ns === ns && mayList(g)).map(groupItem))
    },
  },
  {
    pattern: '/admin/datastore/{store}/snapshots',
    handle: (ctx, { store }, query) => {
      const bad = unknownParam(query, ['ns', 'backup-type', 'backup-id'])
      if (bad) return bad
      const type = query.get('backup-type')
      if (type !== null && !['vm', 'ct', 'host'].includes(type))
        return fail(
          400,
          `parameter verification failed - 'backup-type': value '${type}' is not defined in the enumeration.`,
        )
      const ds = datastore(ctx, store as string)
      if ('ok' in ds) return ds
      const ns = namespaceOf(ds, query)
      if (typeof ns !== 'string') return ns
      const id = query.get('backup-id')
      const mayList = listable(ctx, ds.store, ns)
      const groups = ds.groups.filter(
        (g) =>
          g.ns === ns &&
          mayList(g) &&
          (type === null || g.type === type) &&
          (id === null || g.id === id),
      )
      return ok(groups.flatMap((g) => g.snapshots.map((s) => snapshotItem(g, s))))
    },
  },
  ...pbsHealthRoutes,
]
