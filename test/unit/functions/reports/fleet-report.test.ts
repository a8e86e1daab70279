// The fleet digest line: what it counts (templates never; a covered guest by its schedule, an
// uncovered one by the age thresholds), which stores it names (full within 30 days, soonest
// first, told apart when two share a name), and the words (singular, plural, full already).
import { describe, expect, it } from 'vitest'
import { fleetReport } from '../../../../functions/reports/fleet-report.ts'
import { DEFAULT_THRESHOLDS } from '../../../../shared/age.ts'
import type { GuestSchedule, GuestSummary } from '../../../../shared/schema/guest.ts'
import type { JobsIndex, PbsJob, PveBackupJob } from '../../../../shared/schema/jobs.ts'
import type { BackupStorage, Datastore, StorageIndex } from '../../../../shared/schema/storage.ts'

const NOW = 1_749_366_000
const HOUR = 3_600
const DAY = 86_400

function guest(
  vmid: number,
  backupAgo: number | null,
  extra: Partial<GuestSummary> = {},
): GuestSummary {
  const time = backupAgo === null ? null : NOW - backupAgo
  return {
    key: `homelab/${vmid}`,
    cluster: 'homelab',
    guestId: vmid,
    guestName: `g${vmid}`,
    type: 'qemu',
    node: 'pve1',
    status: 'running',
    template: false,
    latestBackupTime: time,
    latestTimes: { pve: time, pbs: null, snapshots: null },
    lastJob: null,
    covered: true,
    backingUp: false,
    ambiguousSnapshots: 0,
    counts: { pve: time === null ? 0 : 1, pbs: 0, snapshots: 0 },
    schedule: null,
    ...extra,
  }
}

const schedule = (state: GuestSchedule['state']): GuestSchedule => ({
  state,
  jobs: ['homelab/nightly'],
  previousRun: NOW - 10 * HOUR,
  nextRun: NOW + 14 * HOUR,
  deadline: NOW - 8 * HOUR,
  missedSince: state === 'missed' ? NOW - 8 * HOUR : null,
})

function pveJob(id: string, outcome: 'ok' | 'failed'): PveBackupJob {
  return {
    key: `homelab/${id}`,
    cluster: 'homelab',
    id,
    enabled: true,
    schedule: '21:00',
    nextRun: null,
    previousRun: null,
    storage: 'local',
    mode: 'snapshot',
    selection: { mode: 'all', vmids: [], pool: null, exclude: [], node: null },
    comment: null,
    notificationMode: null,
    covers: [],
    lastRun: {
      upid: `UPID:${id}`,
      node: 'pve1',
      start: NOW - 10 * HOUR,
      end: NOW - 9 * HOUR,
      outcome,
      status: outcome === 'ok' ? 'OK' : 'job errors',
      failed: [],
      matchedByTime: true,
    },
    typicalDuration: 3600,
  }
}

function pbsJob(id: string, outcome: PbsJob['outcome']): PbsJob {
  return {
    key: `pbs/verify/${id}`,
    source: 'pbs',
    kind: 'verify',
    id,
    store: 'store1',
    schedule: 'daily',
    nextRun: null,
    lastRunEnd: NOW - HOUR,
    lastRunState: outcome === 'failed' ? 'verification failed' : 'OK',
    outcome,
    warnings: 0,
    error: outcome === 'failed' ? 'verification failed' : null,
    comment: null,
  }
}

function datastore(source: string, store: string, estimatedFull: number | null): Datastore {
  return {
    key: `${source}/${store}`,
    source,
    store,
    comment: null,
    total: 100,
    used: 50,
    avail: 50,
    estimatedFull,
    error: null,
    maintenance: null,
    mountStatus: null,
    backend: null,
    gc: null,
    held: null,
  }
}

function storage(
  key: string,
  name: string,
  nodes: string[],
  estimatedFull: number | null,
): BackupStorage {
  return {
    key,
    cluster: 'homelab',
    storage: name,
    type: 'dir',
    shared: nodes.length > 1,
    nodes,
    used: 50,
    total: 100,
    estimatedFull,
    samples: 10,
    active: true,
  }
}

const noJobs: JobsIndex = { pve: [], pbs: [] }
const noStorage: StorageIndex = { storages: [], datastores: [] }
const report = (
  guests: GuestSummary[],
  jobs: JobsIndex = noJobs,
  store: StorageIndex = noStorage,
) => fleetReport({ guests, jobs, storage: store, now: NOW, thresholds: DEFAULT_THRESHOLDS })

describe('the fleet digest line', () => {
  it("reads like the issue's example", () => {
    const guests = [
      ...Array.from({ length: 42 }, (_, i) => guest(100 + i, 5 * HOUR)),
      ...Array.from({ length: 3 }, (_, i) => guest(200 + i, 4 * DAY)),
    ]
    const jobs = {
      pve: [pveJob('nightly', 'failed'), pveJob('weekly', 'ok')],
      pbs: [pbsJob('v1', 'failed')],
    }
    const store = {
      storages: [],
      datastores: [
        datastore('pbs', 'store1', NOW + 23 * DAY - HOUR),
        datastore('pbs', 'offsite', NOW + 90 * DAY),
      ],
    }
    const r = report(guests, jobs, store)
    expect(r.text).toBe('42 of 45 guests fresh · 2 jobs failed · store1 full in 23 days')
    expect(r.failedJobs).toEqual(['homelab/nightly', 'pbs/verify/v1'])
    expect(r.stores.map((s) => s.key)).toEqual(['pbs/store1'])
  })

  it('counts a covered guest by its schedule, others by age; never templates', () => {
    const r = report([
      guest(1, 4 * DAY, { schedule: schedule('ok') }), // weekly: fine on day 4
      guest(2, 2 * HOUR, { schedule: schedule('missed') }),
      guest(3, 30 * HOUR, { schedule: schedule('due') }),
      guest(4, 30 * HOUR), // stale by the thresholds
      guest(5, null),
      guest(6, null, { template: true }),
    ])
    expect(r.guests).toBe(5)
    expect(r.fresh).toBe(2)
    expect(r.missed).toBe(1)
    expect(r.never).toBe(1)
    expect(r.text).toBe(
      '2 of 5 guests fresh · 1 missed a scheduled backup · 1 guest never backed up',
    )
  })

  it('names stores full within 30 days, soonest first, apart when they share a name', () => {
    const store: StorageIndex = {
      storages: [
        storage('homelab/pve1/local', 'local', ['pve1'], NOW + 10 * DAY),
        storage('homelab/pve2/local', 'local', ['pve2'], NOW - DAY),
        storage('homelab/nas', 'nas', ['pve1', 'pve2'], NOW + 31 * DAY),
        storage('homelab/usb', 'usb', ['pve1', 'pve2'], NOW + 5 * HOUR),
      ],
      datastores: [datastore('pbs', 'store1', NOW + 2 * DAY), datastore('pbs2', 'store1', null)],
    }
    const r = report([guest(1, HOUR)], { pve: [pveJob('n', 'failed')], pbs: [] }, store)
    expect(r.parts).toEqual([
      '1 of 1 guest fresh',
      '1 job failed',
      'local on pve2 full',
      'usb full within a day',
      'pbs/store1 full in 2 days',
      'local on pve1 full in 10 days',
    ])
  })

  it('says so when there is nothing to count', () => {
    expect(report([]).text).toBe('no guests')
  })
})
