// PVE backup jobs in the normalizer: which guests a job covers, how its runs went, and whether
// each guest's scheduled backup is done, due or missed.
import { describe, expect, it } from 'vitest'
import type { PveBackupJobFact, PveFacts } from '../../../../functions/collect/facts.ts'
import type { NormalizeResult } from '../../../../functions/normalize/index.ts'
import { ageStatus, getFilteredAge } from '../../../../shared/age.ts'
import type { PveBackupJob } from '../../../../shared/schema/jobs.ts'
import {
  DAY,
  guestOf,
  HOUR,
  makeArchive,
  makeGuest,
  makePbsFacts,
  makePbsSnapshot,
  makePbsStorage,
  makePveFacts,
  makeTask,
  NOW,
  normalize,
} from './builders.ts'

function makeJob(overrides: Partial<PveBackupJobFact> = {}): PveBackupJobFact {
  return {
    id: 'nightly',
    enabled: true,
    schedule: '21:00',
    all: true,
    vmids: [],
    exclude: [],
    storage: 'local',
    ...overrides,
  }
}

/** PVE's runs of a schedule, as schedule-analyze lists them: every `every` seconds. */
function runs(last: number, every: number, count = 10): number[] {
  return Array.from({ length: count }, (_, i) => last - (count - 1 - i) * every).concat(
    last + every,
  )
}

function jobOf(result: NormalizeResult, key: string): PveBackupJob {
  const job = result.jobs.pve.find((j) => j.key === key)
  if (!job) throw new Error(`no job ${key} in ${result.jobs.pve.map((j) => j.key).join(', ')}`)
  return job
}

const threeGuests = [
  makeGuest({ vmid: 100, node: 'pve1', pool: 'prod' }),
  makeGuest({ vmid: 101, node: 'pve1', name: 'db01' }),
  makeGuest({ vmid: 102, node: 'pve2', name: 'dns01', pool: 'prod' }),
]

function withJobs(jobs: PveBackupJobFact[], extra: Partial<PveFacts> = {}): PveFacts {
  return makePveFacts({
    guests: threeGuests,
    nodes: [
      { name: 'pve1', online: true },
      { name: 'pve2', online: true },
    ],
    backupJobs: jobs,
    schedules: [],
    pools: ['prod'],
    ...extra,
  })
}

describe('which guests a job covers', () => {
  const covers = (job: PveBackupJobFact, extra: Partial<PveFacts> = {}) =>
    jobOf(normalize({ pve: [withJobs([job], extra)] }), `cluster-a/${job.id}`).covers

  it('all minus exclude', () => {
    expect(covers(makeJob({ exclude: [101] }))).toEqual(['cluster-a/100', 'cluster-a/102'])
  })

  it('a vmid list, ignoring ids that are no guest', () => {
    expect(covers(makeJob({ all: false, vmids: [101, 999] }))).toEqual(['cluster-a/101'])
  })

  it('a pool, by the guests the resources list puts in it', () => {
    const job = makeJob({ all: false, pool: 'prod' })
    expect(covers(job)).toEqual(['cluster-a/100', 'cluster-a/102'])
    expect(jobOf(normalize({ pve: [withJobs([job])] }), 'cluster-a/nightly').selection).toEqual({
      mode: 'pool',
      vmids: [],
      pool: 'prod',
      exclude: [],
      node: null,
    })
  })

  it('a pool the token cannot see covers nothing known, and says why', () => {
    const job = makeJob({ all: false, pool: 'secret' })
    const result = normalize({ pve: [withJobs([job])] })
    expect(jobOf(result, 'cluster-a/nightly').covers).toEqual([])
    expect(result.warnings).toContainEqual(expect.stringContaining('Pool.Audit on /pool/secret'))
  })

  it('only the guests on the job node', () => {
    expect(covers(makeJob({ node: 'pve2' }))).toEqual(['cluster-a/102'])
    expect(covers(makeJob({ node: 'pve1', exclude: [100] }))).toEqual(['cluster-a/101'])
  })

  it('a disabled job covers nothing, though its selection is shown', () => {
    const job = makeJob({ enabled: false, all: false, vmids: [100] })
    const result = normalize({ pve: [withJobs([job], { schedules: [] })] })
    const listed = jobOf(result, 'cluster-a/nightly')
    expect([listed.covers, listed.selection.vmids, listed.nextRun]).toEqual([[], [100], null])
    expect(guestOf(result, 'cluster-a/100').schedule).toBeNull()
  })
})

