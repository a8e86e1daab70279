// vzdump tasks per node, with per-guest outcomes. Where they come from:
// - GET /cluster/tasks (one call, part of the cluster-wide base): every node's broadcast list of
//   its running tasks and its 25 newest finished ones, of every task type (PVE::RESTEnvironment
//   ::active_workers, broadcast by pvestatd). That is enough for a node when the oldest finished
//   entry reaches back to what an earlier complete listing already told us (or, with nothing
//   known, to the start of the two-week history): then every task since is in it.
// - GET /nodes/{node}/tasks (unit `tasks:<node>`) only where it does not: the cluster-wide list
//   has no `since`/`typefilter`/`limit` and keeps only 25 finished tasks per node, so a busy node
//   (or a first run) needs its own archive for the rest of the two weeks.
// A multi-guest job's task has an empty `id`, so which guests it covered (and which failed) is
// only in its task log (unit `logs:<node>`); finished logs never change, so a log read once is
// reused from the previous run's facts.
import { isFuture } from '../epoch.ts'
import { isProxmoxError } from '../proxmox/errors.ts'
import { countDrop, createDrops, itemList, keepFirst, parseItems } from '../proxmox/lenient.ts'
import { PveTaskLogLineSchema, PveTaskSchema } from '../proxmox/pve-schemas.ts'
import type { PveFacts, PveGuestTaskResult, PveTaskFact, TaskOutcome } from './facts.ts'
import { nodePath, type PveCollectContext } from './pve-context.ts'
import { reportDrops, type Trouble } from './trouble.ts'

/** Two weeks of history is enough to find each guest's latest job; older ones cost reads. */
export const TASK_HISTORY_SECONDS = 14 * 86_400
export const TASK_LIST_LIMIT = 200
const TASK_LOG_LINE_LIMIT = 50_000

const STARTING = /Starting Backup of VM (\d+)\b/
const FINISHED = /Finished Backup of VM (\d+)\b(?: \((\d+):(\d{2}):(\d{2})\))?/
const FAILED = /Backup of VM (\d+) failed - (.*)$/

export const tasksUnit = (node: string) => `tasks:${node}`
export const logsUnit = (node: string) => `logs:${node}`

type TaskItem = ReturnType<typeof PveTaskSchema.parse>

export function taskOutcome(status: string | undefined, endtime: number | undefined): TaskOutcome {
  if (status === undefined || status === 'RUNNING')
    return endtime === undefined ? 'running' : 'unknown'
  if (status === 'OK') return 'ok'
  if (status.startsWith('WARNINGS')) return 'warning'
  if (status === '' || status === 'unexpected status') return 'unknown'
  return 'failed'
}

/** Per-guest results from a vzdump task log (proxmox-api.md §1.9 lists the lines). */
export function parseTaskLog(lines: string[], running: boolean): PveGuestTaskResult[] {
  const results = new Map<number, PveGuestTaskResult>()
  for (const line of lines) {
    const failed = FAILED.exec(line)
    if (failed) {
      results.set(Number(failed[1]), {
        vmid: Number(failed[1]),
        outcome: 'failed',
        error: failed[2]?.trim() ?? '',
      })
      continue
    }
    const finished = FINISHED.exec(line)
    if (finished) {
      const [, vmid, h, m, sec] = finished
      results.set(Number(vmid), {
        vmid: Number(vmid),
        outcome: 'ok',
        ...(h !== undefined ? { seconds: Number(h) * 3600 + Number(m) * 60 + Number(sec) } : {}),
      })
      continue
    }
    const starting = STARTING.exec(line)
    if (starting)
      results.set(Number(starting[1]), { vmid: Number(starting[1]), outcome: 'running' })
  }
  // A guest that started but never finished in a task that has ended did not back up.
  return [...results.values()].map((result) =>
    result.outcome === 'running' && !running
      ? { vmid: result.vmid, outcome: 'failed', error: 'no result in the task log' }
      : result,
  )
}

