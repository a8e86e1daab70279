// A MetricsInput with one of everything the exposition distinguishes: guests with every, some
// and no backup type, odd names, both verification outcomes, each schedule state; PVE jobs
// ok / failed / running / never run; PBS jobs ok / warnings / error / never; shared and local
// storages with and without sizes; sources up, down and never refreshed; alerts on guests and
// on other subjects; counters.
import type { FiringAlert, MetricsInput } from '../../../../functions/metrics/input.ts'
import type { GuestSummary } from '../../../../shared/schema/guest.ts'
import type { PbsJob, PveBackupJob } from '../../../../shared/schema/jobs.ts'
import type { SourceStatus } from '../../../../shared/schema/status.ts'
import type { BackupStorage, Datastore } from '../../../../shared/schema/storage.ts'

/** 2025-06-08T07:00:00Z. */
export const NOW = 1_749_366_000
export const HOUR = 3_600

/** Names that break a careless writer: quotes, backslashes, line feeds, `}`/`,`/`=`, unicode. */
export const ODD_NAMES = [
  'web "front" \\ edge\nline two',
  'C:\\DIR\\FILE.TXT',
  'a},b="c"',
  'Ünïcødé 🚀 сервер 数据库',
  '\\n is not a line feed',
  'ends in backslash \\',
  'first line\nsecond line',
] as const

export function guest(overrides: Partial<GuestSummary> & { cluster: string; guestId: number }) {
  const summary: GuestSummary = {
    key: `${overrides.cluster}/${overrides.guestId}`,
    guestName: `guest-${overrides.guestId}`,
    type: 'qemu',
    node: 'pve1',
    status: 'running',
    template: false,
    latestBackupTime: null,
    latestTimes: { pve: null, pbs: null, snapshots: null },
    lastJob: null,
    covered: true,
    backingUp: false,
    ambiguousSnapshots: 0,
    counts: { pve: 0, pbs: 0, snapshots: 0 },
    ...overrides,
  }
  return summary
}

function pveJob(id: string, overrides: Partial<PveBackupJob> = {}): PveBackupJob {
  return {
    key: `homelab/${id}`,
    cluster: 'homelab',
    id,
    enabled: true,
    schedule: '21:00',
    nextRun: NOW + 14 * HOUR,
    previousRun: NOW - 10 * HOUR,
    storage: 'nfs-backup',
    mode: 'snapshot',
    selection: { mode: 'all', vmids: [], pool: null, exclude: [], node: null },
    comment: null,
    notificationMode: null,
    covers: [],
    lastRun: null,
    typicalDuration: null,
    ...overrides,
  }
}

function run(outcome: 'ok' | 'warning' | 'failed' | 'running', end: number | null, failed = 0) {
  return {
    upid: `UPID:pve1:1:2:3:vzdump::root@pam:`,
    node: 'pve1',
    start: (end ?? NOW) - HOUR,
    end,
    outcome,
    status: outcome === 'ok' ? 'OK' : 'job errors',
    failed: Array.from({ length: failed }, (_, i) => ({ vmid: 200 + i, key: null, error: 'boom' })),
    matchedByTime: false,
  }
}

function pbsJob(kind: PbsJob['kind'], id: string, overrides: Partial<PbsJob> = {}): PbsJob {
  return {
    key: `pbs/${kind}/${id}`,
    source: 'pbs',
    kind,
    id,
    store: 'store1',
    schedule: 'daily',
    nextRun: NOW + 5 * HOUR,
    lastRunEnd: NOW - 19 * HOUR,
    lastRunState: 'OK',
    outcome: 'ok',
    warnings: 0,
    error: null,
    comment: null,
    ...overrides,
  }
}

function storage(overrides: Partial<BackupStorage> & { key: string; storage: string }) {
  const value: BackupStorage = {
    cluster: 'homelab',
    type: 'nfs',
    shared: true,
    nodes: ['pve1', 'pve2'],
    used: null,
    total: null,
    estimatedFull: null,
    samples: 0,
    active: true,
    ...overrides,
  }
  return value
}

function datastore(store: string, overrides: Partial<Datastore> = {}): Datastore {
  return {
    key: `pbs/${store}`,
    source: 'pbs',
    store,
    comment: null,
    total: null,
    used: null,
    avail: null,
    estimatedFull: null,
    error: null,
    maintenance: null,
    mountStatus: null,
    backend: null,
    gc: null,
    held: null,
    ...overrides,
  }
}

function source(overrides: Partial<SourceStatus> & { id: string; kind: 'pve' | 'pbs' }) {
  const value: SourceStatus = {
    lastAttempt: NOW - 600,
    lastSuccess: NOW - 600,
    lastError: null,
    stale: false,
    warnings: [],
    deferred: 0,
    counts: { guests: 0, backups: 0, snapshots: 0 },
    ...overrides,
  }
  return value
}

export const FULL = guest({
  cluster: 'homelab',
  guestId: 101,
  guestName: 'db01',
  pool: 'prod',
  latestBackupTime: NOW - 11 * HOUR,
  latestTimes: { pve: NOW - 17 * HOUR, pbs: NOW - 11 * HOUR, snapshots: NOW - 2 * HOUR },
  latestSizes: { pve: 1_500_000_000, pbs: 34_359_739_548 },
  counts: { pve: 3, pbs: 10, snapshots: 1 },
  verification: { latest: 'ok', latestVerified: NOW - 11 * HOUR },
  schedule: {
    state: 'ok',
    jobs: ['homelab/backup-nightly'],
    previousRun: NOW - 10 * HOUR,
    nextRun: NOW + 14 * HOUR,
    deadline: NOW - 6 * HOUR,
    missedSince: null,
  },
})

