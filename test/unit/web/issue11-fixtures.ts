// Fixtures for the dashboard's jobs, storage, schedule, verification, orphan and permission
// views (issue 11), for the unit tests and the browser tests alike. Every one is parsed with
// the shared schema it claims to be, so a contract change breaks them here, not silently.
import * as z from 'zod/mini'
import {
  type GuestSchedule,
  type GuestVerification,
  type Orphan,
  type OrphanRecord,
  OrphanRecordSchema,
  OrphanSchema,
} from '../../../shared/schema/guest.ts'
import { type JobsIndex, JobsIndexSchema } from '../../../shared/schema/jobs.ts'
import { type SourceStatus, SourceStatusSchema } from '../../../shared/schema/status.ts'
import { type StorageIndex, StorageIndexSchema } from '../../../shared/schema/storage.ts'

const HOUR = 3_600
const DAY = 86_400
const GiB = 1024 ** 3
const TiB = 1024 ** 4

/** Guests the jobs cover: keys that exist where the fixture is used. */
export interface FixtureGuests {
  cluster: string
  /** Four existing guests' VMIDs: covered, failed in the weekly run, and so on. */
  vmids: [number, number, number, number]
}

/** The sync job's error text: a failure that never says "error". */
export const SYNC_FAILURE = 'remote "offsite" unreachable: connection refused'
export const WEEKLY_FAILURE = 'unable to create temporary directory: No space left on device'

export function jobsFixture(now: number, g: FixtureGuests): JobsIndex {
  const [a, b, c, d] = g.vmids
  const key = (vmid: number) => `${g.cluster}/${vmid}`
  return z.parse(JobsIndexSchema, {
    pve: [
      {
        key: `${g.cluster}/backup-nightly`,
        cluster: g.cluster,
        id: 'backup-nightly',
        enabled: true,
        schedule: '21:00',
        nextRun: now + 5 * HOUR,
        previousRun: now - 19 * HOUR,
        storage: 'pbs-main',
        mode: 'snapshot',
        selection: { mode: 'all', vmids: [], pool: null, exclude: [d], node: null },
        comment: 'Every guest, every night',
        notificationMode: 'notification-system',
        covers: [key(a), key(b), key(c)],
        lastRun: {
          upid: 'UPID:pve1:0001:0002:00000003:vzdump::root@pam:',
          node: 'pve1',
          start: now - 19 * HOUR,
          end: now - 18 * HOUR,
          outcome: 'ok',
          status: 'OK',
          failed: [],
          matchedByTime: false,
        },
        typicalDuration: 3_600,
      },
      {
        key: `${g.cluster}/weekly-archive`,
        cluster: g.cluster,
        id: 'weekly-archive',
        enabled: true,
        schedule: 'sat 01:00',
        nextRun: now + 3 * DAY,
        previousRun: now - 4 * DAY,
        storage: 'nas-nfs',
        mode: 'stop',
        selection: { mode: 'vmids', vmids: [a, b], pool: null, exclude: [], node: null },
        comment: null,
        notificationMode: null,
        covers: [key(a), key(b)],
        lastRun: {
          upid: 'UPID:pve2:0004:0005:00000006:vzdump::root@pam:',
          node: 'pve2',
          start: now - 4 * DAY,
          end: now - 4 * DAY + HOUR,
          outcome: 'failed',
          status: 'job errors',
          failed: [
            { vmid: b, key: key(b), error: WEEKLY_FAILURE },
            { vmid: 4242, key: null, error: 'guest 4242 not found' },
          ],
          matchedByTime: false,
        },
        typicalDuration: 3_000,
      },
      {
        key: `${g.cluster}/legacy`,
        cluster: g.cluster,
        id: 'legacy',
        enabled: false,
        schedule: 'mon..fri 03:30',
        nextRun: null,
        previousRun: null,
        storage: 'local',
        mode: null,
        selection: { mode: 'pool', vmids: [], pool: 'legacy', exclude: [], node: 'pve2' },
        comment: null,
        notificationMode: null,
        covers: [],
        lastRun: null,
        typicalDuration: null,
      },
      {
        key: `${g.cluster}/offsite`,
        cluster: g.cluster,
        id: 'offsite',
        enabled: true,
        schedule: '*/6:00',
        nextRun: now + 2 * HOUR,
        previousRun: now - 4 * HOUR,
        storage: 'pbs-main',
        mode: 'snapshot',
        selection: { mode: 'vmids', vmids: [c], pool: null, exclude: [], node: null },
        comment: null,
        notificationMode: null,
        covers: [key(c)],
        lastRun: {
          upid: 'UPID:pve1:0007:0008:00000009:vzdump:110:root@pam:',
          node: 'pve1',
          start: now - 4 * HOUR,
          end: now - 3 * HOUR,
          outcome: 'warning',
          status: 'WARNINGS: 1',
          failed: [],
          matchedByTime: true,
        },
        typicalDuration: 900,
      },
    ],
    pbs: [
      pbsJob(now, 'verify', 'verify-main', 'main', 'OK', 'ok', { lastRunEnd: now - 6 * HOUR }),
      pbsJob(now, 'prune', 'prune-main', 'main', 'WARNINGS: 2', 'warning', { warnings: 2 }),
      pbsJob(now, 'sync', 'pull-offsite', 's3-offsite', SYNC_FAILURE, 'failed', {
        error: SYNC_FAILURE,
      }),
      pbsJob(now, 'gc', 'gc-main', 'main', 'OK', 'ok', {}),
      pbsJob(now, 'verify', 'verify-archive', 'archive', null, 'never', {
        lastRunEnd: null,
        nextRun: null,
      }),
    ],
  })
}

