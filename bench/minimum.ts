// The fewest upstream requests one complete collection of a lab needs, derived from what the
// lab MODEL holds (clusters, nodes, storages, guests, tasks, PBS datastores and namespaces) and
// from what each Proxmox endpoint returns, not from the collectors' plan. A cluster-wide call
// counts once. `collectionExtras` names the calls the collectors make beyond it, and why.
//
// Derivation, per PVE cluster (every node online in the lab presets):
//
// 1. Cluster-wide facts, 5 calls. /cluster/status is the only answer with the cluster's name
//    (and the authority on which nodes are online). /cluster/resources without a type filter is
//    one call for the guests (vmid, type, node, name, template, lock) AND one storage entry per
//    node the storage is enabled on, whose `status` says whether it is active there: nothing
//    per node is needed to know where to list archives. /storage is the only answer with a
//    storage's node restriction, `disable`, and PBS target (server, datastore, namespace).
//    /cluster/backup-info/not-backed-up is the only answer saying which guests no job covers.
//    /cluster/backup is the only answer with the backup jobs (schedule, selection, storage);
//    which guests each covers follows from it and /cluster/resources (pool membership is the
//    guests' `pool` field), so no /cluster/backup/{id}/included_volumes call is needed.
// 2. Tasks. The facts are every node's vzdump tasks of the last 14 days (newest 200).
//    /cluster/tasks (1 call) holds every node's running tasks and its 25 newest finished ones
//    of any type (CLUSTER_TASKS_FINISHED_PER_NODE). It tells a node's tasks completely when its
//    oldest finished entry is no newer than the horizon: cold, 14 days ago; steady, the newest
//    task an earlier listing already returned (and any task that listing saw running). A node it
//    does not cover needs GET /nodes/{node}/tasks (1 call). The fewest calls are therefore
//    min(1 + uncovered nodes, online nodes).
// 3. Archives: one GET …/storage/{storage}/content per listing that can hold different files:
//    a shared storage once (from any node where it is active), a local one on every online
//    node it is enabled on. PVE storages of type `pbs` whose server is read directly (a PBS
//    source) are not listed through PVE at all; disabled and non-backup storages neither.
// 4. Snapshots: one GET /nodes/{node}/{type}/{vmid}/snapshot per guest that is not a template
//    (no cluster-wide call lists snapshots).
// 5. Job logs: which guests a multi-guest vzdump job covered, and how each fared, is only in its
//    log. Cold: for each node, its multi-guest jobs newest first, until every guest now on the
//    node that some job covers has a result (from those logs or from a single-guest task of the
//    node): each of these logs is needed, since a newer unread one could hold a guest's latest
//    outcome. A guest that never gets one makes every log of the two weeks needed (only reading
//    them shows it had no job). Running jobs' logs are needed in both (they change until the job
//    ends). Steady: nothing new upstream, so only the running jobs' logs.
//
// 6. Token privileges: GET /access/permissions (1) is the only answer saying what the token may
//    do (the whole ACL tree in one call, so a missing privilege is named, not guessed). They
//    change rarely and are kept for an hour: cold 1, steady (a refresh within that hour) 0.
//
// 7. Schedules: the runs a job's schedule calls for come from PVE itself (we parse no calendar
//    events): GET /cluster/jobs/schedule-analyze, one call per DISTINCT schedule of the enabled
//    jobs, from two weeks back with 100 iterations. That answer holds runs on both sides of now
//    unless the schedule fires more than 100 times in the two weeks (then a second call, from
//    closer to now). Steady: the kept answer still reaches past now, so 0.
//
// Per PBS server: /access/permissions as in item 6 (cold 1, steady 0), /admin/datastore (1),
// each datastore's /namespace (1 each, the only way to know the namespaces), and one GET /admin/datastore/{store}/snapshots?ns=… per namespace (all
// of its snapshots: size, owner, protection, comment, verification; groups follow from them).
// Per-group listings would be one call per group; a groups listing first would add one per
// namespace and still need the snapshots. A datastore PBS refuses to read (offline or unmount
// maintenance, a removable store not mounted) needs neither: /admin/datastore says so, and
// asking would only fail. Health, 5 calls per server and none per store: /status/datastore-usage
// (the only answer with usage and PBS's full-date estimate), /admin/verify, /admin/prune and
// /admin/sync (each the only list of its jobs with their states), /admin/gc (the only answer
// with GC's schedule and last state). Group comments (a group's notes, where `no-monitor`
// excludes it from alerting) are only in GET /admin/datastore/{store}/groups?ns=… (the snapshot
// listing's `comment` is each snapshot's own notes), one call per readable namespace; they change
// rarely and are kept for an hour like the permissions: cold 1 per namespace, steady 0. Apart
// from the permissions and the group comments, cold and steady are the same.
import { pveServerNames, workerSourceId } from '../scripts/lab-env.ts'
import { notBackedUp } from '../test/lab/generate.ts'
import { nextEvents, parseLabSchedule } from '../test/lab/lab-schedule.ts'
import type { LabModel } from '../test/lab/model.ts'
import { clusterTaskWindow } from '../test/lab/pve-task-routes.ts'
import type { PbsDatastore, PveCluster, PveTask } from '../test/lab/types.ts'

