// PBS health in the lab model: usage of each datastore (used from its snapshots, deduplicated),
// PBS's full-date estimate, backends, a removable store that is not mounted, GC states, and the
// verify / prune / sync jobs with each form of `last-run-state`: `OK`, `WARNINGS: 2` and the
// bare error text PBS's verify job ends with. Job times are at their schedules before `now`
// (the PBS host runs in UTC, so a calendar event's hour is a UTC hour).
import type { LabFacts } from './model.ts'
import type { Rng } from './prng.ts'
import type { PbsDatastore, PbsJob, PbsJobRun, PbsServer } from './types.ts'
import { pbsUpid } from './upid.ts'

const DAY = 86_400
const TIB = 1024 ** 4

/** What PBS's verify job bails out with when a snapshot failed (src/server/verify_job.rs). */
export const VERIFY_FAILED_TEXT = 'verification failed - please check the log for details'

/** The newest time ≤ now at `hour`:`minute` UTC on one of `weekdays` (0 = Sunday; all if empty). */
function previousAt(now: number, hour: number, minute: number, weekdays: number[] = []): number {
  let t = Math.floor(now / DAY) * DAY + hour * 3600 + minute * 60
  while (t > now || (weekdays.length > 0 && !weekdays.includes(new Date(t * 1000).getUTCDay())))
    t -= DAY
  return t
}

function nextAt(now: number, hour: number, minute: number, weekdays: number[] = []): number {
  let t = previousAt(now, hour, minute, weekdays) + DAY
  while (weekdays.length > 0 && !weekdays.includes(new Date(t * 1000).getUTCDay())) t += DAY
  return t
}

function run(
  rng: Rng,
  type: string,
  workerId: string,
  start: number,
  duration?: number,
  state?: string,
): PbsJobRun {
  const upid = pbsUpid({
    node: 'pbs',
    pid: rng.int(1000, 400000),
    pstart: 123456,
    taskId: rng.int(1, 65535),
    starttime: start,
    type,
    workerId,
    authId: 'root@pam',
  })
  return duration === undefined ? { upid, start } : { upid, start, end: start + duration, state }
}

/** Logical bytes of a store's finished snapshots, as PBS would hold them after deduplication. */
function storedBytes(ds: PbsDatastore): number {
  let logical = 0
  for (const g of ds.groups) for (const s of g.snapshots) logical += s.size ?? 0
  return Math.floor(logical / 9)
}

export function addPbsHealth(
  server: PbsServer,
  verifyJobId: string,
  rng: Rng,
  now: number,
): LabFacts['pbsHealth'] {
  const main = server.datastores[0] as PbsDatastore
  const offsite = server.datastores.find((d) => d.store === 'offsite')
  main.backend = 'filesystem'
  main.usage = {
    total: 4 * TIB,
    // Big guests' snapshots can add up to more than the store holds: PBS would be full, which
    // is not this store's story (it fills up in 143 days).
    used: Math.min(Math.max(storedBytes(main), 900 * 1024 ** 3), Math.floor(0.7 * 4 * TIB)),
    sampledAt: now,
  }
  main.estimatedFull = now + 143 * DAY + 7 * 3600
  // Each run started at its schedule and finished before now (previousAt(now - duration)).
  const gcStart = previousAt(now - 1840, 0, 0)
  main.gc = {
    schedule: 'daily',
    nextRun: nextAt(now, 0, 0),
    lastRun: run(rng, 'garbage_collection', main.store, gcStart, 1840, 'OK'),
    removedBytes: 48_318_382_080,
    pendingBytes: 3_221_225_472,
  }
  for (const ds of server.datastores.slice(1)) {
    const s3 = ds === offsite
    ds.backend = s3 ? 's3' : 'filesystem'
    ds.usage = {
      total: (s3 ? 16 : 2) * TIB,
      used: Math.max(storedBytes(ds), 64 * 1024 ** 3),
      sampledAt: now,
    }
    // Flat usage: PBS's fit gives a date in the past, which means "not filling up".
    ds.estimatedFull = now - 38 * DAY
    // The S3 store's GC is running (started by hand): its last finished run is still shown.
    const lastStart = previousAt(now - 9_300 - (s3 ? 7 * DAY : 0), 2, 0, [6])
    ds.gc = {
      schedule: 'sat 02:00',
      nextRun: nextAt(now, 2, 0, [6]),
      lastRun: run(rng, 'garbage_collection', ds.store, lastStart, 9_300, 'OK'),
      ...(s3 ? { running: true } : {}),
      removedBytes: 1_073_741_824,
      pendingBytes: 0,
    }
  }
  const removable: PbsDatastore = {
    store: 'usb-weekly',
    comment: 'weekly USB rotation',
    namespaces: [''],
    groups: [],
    removable: { mounted: false },
    backend: 'filesystem',
  }
  server.datastores.push(removable)

  const target = offsite ?? main
  const verifyStart = previousAt(now - 2_710, 6, 0)
  const syncStart = Math.floor((now - 312) / 3600) * 3600
  const jobs: PbsJob[] = [
    {
      kind: 'verify',
      id: verifyJobId,
      store: main.store,
      schedule: '06:00',
      nextRun: nextAt(now, 6, 0),
      comment: 'nightly verify of new snapshots',
      lastRun: run(
        rng,
        'verificationjob',
        `${main.store}:${verifyJobId}`,
        verifyStart,
        2_710,
        VERIFY_FAILED_TEXT,
      ),
    },
    {
      kind: 'verify',
      id: 'v-weekly-offsite',
      store: target.store,
      schedule: 'sun 05:00',
      nextRun: nextAt(now, 5, 0, [0]),
      lastRun: run(
        rng,
        'verificationjob',
        `${target.store}:v-weekly-offsite`,
        previousAt(now - 5_400, 5, 0, [0]),
        5_400,
        'OK',
      ),
    },
    {
      kind: 'prune',
      id: 'p-daily',
      store: main.store,
      schedule: 'daily',
      nextRun: nextAt(now, 0, 0),
      comment: 'keep 7 daily, 4 weekly',
      lastRun: run(rng, 'prunejob', `${main.store}:p-daily`, gcStart - 600, 42, 'OK'),
    },
    // Disabled before it ever ran: no next run, no last run.
    { kind: 'prune', id: 'p-offsite-old', store: target.store, schedule: 'weekly', disable: true },
    // A local sync (no remote), listed with Datastore.Audit on both stores. One pulling from a
    // remote is listed only to a token that also has Remote.Audit on /remote/<remote>.
    {
      kind: 'sync',
      id: 's-copy-main',
      store: target.store,
      schedule: 'hourly',
      nextRun: Math.floor(now / 3600) * 3600 + 3600,
      // Without an offsite store (preset tiny), store1 takes copies from the USB rotation.
      remoteStore: target === main ? removable.store : main.store,
      comment: target === main ? 'copies from the USB rotation' : 'copy of store1',
      lastRun: run(
        rng,
        'syncjob',
        `${target === main ? removable.store : main.store}:${target.store}::s-copy-main`,
        syncStart,
        312,
        'WARNINGS: 2',
      ),
    },
  ]
  server.jobs = jobs
  return {
    removableStore: removable.store,
    s3Store: offsite?.store ?? null,
    filling: { store: main.store, estimatedFull: main.estimatedFull },
    failedJob: { kind: 'verify', id: verifyJobId, store: main.store, state: VERIFY_FAILED_TEXT },
    warningJob: { kind: 'sync', id: 's-copy-main', store: target.store, warnings: 2 },
    runningGc: offsite?.store ?? null,
  }
}