function singleGuestResult(task: PveTaskFact): PveGuestTaskResult[] {
  const vmid = Number(task.id)
  if (!Number.isSafeInteger(vmid) || vmid <= 0) return []
  const outcome =
    task.outcome === 'running'
      ? 'running'
      : task.outcome === 'ok' || task.outcome === 'warning'
        ? 'ok'
        : 'failed'
  return [{ vmid, outcome, ...(outcome === 'failed' ? { error: task.status } : {}) }]
}

function toTaskFact(t: TaskItem): PveTaskFact {
  const outcome = taskOutcome(t.status, t.endtime)
  return {
    upid: t.upid,
    node: t.node,
    starttime: t.starttime,
    ...(t.endtime !== undefined ? { endtime: t.endtime } : {}),
    outcome,
    status: t.status ?? (outcome === 'running' ? 'RUNNING' : ''),
    id: t.id,
    guests: [],
  }
}

/** Task items we can believe: validated, not from the future, each upid once; the rest counted. */
function believableTasks(raw: unknown[], now: number, trouble: Trouble, place: string) {
  const drops = createDrops()
  const believable = parseItems(raw, PveTaskSchema, drops).items.filter((t) => {
    const problem = isFuture(t.starttime, now)
      ? 'starttime in the future'
      : t.endtime !== undefined && isFuture(t.endtime, now)
        ? 'endtime in the future'
        : undefined
    if (problem) countDrop(drops, problem)
    return problem === undefined
  })
  const listed = keepFirst(believable, (t) => t.upid, drops, 'duplicate upid')
  return { listed, drops, report: () => reportDrops(trouble, drops, place) }
}

/** The node's own archive of vzdump tasks (two weeks, newest first). */
async function listNodeTasks(
  ctx: PveCollectContext,
  node: string,
  trouble: Trouble,
): Promise<PveTaskFact[]> {
  const raw = await ctx.client.get(
    `${nodePath(node)}/tasks`,
    itemList,
    {
      typefilter: 'vzdump',
      source: 'all',
      limit: TASK_LIST_LIMIT,
      since: ctx.now - TASK_HISTORY_SECONDS,
    },
    nodeLane(ctx, node),
  )
  const { listed, report } = believableTasks(raw, ctx.now, trouble, `vzdump tasks of node ${node}`)
  report()
  return listed.filter((t) => t.type === 'vzdump').map(toTaskFact)
}

/** The cluster-wide list of GET /cluster/tasks, by node (all task types; only known nodes). */
export interface ClusterTasks {
  byNode: ReadonlyMap<string, TaskItem[]>
}

export function readClusterTasks(
  raw: unknown[],
  nodes: readonly string[],
  now: number,
  trouble: Trouble,
): ClusterTasks {
  const { listed, drops, report } = believableTasks(raw, now, trouble, 'tasks in /cluster/tasks')
  const known = new Set(nodes)
  const byNode = new Map<string, TaskItem[]>()
  for (const item of listed) {
    if (!known.has(item.node)) {
      countDrop(drops, 'unknown node')
      continue
    }
    byNode.set(item.node, [...(byNode.get(item.node) ?? []), item])
  }
  report()
  return { byNode }
}

const newestFirst = (a: PveTaskFact, b: PveTaskFact) =>
  b.starttime - a.starttime || (a.upid < b.upid ? -1 : a.upid > b.upid ? 1 : 0)

/**
 * The node's vzdump tasks from the cluster-wide list, or undefined when that list does not
 * reach back far enough. Its finished entries are the newest ones (of every type), so every
 * task that started since the oldest of them is in it. That is enough when the oldest started
 * no later than the newest task an earlier listing told us of, and no later than any task that
 * listing saw running (it may have finished since); with nothing known for the node, it must
 * reach back over the whole two weeks. Older known tasks had finished and are kept as they were.
 */