const HISTORY_SECONDS = 14 * 86_400
const TASK_LIST_LIMIT = 200
const SCHEDULE_ITERATIONS = 100

/** A node's vzdump tasks as its own two-week listing returns them, newest first. */
function nodeTasks(cluster: PveCluster, node: string, now: number): PveTask[] {
  return cluster.tasks
    .filter((t) => t.node === node && t.starttime >= now - HISTORY_SECONDS)
    .sort((a, b) => b.starttime - a.starttime)
    .slice(0, TASK_LIST_LIMIT)
}

/** Whether /cluster/tasks tells the node's tasks completely (derivation, item 2). */
function windowCovers(cluster: PveCluster, node: string, now: number, steady: boolean): boolean {
  const finished = clusterTaskWindow(cluster.tasks, node).filter((t) => t.status !== undefined)
  if (finished.length === 0) return false
  const oldest = Math.min(...finished.map((t) => t.starttime))
  const known = nodeTasks(cluster, node, now)
  const horizon =
    !steady || known.length === 0
      ? now - HISTORY_SECONDS
      : Math.min(
          Math.max(...known.map((t) => t.starttime)),
          ...known.filter((t) => t.status === undefined).map((t) => t.starttime),
        )
  return oldest <= horizon
}

/**
 * Job logs a node's facts need (derivation, item 5): `chained` are read one after another (only
 * the answer of one says whether the next older one is needed), `free` are running jobs' logs
 * beyond them, needed whatever the others say.
 */
function nodeLogs(
  cluster: PveCluster,
  node: string,
  now: number,
  steady: boolean,
): { chained: number; free: number } {
  const tasks = nodeTasks(cluster, node, now)
  const multi = tasks.filter((t) => t.id === '')
  const running = multi.filter((t) => t.status === undefined)
  if (steady) return { chained: 0, free: running.length }
  const uncovered = new Set(notBackedUp(cluster).map((g) => g.vmid))
  const missing = new Set(
    cluster.guests
      .filter((g) => g.node === node && !g.template && !uncovered.has(g.vmid))
      .map((g) => g.vmid),
  )
  for (const t of tasks) if (t.id !== '') missing.delete(Number(t.id))
  let read = 0
  for (const task of multi) {
    if (missing.size === 0) break
    read += 1
    for (const g of task.guests) missing.delete(g.vmid)
  }
  const beyond = multi.slice(read).filter((t) => t.status === undefined).length
  return { chained: read, free: beyond }
}

function logsNeeded(cluster: PveCluster, node: string, now: number, steady: boolean): number {
  const { chained, free } = nodeLogs(cluster, node, now, steady)
  return chained + free
}

/** schedule-analyze calls per distinct enabled schedule of the cluster (derivation, item 7). */
function scheduleCallsEach(cluster: PveCluster, now: number, steady: boolean): number[] {
  const zone = cluster.nodes[0]?.timeZone ?? 'UTC'
  const schedules = new Set(cluster.jobs.filter((j) => j.enabled).map((j) => j.schedule))
  const calls: number[] = []
  for (const schedule of schedules) {
    const event = parseLabSchedule(schedule)
    if (typeof event === 'string') continue
    const runs = nextEvents(event, zone, now - HISTORY_SECONDS, SCHEDULE_ITERATIONS)
    const reachesPastNow = runs.some((run) => run > now)
    if (steady) calls.push(reachesPastNow ? 0 : 1)
    else calls.push(reachesPastNow || runs.length < SCHEDULE_ITERATIONS ? 1 : 2)
  }
  return calls
}

