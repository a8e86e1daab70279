// vzdump backup jobs and the runs their schedules call for, as PVE computes them.
// - GET /cluster/backup (one call, part of the cluster-wide base): the jobs. It needs Sys.Audit
//   on `/`; refused, the jobs are unknown (null) and only a warning says why, nothing else fails.
// - GET /cluster/jobs/schedule-analyze (unit `schedules`): for each DISTINCT schedule of the
//   enabled jobs, PVE's own list of runs from two weeks back (we parse no calendar events). The
//   answer is kept in the facts until the schedule changes or none of its runs lies after now,
//   so a steady cluster asks nothing: a nightly job's 100 runs reach about 86 days ahead.

import { isProxmoxError } from '../proxmox/errors.ts'
import { createDrops, itemList, keepFirst, parseItems } from '../proxmox/lenient.ts'
import type { LimitOptions } from '../proxmox/limit.ts'
import { PveBackupJobSchema, PveScheduleRunSchema } from '../proxmox/pve-schemas.ts'
import type { PveBackupJobFact, PveScheduleRunsFact } from './facts.ts'
import type { PveCollectContext } from './pve-context.ts'
import { TASK_HISTORY_SECONDS } from './pve-tasks.ts'
import { reportDrops, type Trouble } from './trouble.ts'

export const SCHEDULES_UNIT = 'schedules'

/**
 * How far back the runs start: the tasks' two weeks, so every run a task can show has its
 * scheduled time, and a weekly job's previous run is always in the list.
 */
export const SCHEDULE_LOOKBACK_SECONDS = TASK_HISTORY_SECONDS
/** schedule-analyze's maximum `iterations`. */
export const SCHEDULE_ITERATIONS = 100

const ALL_DAYS = 'mon,tue,wed,thu,fri,sat,sun'

type JobItem = ReturnType<typeof PveBackupJobSchema.parse>

/** PVE's split_list: commas, semicolons, white space or NULs. */
function splitList(list: string | undefined): string[] {
  return (list ?? '').split(/[\s,;\0]+/).filter((part) => part !== '')
}

function vmids(list: string | undefined): number[] {
  const ids = splitList(list)
    .filter((part) => /^\d+$/.test(part))
    .map(Number)
    .filter((vmid) => Number.isSafeInteger(vmid) && vmid > 0)
  return [...new Set(ids)].sort((a, b) => a - b)
}

/** As PVE turns a legacy vzdump.cron job's `starttime`/`dow` into a schedule. */
function legacySchedule(item: JobItem): string | undefined {
  if (item.starttime === undefined) return undefined
  const dow = splitList(item.dow).join(',')
  return dow === '' || dow === ALL_DAYS ? item.starttime : `${dow} ${item.starttime}`
}

function toJobFact(item: JobItem): PveBackupJobFact {
  const schedule = item.schedule ?? legacySchedule(item)
  const optional = {
    schedule,
    nextRun: item['next-run'],
    storage: item.storage,
    mode: item.mode,
    pool: item.pool,
    node: item.node,
    comment: item.comment,
    notificationMode: item['notification-mode'],
  }
  return {
    id: item.id,
    enabled: item.enabled,
    all: item.all ?? false,
    vmids: vmids(item.vmid),
    exclude: vmids(item.exclude),
    ...Object.fromEntries(Object.entries(optional).filter(([, value]) => value !== undefined)),
  }
}