function pbsJob(
  now: number,
  kind: 'verify' | 'prune' | 'sync' | 'gc',
  id: string,
  store: string,
  lastRunState: string | null,
  outcome: 'ok' | 'warning' | 'failed' | 'never',
  extra: Record<string, unknown>,
) {
  return {
    key: `pbs/${kind}/${id}`,
    source: 'pbs',
    kind,
    id,
    store,
    schedule: kind === 'gc' ? 'daily' : 'mon..fri 02:00',
    nextRun: now + 10 * HOUR,
    lastRunEnd: now - 14 * HOUR,
    lastRunState,
    outcome,
    warnings: 0,
    error: null,
    comment: null,
    ...extra,
  }
}

export const MAINTENANCE_MESSAGE = 'Replacing a failed disk'

export function storageFixture(now: number, cluster: string): StorageIndex {
  const gc = {
    lastRunState: 'OK',
    outcome: 'ok',
    lastRunEnd: now - 20 * HOUR,
    nextRun: now + 4 * HOUR,
    schedule: 'daily',
    removedBytes: 12 * GiB,
    pendingBytes: 3 * GiB,
  }
  const store = (name: string, extra: Record<string, unknown>) => ({
    key: `pbs/${name}`,
    source: 'pbs',
    store: name,
    comment: null,
    total: 4 * TiB,
    used: 1 * TiB,
    avail: 3 * TiB,
    estimatedFull: null,
    error: null,
    maintenance: null,
    mountStatus: null,
    backend: 'filesystem',
    gc,
    held: null,
    ...extra,
  })
  return z.parse(StorageIndexSchema, {
    datastores: [
      store('main', {
        comment: 'Primary',
        used: 2.5 * TiB,
        avail: 1.5 * TiB,
        estimatedFull: now + 120 * DAY,
        mountStatus: 'nonremovable',
      }),
      store('archive', {
        maintenance: { type: 'offline', message: MAINTENANCE_MESSAGE, since: now - 2 * DAY },
        held: { reason: 'datastore in maintenance (offline)', since: now - 2 * DAY },
        gc: null,
      }),
      store('s3-offsite', {
        backend: 's3',
        used: 3.6 * TiB,
        avail: 0.4 * TiB,
        estimatedFull: now + 20 * DAY,
      }),
      store('usb', {
        mountStatus: 'notmounted',
        total: null,
        used: null,
        avail: null,
        gc: null,
      }),
    ],
    storages: [
      {
        key: `${cluster}/nas-nfs`,
        cluster,
        storage: 'nas-nfs',
        type: 'nfs',
        shared: true,
        nodes: ['pve1', 'pve2'],
        used: 900 * GiB,
        total: 1000 * GiB,
        estimatedFull: now + 5 * DAY,
        samples: 12,
        active: true,
      },
      {
        key: `${cluster}/pve1/local`,
        cluster,
        storage: 'local',
        type: 'dir',
        shared: false,
        nodes: ['pve1'],
        used: 40 * GiB,
        total: 100 * GiB,
        estimatedFull: null,
        samples: 1,
        active: true,
      },
    ],
  })
}