describe('the last run of a job', () => {
  const scheduled = NOW - 10 * HOUR
  const schedules = [{ schedule: '21:00', runs: runs(scheduled, DAY) }]
  const facts = (tasks: PveFacts['tasks'], extra: Partial<PveFacts> = {}) =>
    withJobs([makeJob({ all: false, vmids: [100, 101, 105] })], { schedules, tasks, ...extra })

  it('names the guest that failed in a multi-guest run, with its error text', () => {
    const task = makeTask({
      starttime: scheduled + 4,
      endtime: scheduled + 900,
      outcome: 'failed',
      status: 'job errors',
      guests: [
        { vmid: 100, outcome: 'ok' },
        { vmid: 101, outcome: 'failed', error: 'no space left on device' },
        // 105 is gone since: still named, without a guest key.
        { vmid: 105, outcome: 'failed', error: "unable to find VM '105'" },
      ],
    })
    const job = jobOf(normalize({ pve: [facts([task])] }), 'cluster-a/nightly')
    expect(job.lastRun).toEqual({
      upid: task.upid,
      node: 'pve1',
      start: scheduled + 4,
      end: scheduled + 900,
      outcome: 'failed',
      status: 'job errors',
      failed: [
        { vmid: 101, key: 'cluster-a/101', error: 'no space left on device' },
        { vmid: 105, key: null, error: "unable to find VM '105'" },
      ],
      matchedByTime: true,
    })
  })

  it('joins the tasks every node started for one scheduled run into one run', () => {
    const pve1 = makeTask({ starttime: scheduled + 2, endtime: scheduled + 600 })
    const pve2 = makeTask({
      upid: 'UPID:pve2:00000001:00000001:00000000:vzdump:102:root@pam:',
      node: 'pve2',
      id: '102',
      starttime: scheduled + 3,
      endtime: scheduled + 1200,
      outcome: 'warning',
      status: 'WARNINGS: 1',
      guests: [{ vmid: 102, outcome: 'ok' }],
    })
    const job = jobOf(
      normalize({
        pve: [withJobs([makeJob()], { schedules, tasks: [pve1, pve2] })],
      }),
      'cluster-a/nightly',
    )
    expect(job.lastRun).toMatchObject({
      upid: pve2.upid,
      node: 'pve2',
      start: scheduled + 2,
      end: scheduled + 1200,
      outcome: 'warning',
      status: 'WARNINGS: 1',
      failed: [],
    })
    expect(job.typicalDuration).toBe(1198)
  })

  it('is running while a task of the run is, and the usual duration is the median of ended runs', () => {
    const ended = [60, 100, 200].map((minutes, i) =>
      makeTask({
        starttime: scheduled - (i + 1) * DAY + 5,
        endtime: scheduled - (i + 1) * DAY + 5 + minutes * 60,
      }),
    )
    const running = makeTask({
      starttime: scheduled + 5,
      endtime: undefined,
      outcome: 'running',
      status: 'RUNNING',
      guests: [{ vmid: 100, outcome: 'running' }],
    })
    const job = jobOf(normalize({ pve: [facts([running, ...ended])] }), 'cluster-a/nightly')
    expect(job.lastRun).toMatchObject({ outcome: 'running', end: null, start: scheduled + 5 })
    expect(job.typicalDuration).toBe(100 * 60)
  })

  it('takes an off-schedule run ("Run now") that backed up exactly the job\'s guests', () => {
    const runNow = makeTask({
      starttime: NOW - 3 * HOUR,
      endtime: NOW - 2 * HOUR,
      logRead: true,
      guests: [
        { vmid: 100, outcome: 'ok' },
        { vmid: 101, outcome: 'ok' },
      ],
    })
    const manualOne = makeTask({
      starttime: NOW - HOUR,
      endtime: NOW - HOUR + 60,
      id: '100',
      guests: [{ vmid: 100, outcome: 'ok' }],
    })
    const job = jobOf(normalize({ pve: [facts([manualOne, runNow])] }), 'cluster-a/nightly')
    expect(job.lastRun).toMatchObject({ upid: runNow.upid, matchedByTime: false })
  })

  it("does not take a task at the scheduled time whose guests are another job's", () => {
    const other = makeJob({ id: 'other', all: false, vmids: [102] })
    const task = makeTask({ starttime: scheduled + 5, guests: [{ vmid: 102, outcome: 'ok' }] })
    const result = normalize({
      pve: [
        withJobs([makeJob({ all: false, vmids: [100, 101] }), other], {
          schedules,
          tasks: [task],
        }),
      ],
    })
    expect(jobOf(result, 'cluster-a/nightly').lastRun).toBeNull()
    expect(jobOf(result, 'cluster-a/other').lastRun?.upid).toBe(task.upid)
    // Nor when no job selects its guest: a manual backup that happened to start then.
    const alone = normalize({
      pve: [withJobs([makeJob({ all: false, vmids: [100, 101] })], { schedules, tasks: [task] })],
    })
    expect(jobOf(alone, 'cluster-a/nightly').lastRun).toBeNull()
  })

  it('has no last run and no usual duration before a run is seen', () => {
    const job = jobOf(normalize({ pve: [facts([])] }), 'cluster-a/nightly')
    expect([job.lastRun, job.typicalDuration, job.previousRun, job.nextRun]).toEqual([
      null,
      null,
      scheduled,
      scheduled + DAY,
    ])
  })
})

