// PVE cluster-wide endpoints: version, status, nodes, resources, storage config, coverage.
import { notBackedUp } from './generate.ts'
import { checkParams } from './params.ts'
import {
  can,
  type PveContext,
  pbsUnavailable,
  storageEnabledOn,
  storageUsed,
} from './pve-context.ts'
import { fail, ok } from './respond.ts'
import type { Route } from './router.ts'
import type { Guest, PveCluster, PveNode, PveStorage } from './types.ts'

const NETWORK_TYPES = ['nfs', 'cifs', 'pbs']

function nodeStatus(ctx: PveContext, n: PveNode): Record<string, unknown> {
  const base = {
    node: n.name,
    id: `node/${n.name}`,
    type: 'node',
    maxcpu: n.maxcpu,
    maxmem: n.maxmem,
    maxdisk: n.maxdisk,
    level: '',
    ssl_fingerprint: n.sslFingerprint,
  }
  if (ctx.offline.has(n.name)) return { ...base, status: 'offline' }
  return {
    ...base,
    status: 'online',
    uptime: n.uptime,
    cpu: ((n.nodeid * 17) % 90) / 1000,
    mem: Math.floor(n.maxmem * 0.41),
    disk: Math.floor(n.maxdisk * 0.21),
  }
}

function guestResource(ctx: PveContext, g: Guest): Record<string, unknown> {
  const base = {
    id: `${g.type}/${g.vmid}`,
    vmid: g.vmid,
    type: g.type,
    node: g.node,
    // PVE takes the pool from user.cfg, not from the node: it is there while the node is down.
    ...(g.pool ? { pool: g.pool } : {}),
  }
  if (ctx.offline.has(g.node) || g.status === 'unknown') return { ...base, status: 'unknown' }
  const running = g.status === 'running'
  const out: Record<string, unknown> = {
    ...base,
    status: g.status,
    name: g.name,
    template: g.template ?? 0,
    uptime: running ? g.uptime : 0,
    maxcpu: g.maxcpu,
    cpu: running ? ((g.vmid * 37) % 100) / 1000 : 0,
    maxmem: g.maxmem,
    mem: running ? Math.floor(g.maxmem * 0.3) : 0,
    maxdisk: g.maxdisk,
    disk: g.type === 'lxc' ? Math.floor(g.maxdisk * 0.4) : 0,
    netin: running ? g.vmid * 100003 : 0,
    netout: running ? g.vmid * 50021 : 0,
    diskread: running ? g.vmid * 1000003 : 0,
    diskwrite: running ? g.vmid * 700001 : 0,
  }
  if (g.tags) out.tags = g.tags
  if (g.lock) out.lock = g.lock
  return out
}

/** `type: "pool"` entries (each listed with Pool.Audit on it; the lab's tokens have it). */
function poolResources(ctx: PveContext): Record<string, unknown>[] {
  return ctx.cluster.pools.map((pool) => ({ id: `/pool/${pool}`, pool, type: 'pool' }))
}

/**
 * One entry per node a storage is enabled on (PVE::Storage::storage_check_enabled). `status` is
 * "available" only while the node's pvestatd broadcasts recent usage for it, which it does for
 * active storages only: an offline node's storages, or a PBS storage whose datastore is down,
 * are "unknown" and have no disk figures (PVE::API2Tools::extract_storage_stats).
 */
function storageResources(ctx: PveContext): Record<string, unknown>[] {
  return ctx.cluster.nodes.flatMap((n) =>
    ctx.cluster.storages
      // Listed only with Datastore.Audit on the storage (PVE::API2::Cluster resources).
      .filter(
        (s) => storageEnabledOn(s, n.name) && can(ctx, `/storage/${s.storage}`, 'Datastore.Audit'),
      )
      .map((s) => {
        const up = !ctx.offline.has(n.name) && !pbsUnavailable(ctx, s)
        return {
          id: `storage/${n.name}/${s.storage}`,
          storage: s.storage,
          node: n.name,
          type: 'storage',
          plugintype: s.type,
          shared: NETWORK_TYPES.includes(s.type) || s.shared ? 1 : 0,
          content: s.content,
          status: up ? 'available' : 'unknown',
          ...(up ? { disk: storageUsed(ctx, s), maxdisk: s.total } : {}),
        }
      }),
  )
}

