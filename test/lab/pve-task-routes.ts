// PVE guest snapshots and vzdump tasks (list, log, status) of one node.
import { boolParam, checkParams, intParam } from './params.ts'
import { createRng } from './prng.ts'
import { findNode, type PveContext, unknownNode } from './pve-context.ts'
import { fail, ok, type RouteResult } from './respond.ts'
import type { Route } from './router.ts'
import { logStamp } from './time-zone.ts'
import type { GuestType, PveTask } from './types.ts'
import { parsePveUpid } from './upid.ts'

const duration = (s: number): string =>
  [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':')

export function renderTaskLog(ctx: PveContext, task: PveTask): string[] {
  const tz = findNode(ctx, task.node)?.timeZone ?? 'UTC'
  const lines = [`INFO: starting new backup job: ${task.command}`]
  for (const g of task.guests) {
    const guest = ctx.cluster.guests.find((x) => x.vmid === g.vmid)
    lines.push(
      `INFO: Starting Backup of VM ${g.vmid} (${g.type})`,
      `INFO: Backup started at ${logStamp(g.start, tz)}`,
    )
    lines.push(`INFO: status = ${guest?.status === 'running' ? 'running' : 'stopped'}`)
    if (guest?.name) lines.push(`INFO: ${g.type === 'qemu' ? 'VM' : 'CT'} Name: ${guest.name}`)
    lines.push(
      g.pbs
        ? `INFO: creating Proxmox Backup Server archive '${g.archive}'`
        : `INFO: creating vzdump archive '${g.archive}'`,
    )
    if (g.error) lines.push(`ERROR: Backup of VM ${g.vmid} failed - ${g.error}`)
    else if (g.end !== undefined) {
      lines.push(
        `INFO: Finished Backup of VM ${g.vmid} (${duration(g.end - g.start)})`,
        `INFO: Backup finished at ${logStamp(g.end, tz)}`,
      )
    }
  }
  if (task.status !== undefined) {
    const good = task.status === 'OK'
    lines.push(
      good ? 'INFO: Backup job finished successfully' : 'INFO: Backup job finished with errors',
    )
    lines.push(good ? 'TASK OK' : `TASK ERROR: ${task.status}`)
  }
  return lines
}

function statusClass(status: string): string {
  if (status === 'OK') return 'ok'
  if (status.startsWith('WARNINGS')) return 'warning'
  if (status === '' || status === 'unexpected status') return 'unknown'
  return 'error'
}

/**
 * How many finished tasks a node keeps in its `active` list next to the running ones
 * (PVE::RESTEnvironment::active_workers). pvestatd broadcasts that list to the cluster every
 * 10 s (PVE::Cluster::broadcast_tasklist, which also drops the oldest entries above the
 * status-size limit of pmxcfs); GET /cluster/tasks returns the lists of every node.
 */
export const CLUSTER_TASKS_FINISHED_PER_NODE = 25

/** What one node contributes to /cluster/tasks: every running task and the newest finished ones. */
export function clusterTaskWindow(tasks: readonly PveTask[], node: string): PveTask[] {
  const own = tasks.filter((t) => t.node === node).sort((a, b) => b.starttime - a.starttime)
  const finished = own
    .filter((t) => t.status !== undefined)
    .slice(0, CLUSTER_TASKS_FINISHED_PER_NODE)
  return own.filter((t) => t.status === undefined || finished.includes(t))
}

function taskItem(t: PveTask, running: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    upid: t.upid,
    node: t.node,
    pid: t.pid,
    pstart: t.pstart,
    starttime: t.starttime,
    type: 'vzdump',
    id: t.id,
    user: t.user,
  }
  if (t.tokenid) out.tokenid = t.tokenid
  if (t.endtime !== undefined) out.endtime = t.endtime
  out.status = running ? 'RUNNING' : t.status
  return out
}

function snapshotRoute(type: GuestType): Route<PveContext> {
  return {
    pattern: `/nodes/{node}/${type}/{vmid}/snapshot`,
    handle: (ctx, { node, vmid }, query) => {
      const errors = checkParams(query, {})
      if (!/^[1-9]\d{2,8}$/.test(vmid as string))
        return fail(400, 'Parameter verification failed.', {
          vmid: `invalid format - value does not look like a valid VM ID`,
        })
      if (errors) return fail(400, 'Parameter verification failed.', errors)
      if (!findNode(ctx, node as string)) return unknownNode(node as string)
      const guest = ctx.cluster.guests.find(
        (g) => g.vmid === Number(vmid) && g.type === type && g.node === node,
      )
      if (!guest)
        return fail(
          500,
          `Configuration file 'nodes/${node}/${type === 'qemu' ? 'qemu-server' : 'lxc'}/${vmid}.conf' does not exist`,
        )
      // Real snapshots come in hash order; `current` (no snaptime, no vmstate) is always last.
      const shuffled = createRng(ctx.model.seed, `snapshots:${ctx.cluster.name}:${vmid}`).shuffle(
        guest.snapshots,
      )
      const current: Record<string, unknown> = {
        name: 'current',
        digest: guest.digest,
        running: guest.status === 'running' ? 1 : 0,
        description: 'You are here!',
      }
      if (guest.currentParent) current.parent = guest.currentParent
      return ok([...shuffled.map((s) => ({ ...s })), current])
    },
  }
}