/** Odd name, a PVE archive only (size unknown), verification failed, schedule missed. */
export const ODD = guest({
  cluster: 'homelab',
  guestId: 102,
  guestName: ODD_NAMES[0],
  type: 'lxc',
  node: 'pve2',
  latestBackupTime: NOW - 50 * HOUR,
  latestTimes: { pve: NOW - 50 * HOUR, pbs: null, snapshots: null },
  latestSizes: { pve: null, pbs: null },
  verification: { latest: 'failed', latestVerified: null },
  schedule: {
    state: 'missed',
    jobs: ['homelab/backup-nightly'],
    previousRun: NOW - 10 * HOUR,
    nextRun: NOW + 14 * HOUR,
    deadline: NOW - 6 * HOUR,
    missedSince: NOW - 6 * HOUR,
  },
})

/** Same VMID as FULL in another cluster; no backup at all; no name yet; a template. */
export const NEVER = guest({
  cluster: 'office',
  guestId: 101,
  guestName: null,
  template: true,
  covered: false,
  schedule: null,
  verification: null,
})

/** Never-verified PBS snapshot, schedule due, and a summary from before latestSizes existed. */
export const DUE = guest({
  cluster: 'office',
  guestId: 300,
  guestName: ODD_NAMES[3],
  latestBackupTime: NOW - 30 * HOUR,
  latestTimes: { pve: null, pbs: NOW - 30 * HOUR, snapshots: null },
  verification: { latest: 'none', latestVerified: NOW - 80 * HOUR },
  schedule: {
    state: 'due',
    jobs: ['office/weekly'],
    previousRun: NOW - HOUR,
    nextRun: NOW + 6 * 24 * HOUR,
    deadline: NOW + 3 * HOUR,
    missedSince: null,
  },
})

export const FIRING: FiringAlert[] = [
  { alertId: 'a1', rule: 'missed', severity: 'critical', subjectKey: ODD.key },
  { alertId: 'a2', rule: 'verification-failed', severity: 'warning', subjectKey: ODD.key },
  { alertId: 'a3', rule: 'job-failed', severity: 'warning', subjectKey: 'homelab/weekly' },
  { alertId: 'a4', rule: 'source-down', severity: 'critical', subjectKey: 'office' },
  // Listed twice by a careless caller: still one alert and one series.
  { alertId: 'a1', rule: 'missed', severity: 'critical', subjectKey: ODD.key },
]

export function fullInput(overrides: Partial<MetricsInput> = {}): MetricsInput {
  return {
    now: NOW,
    index: {
      guests: [
        FULL,
        ODD,
        NEVER,
        DUE,
        ...ODD_NAMES.slice(1).map((name, i) =>
          guest({ cluster: 'odd', guestId: 900 + i, guestName: name }),
        ),
      ],
      orphans: [],
      ambiguous: [],
    },
    jobs: {
      pve: [
        pveJob('backup-nightly', { lastRun: run('ok', NOW - 9 * HOUR) }),
        pveJob('weekly', { lastRun: run('failed', NOW - 30 * HOUR, 2) }),
        pveJob('hourly', { lastRun: run('running', null) }),
        pveJob('old', { enabled: false, nextRun: null }),
      ],
      pbs: [
        pbsJob('verify', 'v-store1'),
        pbsJob('prune', 'p-store1', {
          lastRunState: 'WARNINGS: 2',
          outcome: 'warning',
          warnings: 2,
        }),
        pbsJob('gc', 'store1', {
          lastRunState: 'unable to open chunk store',
          outcome: 'failed',
          error: 'unable to open chunk store',
        }),
        pbsJob('sync', 's-remote', {
          lastRunEnd: null,
          lastRunState: null,
          outcome: 'never',
          nextRun: null,
        }),
      ],
    },
    storage: {
      storages: [
        storage({
          key: 'homelab/nfs-backup',
          storage: 'nfs-backup',
          used: 2_000_000_000_000,
          total: 8_000_000_000_000,
          estimatedFull: NOW + 90 * 24 * HOUR,
          samples: 12,
        }),
        storage({
          key: 'homelab/pve2/local',
          storage: 'local',
          type: 'dir',
          shared: false,
          nodes: ['pve2'],
        }),
      ],
      datastores: [
        datastore('store1', {
          total: 4_000_000_000_000,
          used: 3_000_000_000_000,
          avail: 900_000_000_000,
          estimatedFull: NOW + 23 * 24 * HOUR,
        }),
        datastore('offsite'),
      ],
    },
    sources: [
      source({ id: 'homelab', kind: 'pve' }),
      source({
        id: 'office',
        kind: 'pve',
        lastSuccess: NOW - 7200,
        lastError: { kind: 'network', message: 'timed out', at: NOW - 600 },
        stale: true,
      }),
      source({ id: 'pbs', kind: 'pbs', lastAttempt: null, lastSuccess: null }),
    ],
    lastRefresh: { finishedAt: NOW - 590 },
    counters: { refreshes: 42, notificationsSent: 7 },
    firing: FIRING,
    ...overrides,
  }
}