/** The jobs, or null when PVE refused them; another failure keeps the previous ones. */
export async function readBackupJobs(
  ctx: PveCollectContext,
  trouble: Trouble,
  lane?: LimitOptions,
): Promise<PveBackupJobFact[] | null> {
  try {
    const raw = await ctx.client.get('/cluster/backup', itemList, undefined, lane)
    const drops = createDrops()
    const parsed = parseItems(raw, PveBackupJobSchema, drops).items
    const items = keepFirst(parsed, (job) => job.id, drops, 'duplicate id')
    reportDrops(trouble, drops, 'backup jobs in /cluster/backup')
    return items
      .filter((item) => item.type === undefined || item.type === 'vzdump')
      .map(toJobFact)
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  } catch (error) {
    // Out of budget: the base as a whole is deferred.
    if (!isProxmoxError(error) || error.kind === 'budget') throw error
    if (error.kind === 'permission') {
      trouble.warnings.push(
        `${error.message}; the token lacks Sys.Audit on /: backup jobs are unknown, so guests ` +
          'are judged by the age thresholds, not by their schedules',
      )
      return null
    }
    trouble.warnings.push(error.message)
    return ctx.previous?.backupJobs ?? null
  }
}

async function analyze(ctx: PveCollectContext, schedule: string, starttime: number) {
  // A first answer may call for a second (runsOf): the `opens` lane.
  const raw = await ctx.client.get(
    '/cluster/jobs/schedule-analyze',
    itemList,
    { schedule, starttime, iterations: SCHEDULE_ITERATIONS },
    { opens: true },
  )
  const drops = createDrops()
  const runs = parseItems(raw, PveScheduleRunSchema, drops).items.map((run) => run.timestamp)
  return { runs: [...new Set(runs)].sort((a, b) => a - b), drops }
}

/**
 * PVE's runs of one schedule around now. From two weeks back, 100 runs reach past now unless
 * the schedule fires more than about seven times a day; then a second call starts half the
 * first answer's span before now, so the list again holds runs on both sides of now.
 */
async function runsOf(ctx: PveCollectContext, schedule: string, trouble: Trouble) {
  const first = await analyze(ctx, schedule, ctx.now - SCHEDULE_LOOKBACK_SECONDS)
  let { runs, drops } = first
  const oldest = runs[0]
  const newest = runs[runs.length - 1]
  if (
    oldest !== undefined &&
    newest !== undefined &&
    newest <= ctx.now &&
    runs.length >= SCHEDULE_ITERATIONS
  ) {
    ;({ runs, drops } = await analyze(ctx, schedule, ctx.now - Math.floor((newest - oldest) / 2)))
  }
  reportDrops(trouble, drops, `runs of schedule "${schedule}" in /cluster/jobs/schedule-analyze`)
  return runs
}

/** Whether kept runs still answer for now: one of them lies after it. */
function stillGood(kept: PveScheduleRunsFact, now: number): boolean {
  return kept.runs.some((run) => run > now)
}

/** Runs of every distinct schedule of the enabled jobs: kept ones reused, the rest asked for. */
export async function collectSchedules(
  ctx: PveCollectContext,
  jobs: readonly PveBackupJobFact[] | null | undefined,
  previous: readonly PveScheduleRunsFact[] | undefined,
  trouble: Trouble,
): Promise<PveScheduleRunsFact[]> {
  const wanted = [
    ...new Set((jobs ?? []).flatMap((job) => (job.enabled && job.schedule ? [job.schedule] : []))),
  ].sort()
  const known = new Map((previous ?? []).map((entry) => [entry.schedule, entry]))
  let deferred = false
  const out = await Promise.all(
    wanted.map(async (schedule): Promise<PveScheduleRunsFact | undefined> => {
      const kept = known.get(schedule)
      if (kept && stillGood(kept, ctx.now)) return { schedule, runs: [...kept.runs] }
      try {
        return { schedule, runs: await runsOf(ctx, schedule, trouble) }
      } catch (error) {
        if (!isProxmoxError(error)) throw error
        if (error.kind === 'budget') deferred = true
        else trouble.warnings.push(error.message)
        // What an earlier run was told still says which runs lay in the past.
        return kept ? { schedule, runs: [...kept.runs] } : undefined
      }
    }),
  )
  if (deferred) trouble.deferred.push(SCHEDULES_UNIT)
  return out.filter((entry): entry is PveScheduleRunsFact => entry !== undefined)
}