function findTask(ctx: PveContext, node: string, upid: string): PveTask | RouteResult {
  if (!parsePveUpid(upid))
    return fail(400, 'Parameter verification failed.', {
      upid: `unable to parse worker upid '${upid}'`,
    })
  const task = ctx.cluster.tasks.find((t) => t.upid === upid && t.node === node)
  return task ?? fail(500, `no such task '${upid}'`)
}

export const pveTaskRoutes: Route<PveContext>[] = [
  snapshotRoute('qemu'),
  snapshotRoute('lxc'),
  {
    // "List recent tasks (cluster wide)": no parameters at all, every task type (the lab has
    // only vzdump tasks), each node's broadcast list in node order, newest first within a node.
    // Running tasks carry neither `endtime` nor `status` here (unlike source=active, which
    // says "RUNNING"). A node that is down broadcasts nothing new: the list pmxcfs holds for it
    // is the last one it sent, which the lab serves as it was.
    pattern: '/cluster/tasks',
    handle: (ctx, _p, query) => {
      const errors = checkParams(query, {})
      if (errors) return fail(400, 'Parameter verification failed.', errors)
      return ok(
        ctx.cluster.nodes.flatMap((n) =>
          clusterTaskWindow(ctx.cluster.tasks, n.name).map((t) => {
            const item = taskItem(t, false)
            if (t.status === undefined) delete item.status
            return item
          }),
        ),
      )
    },
  },
  {
    pattern: '/nodes/{node}/tasks',
    handle: (ctx, { node }, query) => {
      const errors = checkParams(query, {
        errors: { type: 'boolean' },
        limit: { type: 'integer' },
        since: { type: 'integer' },
        until: { type: 'integer' },
        source: { type: 'string', enum: ['archive', 'active', 'all'] },
        start: { type: 'integer' },
        statusfilter: { type: 'string', list: ['ok', 'warning', 'error', 'unknown'] },
        typefilter: { type: 'string' },
        userfilter: { type: 'string' },
        vmid: { type: 'integer' },
      })
      if (errors) return fail(400, 'Parameter verification failed.', errors)
      if (!findNode(ctx, node as string)) return unknownNode(node as string)
      const source = query.get('source') ?? 'archive'
      const typefilter = query.get('typefilter')
      const vmid = query.get('vmid')
      const since = intParam(query, 'since')
      const until = intParam(query, 'until')
      const userfilter = query.get('userfilter')
      const statuses = query
        .get('statusfilter')
        ?.split(/[,;\s]+/)
        .filter(Boolean)
      const onlyErrors = boolParam(query, 'errors')
      const matches = ctx.cluster.tasks.filter((t) => {
        const running = t.status === undefined
        if (running ? source === 'archive' : source === 'active') return false
        if (typefilter && typefilter !== 'vzdump') return false
        if (vmid !== null && t.id !== vmid) return false
        if (since !== undefined && t.starttime < since) return false
        if (until !== undefined && t.starttime > until) return false
        if (userfilter && !t.user.includes(userfilter)) return false
        if (statuses && (running || !statuses.includes(statusClass(t.status ?? '')))) return false
        if (onlyErrors && (running || t.status === 'OK')) return false
        return t.node === node
      })
      const start = intParam(query, 'start') ?? 0
      const limit = intParam(query, 'limit') ?? 50
      const page = matches
        .slice(start, start + limit)
        .map((t) => taskItem(t, t.status === undefined))
      return ok(page, { total: matches.length })
    },
  },
  {
    pattern: '/nodes/{node}/tasks/{upid}/log',
    handle: (ctx, { node, upid }, query) => {
      const errors = checkParams(query, {
        start: { type: 'integer' },
        limit: { type: 'integer' },
        download: { type: 'boolean' },
      })
      if (errors) return fail(400, 'Parameter verification failed.', errors)
      if (!findNode(ctx, node as string)) return unknownNode(node as string)
      if (!parsePveUpid(upid as string))
        return fail(400, 'Parameter verification failed.', {
          upid: `unable to parse worker upid '${upid}'`,
        })
      const task = ctx.cluster.tasks.find((t) => t.upid === upid && t.node === node)
      // PVE answers 200 with a one-line log when the task file does not exist.
      const lines = task
        ? renderTaskLog(ctx, task)
        : ['unable to open file - No such file or directory']
      const start = intParam(query, 'start') ?? 0
      const limit = intParam(query, 'limit') ?? 50
      const page = lines.slice(start, start + limit).map((t, i) => ({ n: start + i + 1, t }))
      return ok(page, { total: lines.length })
    },
  },
  {
    pattern: '/nodes/{node}/tasks/{upid}/status',
    handle: (ctx, { node, upid }, query) => {
      const errors = checkParams(query, {})
      if (errors) return fail(400, 'Parameter verification failed.', errors)
      if (!findNode(ctx, node as string)) return unknownNode(node as string)
      const task = findTask(ctx, node as string, upid as string)
      if ('ok' in task) return task
      const running = task.status === undefined
      const out: Record<string, unknown> = {
        upid: task.upid,
        node: task.node,
        pid: task.pid,
        pstart: task.pstart,
        starttime: task.starttime,
        type: 'vzdump',
        id: task.id,
        user: task.user,
      }
      if (task.tokenid) out.tokenid = task.tokenid
      out.status = running ? 'running' : 'stopped'
      if (!running) out.exitstatus = task.status
      return ok(out)
    },
  },
]