export function storageConfig(cluster: PveCluster, s: PveStorage): Record<string, unknown> {
  const out: Record<string, unknown> = {
    storage: s.storage,
    type: s.type,
    content: s.content,
    ...s.config,
    digest: cluster.repoid.repeat(3).slice(0, 40),
  }
  if (NETWORK_TYPES.includes(s.type) || s.shared) out.shared = 1
  if (s.nodes) out.nodes = s.nodes.join(',')
  if (s.disable) out.disable = 1
  return out
}

export const pveClusterRoutes: Route<PveContext>[] = [
  {
    pattern: '/version',
    handle: (ctx) =>
      ok(
        ctx.cluster.jobShape === '8.x'
          ? { version: '8.4.14', release: '8.4', repoid: ctx.cluster.repoid }
          : { version: '9.2.0', release: '9.2', repoid: ctx.cluster.repoid },
      ),
  },
  {
    pattern: '/cluster/status',
    handle: (ctx) => {
      const online = ctx.cluster.nodes.filter((n) => !ctx.offline.has(n.name))
      const local = online[0]?.name
      return ok([
        {
          type: 'cluster',
          id: 'cluster',
          name: ctx.cluster.name,
          nodes: ctx.cluster.nodes.length,
          version: ctx.cluster.configVersion,
          quorate: online.length * 2 > ctx.cluster.nodes.length ? 1 : 0,
        },
        ...ctx.cluster.nodes.map((n) => ({
          type: 'node',
          id: `node/${n.name}`,
          name: n.name,
          nodeid: n.nodeid,
          local: n.name === local ? 1 : 0,
          online: ctx.offline.has(n.name) ? 0 : 1,
          ip: n.ip,
          level: '',
        })),
      ])
    },
  },
  { pattern: '/nodes', handle: (ctx) => ok(ctx.cluster.nodes.map((n) => nodeStatus(ctx, n))) },
  {
    pattern: '/cluster/resources',
    handle: (ctx, _p, query) => {
      const errors = checkParams(query, {
        type: { type: 'string', enum: ['vm', 'storage', 'node', 'sdn'] },
      })
      if (errors) return fail(400, 'Parameter verification failed.', errors)
      const type = query.get('type')
      const out: Record<string, unknown>[] = []
      if (!type || type === 'node')
        out.push(
          ...ctx.cluster.nodes
            .map((n) => nodeStatus(ctx, n))
            .map(({ ssl_fingerprint: _f, ...n }) => ({ ...n, id: `node/${n.node}` })),
        )
      if (!type || type === 'storage') out.push(...storageResources(ctx))
      if (!type || type === 'vm')
        out.push(
          ...ctx.cluster.guests
            .filter((g) => can(ctx, `/vms/${g.vmid}`, 'VM.Audit'))
            .map((g) => guestResource(ctx, g)),
        )
      if (!type) out.push(...poolResources(ctx))
      return ok(out)
    },
  },
  {
    pattern: '/storage',
    handle: (ctx, _p, query) => {
      const errors = checkParams(query, {
        type: {
          type: 'string',
          enum: [
            'btrfs',
            'cephfs',
            'cifs',
            'dir',
            'esxi',
            'iscsi',
            'iscsidirect',
            'lvm',
            'lvmthin',
            'nfs',
            'pbs',
            'rbd',
            'zfs',
            'zfspool',
          ],
        },
      })
      if (errors) return fail(400, 'Parameter verification failed.', errors)
      const type = query.get('type')
      return ok(
        ctx.cluster.storages
          // Only storages the token has Datastore.Audit or Datastore.AllocateSpace on.
          .filter(
            (s) =>
              (!type || s.type === type) &&
              ['Datastore.Audit', 'Datastore.AllocateSpace'].some((p) =>
                can(ctx, `/storage/${s.storage}`, p),
              ),
          )
          .map((s) => storageConfig(ctx.cluster, s)),
      )
    },
  },
  { pattern: '/cluster/backup-info/not-backed-up', handle: (ctx) => ok(notBackedUp(ctx.cluster)) },
]