/** Schedules for a guest: missed after a skipped nightly run, due, and fresh weekly. */
export function schedules(now: number, cluster: string) {
  const job = (id: string) => `${cluster}/${id}`
  return {
    missed: {
      state: 'missed',
      jobs: [job('backup-nightly')],
      previousRun: now - 19 * HOUR,
      nextRun: now + 5 * HOUR,
      deadline: now - 16 * HOUR,
      missedSince: now - 16 * HOUR,
    },
    missedLonger: {
      state: 'missed',
      jobs: [job('backup-nightly'), job('weekly-archive')],
      previousRun: now - 43 * HOUR,
      nextRun: now + 5 * HOUR,
      deadline: now - 40 * HOUR,
      missedSince: now - 40 * HOUR,
    },
    due: {
      state: 'due',
      jobs: [job('offsite')],
      previousRun: now - HOUR,
      nextRun: now + 5 * HOUR,
      deadline: now + HOUR,
      missedSince: null,
    },
    weeklyOk: {
      state: 'ok',
      jobs: [job('weekly-archive')],
      previousRun: now - 3 * DAY,
      nextRun: now + 4 * DAY,
      deadline: now - 3 * DAY + 2 * HOUR,
      missedSince: null,
    },
  } satisfies Record<string, GuestSchedule>
}

export function verificationFailed(now: number): GuestVerification {
  return { latest: 'failed', latestVerified: now - 3 * DAY }
}

/** A PBS group of a deleted guest whose cluster cannot be told. */
export const UNATTRIBUTED_KEY = 'pbs/pbs/archive/lost-ns/vm/777'

export function orphanFixtures(now: number, cluster: string): Orphan[] {
  return z.parse(z.array(OrphanSchema), [
    {
      key: UNATTRIBUTED_KEY,
      orphan: true,
      cluster: null,
      guestId: 777,
      type: 'qemu',
      latestBackupTime: now - 30 * HOUR,
      latestTimes: { pve: null, pbs: now - 30 * HOUR, snapshots: null },
      count: 2,
      locations: ['archive/lost-ns'],
      pbsGroup: { source: 'pbs', datastore: 'archive', namespace: 'lost-ns', owner: 'old@pbs' },
    },
    {
      key: `${cluster}/555`,
      orphan: true,
      cluster,
      guestId: 555,
      type: 'lxc',
      latestBackupTime: now - 5 * DAY,
      latestTimes: { pve: now - 5 * DAY, pbs: null, snapshots: null },
      count: 1,
      locations: ['nas-nfs'],
      pbsGroup: null,
    },
  ])
}

export function unattributedOrphanRecord(now: number): OrphanRecord {
  const first = now - 30 * HOUR
  const second = now - 54 * HOUR
  const utcDay = (t: number) => new Date(t * 1000).toISOString().slice(0, 10)
  const [summary] = orphanFixtures(now, 'unused')
  return z.parse(OrphanRecordSchema, {
    ...summary,
    backupDates: [first, second].map((t) => ({
      date: utcDay(t),
      types: ['pbsSnapshots'],
      count: 1,
      timestamps: { pveBackups: [], pbsSnapshots: [t], vmSnapshots: [] },
    })),
    backups: [first, second].map((t) => ({
      kind: 'pbs',
      time: t,
      location: 'archive/lost-ns',
      size: 32 * GiB,
      verification: 'ok',
      protected: false,
      name: `vm/777/${new Date(t * 1000).toISOString().slice(0, 19)}Z`,
      inProgress: false,
    })),
  })
}

export const PERMISSION_MESSAGE =
  'monitor@pve!pulse lacks Datastore.Audit on /storage/nas-nfs: PVE lists no backups there'

/** A source status with a missing privilege and a held datastore. */
export function withNotices(source: SourceStatus, now: number): SourceStatus {
  return z.parse(SourceStatusSchema, {
    ...source,
    permissions: {
      checked: true,
      tokenId: 'monitor@pve!pulse',
      missing: [
        { path: '/storage/nas-nfs', privilege: 'Datastore.Audit', message: PERMISSION_MESSAGE },
      ],
    },
    held: [{ unit: 'datastore archive', reason: 'in maintenance (offline)', since: now - 2 * DAY }],
  })
}
