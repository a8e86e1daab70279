// vzdump tasks per node, with per-guest outcomes. A multi-guest job's task has an empty `id`,
// so which guests it covered (and which failed) is only in its task log; finished logs never
// change, so a log read once is reused from the previous run's facts.
import { isFuture } from '../epoch.ts'
import { countDrop, createDrops, itemList, keepFirst, parseItems } from '../proxmox/lenient.ts'
import { PveTaskLogLineSchema, PveTaskSchema } from '../proxmox/pve-schemas.ts'
import type { PveGuestTaskResult, PveTaskFact, TaskOutcome } from './facts.ts'
import { nodePath, type PveCollectContext, type PveLayout } from './pve-context.ts'
import { deferredFirst, reportDrops, softFail, type Trouble } from './trouble.ts'

/** Two weeks of history is enough to find each guest's latest job; older ones cost reads. */
const TASK_HISTORY_SECONDS = 14 * 86_400
const TASK_LIST_LIMIT = 200
/** New multi-guest logs read per node per run; older ones wait for later runs. */
const MAX_NEW_LOGS_PER_NODE = 3
const TASK_LOG_LINE_LIMIT = 50_000

const STARTING = /Starting Backup of VM (\d+)\b/
const FINISHED = /Finished Backup of VM (\d+)\b/
const FAILED = /Backup of VM (\d+) failed - (.*)$/

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
      results.set(Number(finished[1]), { vmid: Number(finished[1]), outcome: 'ok' })
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

async function listTasks(
  ctx: PveCollectContext,
  node: string,
  trouble: Trouble,
): Promise<PveTaskFact[]> {
  const raw = await ctx.client.get(`${nodePath(node)}/tasks`, itemList, {
    typefilter: 'vzdump',
    source: 'all',
    limit: TASK_LIST_LIMIT,
    since: ctx.now - TASK_HISTORY_SECONDS,
  })
  const drops = createDrops()
  const believable = parseItems(raw, PveTaskSchema, drops).items.filter((t) => {
    const problem = isFuture(t.starttime, ctx.now)
      ? 'starttime in the future'
      : t.endtime !== undefined && isFuture(t.endtime, ctx.now)
        ? 'endtime in the future'
        : undefined
    if (problem) countDrop(drops, problem)
    return problem === undefined
  })
  const listed = keepFirst(believable, (t) => t.upid, drops, 'duplicate upid')
  reportDrops(trouble, drops, `vzdump tasks of node ${node}`)
  return listed
    .filter((t) => t.type === 'vzdump')
    .map((t) => {
      const outcome = taskOutcome(t.status, t.endtime)
      const task: PveTaskFact = {
        upid: t.upid,
        node: t.node,
        starttime: t.starttime,
        ...(t.endtime !== undefined ? { endtime: t.endtime } : {}),
        outcome,
        status: t.status ?? (outcome === 'running' ? 'RUNNING' : ''),
        id: t.id,
        guests: [],
      }
      return task
    })
}

async function readLog(
  ctx: PveCollectContext,
  task: PveTaskFact,
  trouble: Trouble,
): Promise<PveGuestTaskResult[]> {
  const path = `${nodePath(task.node)}/tasks/${encodeURIComponent(task.upid)}/log`
  const raw = await ctx.client.get(path, itemList, { start: 0, limit: TASK_LOG_LINE_LIMIT })
  const drops = createDrops()
  const lines = parseItems(raw, PveTaskLogLineSchema, drops).items.map((line) => line.t)
  // A line we cannot read may be the one saying a guest failed.
  reportDrops(trouble, drops, `lines of the log of task ${task.upid}`)
  return parseTaskLog(lines, task.outcome === 'running')
}

function readLogs(
  ctx: PveCollectContext,
  tasks: PveTaskFact[],
  trouble: Trouble,
  first: boolean,
): Promise<unknown> {
  const ordered = deferredFirst(tasks, (t) => `log:${t.upid}`, ctx.previous?.deferred)
  return Promise.all(
    ordered.map((task) =>
      ctx.limit(
        async () => {
          try {
            task.guests = await readLog(ctx, task, trouble)
            task.logRead = true
          } catch (error) {
            softFail(trouble, error, `log:${task.upid}`)
          }
        },
        { first },
      ),
    ),
  )
}

export async function collectPveTasks(
  ctx: PveCollectContext,
  layout: PveLayout,
  trouble: Trouble,
  /** Node → VMIDs whose latest job we want to know (non-template guests some job covers). */
  wanted: ReadonlyMap<string, ReadonlySet<number>>,
): Promise<PveTaskFact[]> {
  const previous = new Map((ctx.previous?.tasks ?? []).map((t) => [t.upid, t]))
  const tasks: PveTaskFact[] = []
  const needLog: PveTaskFact[] = []
  const knownAnywhere = new Set(
    (ctx.previous?.tasks ?? [])
      .filter((t) => t.logRead || t.id !== '')
      .flatMap((t) => t.guests.map((g) => g.vmid)),
  )
  // The priority node's list jumps the queue of snapshot calls, and its new job logs are read
  // as soon as it is known instead of after every node's list.
  const priorityLogs: Promise<unknown>[] = []
  const laneOf =
    (node: string) =>
    <T>(task: () => Promise<T>) =>
      ctx.limit(task, { first: node === ctx.priorityNode })
  await Promise.all(
    layout.nodes.map((node) =>
      laneOf(node)(async () => {
        const logs: PveTaskFact[] = []
        if (!layout.reachable.has(node)) {
          tasks.push(...(ctx.previous?.tasks ?? []).filter((t) => t.node === node))
          return
        }
        try {
          const listed = await listTasks(ctx, node, trouble)
          let newLogs = 0
          // Newest first. Jobs newer than the newest log we already read are always read (a
          // new job changes someone's latest outcome); past that, older logs are read only
          // while a covered guest has no known job anywhere in the cluster. A steady cluster
          // costs no log reads; a first run reaches back a few logs per run.
          const unknown = new Set(
            [...(wanted.get(node) ?? [])].filter((v) => !knownAnywhere.has(v)),
          )
          let passedKnown = false
          for (const task of listed) {
            tasks.push(task)
            if (task.id !== '') {
              task.guests = singleGuestResult(task)
            } else {
              const known = previous.get(task.upid)
              if (known?.logRead && known.outcome !== 'running') {
                task.guests = known.guests
                task.logRead = true
                passedKnown = true
              } else if ((!passedKnown || unknown.size > 0) && newLogs < MAX_NEW_LOGS_PER_NODE) {
                newLogs += 1
                logs.push(task)
              }
            }
            for (const result of task.guests) unknown.delete(result.vmid)
          }
        } catch (error) {
          softFail(trouble, error, `tasks:${node}`)
          tasks.push(...(ctx.previous?.tasks ?? []).filter((t) => t.node === node))
        }
        // Not awaited inside the slot: waiting on other queued calls from a slot can deadlock.
        if (node === ctx.priorityNode) priorityLogs.push(readLogs(ctx, logs, trouble, true))
        else needLog.push(...logs)
      }),
    ),
  )
  await Promise.all([...priorityLogs, readLogs(ctx, needLog, trouble, false)])
  return tasks.sort(
    (a, b) => b.starttime - a.starttime || (a.upid < b.upid ? -1 : a.upid > b.upid ? 1 : 0),
  )
}
