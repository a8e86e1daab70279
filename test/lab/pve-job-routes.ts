// PVE backup jobs: GET /cluster/backup in the shape of the cluster's release, and
// GET /cluster/jobs/schedule-analyze (pve-manager PVE/API2/Cluster/Jobs.pm: `schedule`,
// optional `starttime` (default now) and `iterations` 1..100 (default 10); returns
// [{timestamp, utc}]). Both compute in the answering node's zone.
import { nextEvents, parseLabSchedule, perlGmtime } from './lab-schedule.ts'
import { checkParams, intParam } from './params.ts'
import type { PveContext } from './pve-context.ts'
import { fail, ok } from './respond.ts'
import type { Route } from './router.ts'
import type { BackupJob, JobOptionValues } from './types.ts'

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

/** The node answering the API: the first online one (the zone PVE computes in). */
function answeringZone(ctx: PveContext): string {
  const node = ctx.cluster.nodes.find((n) => !ctx.offline.has(n.name)) ?? ctx.cluster.nodes[0]
  return node?.timeZone ?? 'UTC'
}

/** `keep-daily=7,keep-weekly=4`, as PVE 8.x prints a property string. */
function propertyString(values: JobOptionValues): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${v}`)
    .join(',')
}

function jobItem(ctx: PveContext, job: BackupJob): Record<string, unknown> {
  const eight = ctx.cluster.jobShape === '8.x'
  const out: Record<string, unknown> = {
    id: job.id,
    type: 'vzdump',
    schedule: job.schedule,
    enabled: job.enabled,
  }
  // PVE computes next-run for every job with a schedule, enabled or not.
  const event = parseLabSchedule(job.schedule)
  const next =
    typeof event === 'string' ? [] : nextEvents(event, answeringZone(ctx), ctx.model.now, 1)
  if (next[0] !== undefined) out['next-run'] = next[0]
  if (job.legacy && eight) {
    out.starttime = `${String(job.hour).padStart(2, '0')}:${String(job.minute).padStart(2, '0')}`
    out.dow =
      job.days.length === 0
        ? DAYS.slice(1).concat('sun').join(',')
        : job.days.map((d) => DAYS[d]).join(',')
  }
  if (job.all) out.all = 1
  if (job.exclude?.length) out.exclude = job.exclude.join(',')
  if (job.vmid) out.vmid = job.vmid.join(',')
  if (job.pool) out.pool = job.pool
  if (job.node) out.node = job.node
  out.storage = job.storage
  out.mode = job.mode
  if (job.notesTemplate) out['notes-template'] = job.notesTemplate
  if (job.comment) out.comment = job.comment
  for (const [key, values] of Object.entries(job.options ?? {}))
    if (values) out[key] = eight ? propertyString(values) : values
  out['notification-mode'] = 'auto'
  return out
}

export const pveJobRoutes: Route<PveContext>[] = [
  { pattern: '/cluster/backup', handle: (ctx) => ok(ctx.cluster.jobs.map((j) => jobItem(ctx, j))) },
  {
    pattern: '/cluster/jobs/schedule-analyze',
    handle: (ctx, _p, query) => {
      const errors =
        checkParams(query, {
          schedule: { type: 'string' },
          starttime: { type: 'integer' },
          iterations: { type: 'integer' },
        }) ?? {}
      const schedule = query.get('schedule')
      if (schedule === null) errors.schedule = 'property is missing and it is not optional'
      else if (schedule.length > 128) errors.schedule = 'value may only be 128 characters long'
      const iterations = intParam(query, 'iterations') ?? 10
      if (!errors.iterations && (iterations < 1 || iterations > 100))
        errors.iterations = `value must have a minimum value of 1 and a maximum of 100`
      if (Object.keys(errors).length > 0) return fail(400, 'Parameter verification failed.', errors)
      const event = parseLabSchedule(schedule as string)
      if (typeof event === 'string')
        return fail(400, 'Parameter verification failed.', { schedule: event })
      const start = intParam(query, 'starttime') ?? ctx.model.now
      return ok(
        nextEvents(event, answeringZone(ctx), start, iterations).map((timestamp) => ({
          timestamp,
          utc: perlGmtime(timestamp),
        })),
      )
    },
  },
]