export function tasksFromClusterList(
  entries: readonly TaskItem[] | undefined,
  previous: readonly PveTaskFact[],
  now: number,
): PveTaskFact[] | undefined {
  const finished = (entries ?? []).filter((t) => t.endtime !== undefined)
  if (finished.length === 0) return undefined
  const oldest = Math.min(...finished.map((t) => t.starttime))
  const horizon =
    previous.length === 0
      ? now - TASK_HISTORY_SECONDS
      : Math.min(
          Math.max(...previous.map((t) => t.starttime)),
          ...previous.filter((t) => t.outcome === 'running').map((t) => t.starttime),
        )
  if (oldest > horizon) return undefined
  const since = now - TASK_HISTORY_SECONDS
  const listed = (entries ?? [])
    .filter((t) => t.type === 'vzdump' && t.starttime >= since)
    .map(toTaskFact)
  const seen = new Set(listed.map((t) => t.upid))
  const older = previous.filter(
    (t) => t.starttime < oldest && t.starttime >= since && !seen.has(t.upid),
  )
  // As the node's own list would say it: newest first, at most TASK_LIST_LIMIT.
  return [...listed, ...older.map((t) => ({ ...t }))].sort(newestFirst).slice(0, TASK_LIST_LIMIT)
}

async function readLog(
  ctx: PveCollectContext,
  task: PveTaskFact,
  trouble: Trouble,
): Promise<PveGuestTaskResult[]> {
  const path = `${nodePath(task.node)}/tasks/${encodeURIComponent(task.upid)}/log`
  const raw = await ctx.client.get(
    path,
    itemList,
    { start: 0, limit: TASK_LOG_LINE_LIMIT },
    nodeLane(ctx, task.node),
  )
  const drops = createDrops()
  const lines = parseItems(raw, PveTaskLogLineSchema, drops).items.map((line) => line.t)
  // A line we cannot read may be the one saying a guest failed.
  reportDrops(trouble, drops, `lines of the log of task ${task.upid}`)
  return parseTaskLog(lines, task.outcome === 'running')
}

/**
 * Fills in what is already known: single-guest results from the task itself, and finished
 * logs read by an earlier run (a log read while its task ran is read again).
 */
function reuseKnown(tasks: PveTaskFact[], previous: readonly PveTaskFact[]): void {
  const known = new Map(previous.map((t) => [t.upid, t]))
  for (const task of tasks) {
    if (task.id !== '') {
      task.guests = singleGuestResult(task)
      delete task.logRead
      continue
    }
    const before = known.get(task.upid)
    if (before?.logRead && before.outcome !== 'running' && task.outcome !== 'running') {
      task.guests = before.guests
      task.logRead = true
    } else {
      // Still running (or never read): read again; until then, what an earlier read said.
      task.guests = before?.guests ?? []
      delete task.logRead
    }
  }
}

/**
 * The next job log the node's facts need, newest first: a running job's (its log grows until it
 * ends), a job newer than every finished log already read (it changes someone's latest outcome),
 * or, while a guest on the node that some job covers has no result in the node's tasks yet, the
 * next older unread one. The rule reads only the node's facts, so a run cut short by the budget
 * is picked up exactly where it stopped, and reads what one uninterrupted run would have.
 */
function nextLog(
  tasks: readonly PveTaskFact[],
  wanted: ReadonlySet<number>,
  skip: ReadonlySet<string>,
): PveTaskFact | undefined {
  const multi = tasks.filter((t) => t.id === '')
  const known = new Set(tasks.flatMap((t) => t.guests.map((g) => g.vmid)))
  const catchingUp = [...wanted].some((vmid) => !known.has(vmid))
  const anchored = multi.some((t) => t.logRead && t.outcome !== 'running')
  let passedRead = false
  for (const task of multi) {
    if (task.logRead) {
      if (task.outcome !== 'running') passedRead = true
      continue
    }
    if (skip.has(task.upid)) continue
    if (task.outcome === 'running' || (anchored && !passedRead) || catchingUp) return task
  }
  return undefined
}

/**
 * The limiter lane of a node's task list and job logs: `opens` (ahead of the leaves, so a chain
 * of logs read one after another is not left to run alone at the end of a refresh), except in a
 * continuation. A continuation exists because the budget ran out: its few dozen requests take
 * a handful of rounds, so order buys it no time, only decides where its budget goes; and there
 * every chain advancing at once is cut at once, each node listed by its own call then listing
 * again next time (see collectNode). In the queue's order, as before, fewer chains are open when
 * the budget ends (1 invocation fewer at budget 45 on the `large` preset).
 */