describe('due and missed', () => {
  it('a weekly guest backed up at its run is fine on day 3, where the thresholds say overdue', () => {
    const weeklyRun = NOW - 3 * DAY - HOUR
    const facts = withJobs([makeJob({ id: 'weekly', schedule: 'sat 06:00' })], {
      guests: [makeGuest()],
      schedules: [{ schedule: 'sat 06:00', runs: runs(weeklyRun, 7 * DAY) }],
      backups: [makeArchive({ ctime: weeklyRun + 30 })],
    })
    const record = guestOf(normalize({ pve: [facts] }), 'cluster-a/100')
    expect(ageStatus(getFilteredAge(record, 'all', NOW))).toBe('overdue')
    expect(record.schedule).toEqual({
      state: 'ok',
      jobs: ['cluster-a/weekly'],
      previousRun: weeklyRun,
      nextRun: weeklyRun + 7 * DAY,
      deadline: weeklyRun + HOUR,
      missedSince: null,
    })
  })

  // 21:00 last night, 09:00 now: the nightly run left no new backup.
  const lastNight = NOW - 12 * HOUR
  const nightly = (extra: Partial<PveFacts> = {}) =>
    withJobs([makeJob()], {
      guests: [makeGuest()],
      schedules: [{ schedule: '21:00', runs: runs(lastNight, DAY) }],
      backups: [makeArchive({ ctime: lastNight - DAY + 60 })],
      ...extra,
    })

  it('a nightly guest whose run left no backup is missed the next morning, since the deadline', () => {
    const record = guestOf(normalize({ pve: [nightly()] }), 'cluster-a/100')
    expect(record.schedule).toMatchObject({
      state: 'missed',
      previousRun: lastNight,
      deadline: lastNight + HOUR,
      missedSince: lastNight + HOUR,
    })
  })

  it("the grace is twice the job's usual run time when that is over half an hour", () => {
    const tasks = [1, 2, 3].map((d) =>
      makeTask({ starttime: lastNight - d * DAY + 3, endtime: lastNight - d * DAY + 3 + 2 * HOUR }),
    )
    const record = guestOf(normalize({ pve: [nightly({ tasks })] }), 'cluster-a/100')
    expect(record.schedule).toMatchObject({ state: 'missed', missedSince: lastNight + 4 * HOUR })
  })

  it('is due until the deadline, and with a configured grace until that one', () => {
    const soon = normalize({ pve: [nightly()], now: lastNight + 30 * 60 })
    expect(guestOf(soon, 'cluster-a/100').schedule?.state).toBe('due')
    const lenient = normalize({ pve: [nightly()], missedGraceSeconds: 13 * HOUR })
    expect(guestOf(lenient, 'cluster-a/100').schedule).toMatchObject({
      state: 'due',
      deadline: lastNight + 13 * HOUR,
      missedSince: null,
    })
  })

  it('a guest being backed up past its deadline is due, not missed', () => {
    const running = makeTask({
      starttime: lastNight + 2,
      endtime: undefined,
      outcome: 'running',
      status: 'RUNNING',
      guests: [{ vmid: 100, outcome: 'running' }],
    })
    const record = guestOf(normalize({ pve: [nightly({ tasks: [running] })] }), 'cluster-a/100')
    expect([record.backingUp, record.schedule?.state, record.schedule?.missedSince]).toEqual([
      true,
      'due',
      null,
    ])
  })

  it("counts only a backup on the job's storage", () => {
    const elsewhere = makeArchive({ storage: 'nas-nfs', ctime: lastNight + 300 })
    const record = guestOf(normalize({ pve: [nightly({ backups: [elsewhere] })] }), 'cluster-a/100')
    expect(record.schedule?.state).toBe('missed')
    const there = makeArchive({ ctime: lastNight + 300 })
    const fine = guestOf(normalize({ pve: [nightly({ backups: [there] })] }), 'cluster-a/100')
    expect(fine.schedule?.state).toBe('ok')
  })

  it("counts a PBS snapshot a PBS source reported, through the job's PBS-type storage", () => {
    const facts = nightly({
      backupJobs: [makeJob({ storage: 'pbs-main' })],
      storages: [makePbsStorage()],
      backups: [],
    })
    const pbs = makePbsFacts({ snapshots: [makePbsSnapshot({ backupTime: lastNight + 120 })] })
    const record = guestOf(normalize({ pve: [facts], pbs: [pbs] }), 'cluster-a/100')
    expect(record.schedule?.state).toBe('ok')
  })

  it('a guest takes its worst job: a weekly miss is not hidden by a nightly success', () => {
    const weeklyRun = NOW - 2 * DAY
    const facts = withJobs(
      [makeJob(), makeJob({ id: 'weekly', schedule: 'fri 07:00', storage: 'nas-nfs' })],
      {
        guests: [makeGuest()],
        schedules: [
          { schedule: '21:00', runs: runs(lastNight, DAY) },
          { schedule: 'fri 07:00', runs: runs(weeklyRun, 7 * DAY) },
        ],
        backups: [makeArchive({ ctime: lastNight + 60 })],
      },
    )
    expect(guestOf(normalize({ pve: [facts] }), 'cluster-a/100').schedule).toEqual({
      state: 'missed',
      jobs: ['cluster-a/nightly', 'cluster-a/weekly'],
      previousRun: weeklyRun,
      nextRun: lastNight + DAY,
      deadline: weeklyRun + HOUR,
      missedSince: weeklyRun + HOUR,
    })
  })

  it('leaves the age thresholds to guests in no enabled job, and when jobs are unknown', () => {
    const uncovered = withJobs([makeJob({ all: false, vmids: [101] })], {
      schedules: [{ schedule: '21:00', runs: runs(lastNight, DAY) }],
    })
    expect(guestOf(normalize({ pve: [uncovered] }), 'cluster-a/100').schedule).toBeNull()
    const unknown = nightly({ backupJobs: null })
    const result = normalize({ pve: [unknown] })
    expect([guestOf(result, 'cluster-a/100').schedule, result.jobs.pve]).toEqual([null, []])
  })
})

describe('tags and pool', () => {
  it('are always on the record: PVE tags split on ; , and spaces', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          guests: [
            makeGuest({ vmid: 100, tags: 'prod;web, db  prod', pool: 'prod' }),
            makeGuest({ vmid: 101 }),
          ],
        }),
      ],
    })
    expect([guestOf(result, 'cluster-a/100').tags, guestOf(result, 'cluster-a/100').pool]).toEqual([
      ['prod', 'web', 'db'],
      'prod',
    ])
    expect([guestOf(result, 'cluster-a/101').tags, guestOf(result, 'cluster-a/101').pool]).toEqual([
      [],
      null,
    ])
  })
})