function scheduleCalls(cluster: PveCluster, now: number, steady: boolean): number {
  return scheduleCallsEach(cluster, now, steady).reduce((sum, n) => sum + n, 0)
}

interface ClusterCount {
  base: number
  schedules: number
  ownTaskLists: number
  /** Whether asking /cluster/tasks saves calls (some node is covered by it). */
  clusterTasksUseful: boolean
  listings: number
  snapshots: number
  logs: number
}

function countCluster(model: LabModel, cluster: PveCluster, steady: boolean): ClusterCount {
  const direct = new Set(pveServerNames(model))
  const online = cluster.nodes.map((n) => n.name)
  const enabledOn = (s: PveCluster['storages'][number], node: string) =>
    !s.disable && (!s.nodes || s.nodes.includes(node))
  let listings = 0
  for (const s of cluster.storages) {
    if (s.disable || !s.content.split(',').includes('backup')) continue
    if (s.type === 'pbs' && direct.has(String(s.config.server))) continue
    const nodes = online.filter((n) => enabledOn(s, n))
    listings += s.shared ? Math.min(1, nodes.length) : nodes.length
  }
  const uncovered = online.filter((n) => !windowCovers(cluster, n, model.now, steady)).length
  return {
    base: 5,
    schedules: scheduleCalls(cluster, model.now, steady),
    ownTaskLists: uncovered,
    clusterTasksUseful: uncovered < online.length,
    listings,
    snapshots: cluster.guests.filter((g) => !g.template && online.includes(g.node)).length,
    logs: online.reduce((n, node) => n + logsNeeded(cluster, node, model.now, steady), 0),
  }
}

const PBS_HEALTH_CALLS = 5

/** PBS refuses reads there (MaintenanceMode::check, an unmounted removable store). */
function unreadable(d: PbsDatastore): boolean {
  const type = d.maintenance?.type
  return (
    (d.removable !== undefined && !d.removable.mounted) || type === 'offline' || type === 'unmount'
  )
}

/** Item 6: the token's permissions, once per source unless known from the last hour. */
const permissionCalls = (steady: boolean) => (steady ? 0 : 1)

/** Group comments of a namespace: asked cold, kept for an hour (steady: younger than that). */
const groupCommentCalls = (steady: boolean) => (steady ? 0 : 1)

function pbsCount(model: LabModel, steady: boolean): number {
  let total = 0
  for (const p of model.pbs) {
    total += permissionCalls(steady) + 1 + PBS_HEALTH_CALLS
    for (const d of p.datastores)
      if (!unreadable(d)) total += 1 + d.namespaces.length * (1 + groupCommentCalls(steady))
  }
  return total
}

/** The fewest requests that retrieve the model's facts (cold: nothing known; steady: all). */
export function minimumRequests(model: LabModel, steady: boolean): number {
  let total = pbsCount(model, steady)
  for (const cluster of model.clusters) {
    const c = countCluster(model, cluster, steady)
    const taskCalls = c.clusterTasksUseful ? 1 + c.ownTaskLists : c.ownTaskLists
    total +=
      c.base + c.schedules + permissionCalls(steady) + taskCalls + c.listings + c.snapshots + c.logs
  }
  return total
}

export interface Extra {
  source: string
  calls: number
  why: string
}

/**
 * What the collectors ask beyond the minimum, each named:
 * - /cluster/tasks on a cluster where it covers no node: the collector only learns that from
 *   its answer (with nothing known, a node's window can only be judged by asking), so it is
 *   always asked. On the `large` preset that is the cold run of `homelab`, whose nodes run two
 *   jobs a night: 25 tasks reach back about 12 days, not 14. (+1)
 */
export function collectionExtras(model: LabModel, steady: boolean): Extra[] {
  const extras: Extra[] = []
  for (const cluster of model.clusters) {
    const c = countCluster(model, cluster, steady)
    if (!c.clusterTasksUseful)
      extras.push({
        source: cluster.id,
        calls: 1,
        why: '/cluster/tasks asked although it reaches back far enough for no node',
      })
  }
  return extras
}

/** minimumRequests plus the named extras: what one collection of the lab should cost. */
export function expectedRequests(model: LabModel, steady: boolean): number {
  return (
    minimumRequests(model, steady) +
    collectionExtras(model, steady).reduce((sum, e) => sum + e.calls, 0)
  )
}