function nodeLane(ctx: PveCollectContext, node: string) {
  return { first: node === ctx.priorityNode, opens: !ctx.continuation }
}

/** Reads the node's job logs one after another; false if the budget ran out first. */
async function readNodeLogs(
  ctx: PveCollectContext,
  tasks: PveTaskFact[],
  wanted: ReadonlySet<number>,
  trouble: Trouble,
): Promise<boolean> {
  const failed = new Set<string>()
  for (;;) {
    const task = nextLog(tasks, wanted, failed)
    if (!task) return true
    try {
      task.guests = await readLog(ctx, task, trouble)
      task.logRead = true
    } catch (error) {
      if (!isProxmoxError(error)) throw error
      if (error.kind === 'budget') return false
      trouble.warnings.push(error.message)
      failed.add(task.upid)
    }
  }
}

export interface NodeTaskPlan {
  node: string
  /** Not reachable: the previous run's tasks are kept. */
  offline: boolean
  /** The node's tasks from the cluster-wide list; undefined: list them from the node. */
  fromCluster: PveTaskFact[] | undefined
}

/**
 * One node's task facts: listed (unless the cluster-wide list had them), then the job logs
 * they need. A failure keeps the previous run's tasks of the node; budget exhaustion defers
 * the list (`tasks:<node>`) or the logs (`logs:<node>`).
 */
async function collectNode(
  ctx: PveCollectContext,
  plan: NodeTaskPlan,
  wanted: ReadonlySet<number>,
  trouble: Trouble,
): Promise<PveTaskFact[]> {
  const previous = (ctx.previous?.tasks ?? []).filter((t) => t.node === plan.node)
  if (plan.offline) return previous
  let tasks = plan.fromCluster
  if (!tasks) {
    try {
      tasks = await listNodeTasks(ctx, plan.node, trouble)
    } catch (error) {
      if (!isProxmoxError(error)) throw error
      if (error.kind === 'budget') trouble.deferred.push(tasksUnit(plan.node))
      else trouble.warnings.push(error.message)
      return previous
    }
  }
  tasks.sort(newestFirst)
  reuseKnown(tasks, previous)
  const done = await readNodeLogs(ctx, tasks, wanted, trouble)
  // A node listed by its own call in a continuation stays `tasks:` (the list is taken again):
  // a continuation only ever leaves units it was given.
  if (!done) {
    const listedHere = plan.fromCluster === undefined
    trouble.deferred.push(
      listedHere && ctx.continuation ? tasksUnit(plan.node) : logsUnit(plan.node),
    )
  }
  return tasks
}

/** Guests whose latest backup job is worth a task-log read, by current node. */
export function wantedJobs(
  facts: Pick<PveFacts, 'guests' | 'notBackedUp'>,
): Map<string, Set<number>> {
  const uncovered = new Set((facts.notBackedUp ?? []).map((g) => g.vmid))
  const wanted = new Map<string, Set<number>>()
  for (const guest of facts.guests) {
    if (guest.template || uncovered.has(guest.vmid)) continue
    const set = wanted.get(guest.node) ?? new Set<number>()
    set.add(guest.vmid)
    wanted.set(guest.node, set)
  }
  return wanted
}

/** Every node's tasks; `plans` lists the nodes to collect, all others keep their previous tasks. */
export async function collectPveTasks(
  ctx: PveCollectContext,
  plans: readonly NodeTaskPlan[],
  wanted: ReadonlyMap<string, ReadonlySet<number>>,
  trouble: Trouble,
): Promise<PveTaskFact[]> {
  const planned = new Set(plans.map((p) => p.node))
  const kept = (ctx.previous?.tasks ?? []).filter((t) => !planned.has(t.node))
  const perNode = await Promise.all(
    plans.map((plan) => collectNode(ctx, plan, wanted.get(plan.node) ?? new Set(), trouble)),
  )
  return [...kept, ...perNode.flat()].sort(newestFirst)
}