/** One request of the graph: what it is, and the requests whose answers it needs first. */
export interface GraphRequest {
  id: number
  what: string
  after: number[]
}

/**
 * The requests of one collection of the lab (expectedRequests of them) with the dependencies
 * the data imposes, not the collectors' stages: a request needs the answers that tell it exists.
 * - PVE: the cluster-wide calls need nothing. A storage listing needs /cluster/status (online),
 *   /cluster/resources (active where) and /storage (which storages hold backups, shared or not);
 *   a snapshot listing /cluster/status and /cluster/resources (the guest, its node); a node's own
 *   task list /cluster/status and /cluster/tasks (whether the window covers it). A node's job
 *   logs need its task list (its own or /cluster/tasks), /cluster/resources and not-backed-up
 *   (which guests want a result), and each chained log the one before it (item 5: only its
 *   answer says whether the next older is needed); running jobs' logs beyond them do not. A
 *   schedule's first schedule-analyze call needs /cluster/backup, a second one the first.
 * - PBS: /admin/datastore, the permissions and the five health calls need nothing; a store's
 *   /namespace needs /admin/datastore, and so does the listing of its root namespace (which
 *   every readable store has); the other namespaces' listings need the /namespace answer. A
 *   namespace's groups call (cold only) needs what its listing needs.
 */
export function requestGraph(
  model: LabModel,
  steady: boolean,
  /** Only these sources (the Worker's ids, as `homelab`, `pbs`): a refresh of some of them. */
  only?: ReadonlySet<string>,
): GraphRequest[] {
  const wanted = (labId: string) => only === undefined || only.has(workerSourceId(labId))
  const graph: GraphRequest[] = []
  const add = (what: string, after: number[] = []) => {
    graph.push({ id: graph.length, what, after })
    return graph.length - 1
  }
  for (const cluster of model.clusters) {
    if (!wanted(cluster.id)) continue
    const c = countCluster(model, cluster, steady)
    const at = (what: string) => `${cluster.id} ${what}`
    const status = add(at('/cluster/status'))
    const resources = add(at('/cluster/resources'))
    const storage = add(at('/storage'))
    const notBacked = add(at('/cluster/backup-info/not-backed-up'))
    // Asked every run (a named extra where it covers no node: collectionExtras).
    const tasks = add(at('/cluster/tasks'))
    const backup = add(at('/cluster/backup'))
    if (!steady) add(at('/access/permissions'))
    for (let i = 0; i < c.listings; i++) add(at('storage content'), [status, resources, storage])
    for (let i = 0; i < c.snapshots; i++) add(at('guest snapshots'), [status, resources])
    for (const calls of scheduleCallsEach(cluster, model.now, steady)) {
      let previous = backup
      for (let i = 0; i < calls; i++) previous = add(at('schedule-analyze'), [previous])
    }
    for (const { name: node } of cluster.nodes) {
      const list = windowCovers(cluster, node, model.now, steady)
        ? tasks
        : add(at(`/nodes/${node}/tasks`), [status, tasks])
      const { chained, free } = nodeLogs(cluster, node, model.now, steady)
      let previous = -1
      for (let i = 0; i < chained; i++)
        previous = add(
          at(`/nodes/${node} job log`),
          previous < 0 ? [list, resources, notBacked] : [previous],
        )
      for (let i = 0; i < free; i++)
        add(at(`/nodes/${node} running job log`), [list, resources, notBacked])
    }
  }
  for (const p of model.pbs) {
    if (!wanted(p.id)) continue
    const at = (what: string) => `${p.id} ${what}`
    const stores = add(at('/admin/datastore'))
    if (!steady) add(at('/access/permissions'))
    for (let i = 0; i < PBS_HEALTH_CALLS; i++) add(at('health'))
    for (const d of p.datastores) {
      if (unreadable(d)) continue
      const namespaces = add(at(`/admin/datastore/${d.store}/namespace`), [stores])
      for (const ns of d.namespaces) {
        const after = ns === '' ? [stores] : [namespaces]
        add(at(`snapshots of ${d.store}/${ns}`), after)
        if (groupCommentCalls(steady) > 0) add(at(`groups of ${d.store}/${ns}`), after)
      }
    }
  }
  return graph
}
