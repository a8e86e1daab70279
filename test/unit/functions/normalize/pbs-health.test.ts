// PBS datastores and jobs as /api/storage and /api/jobs show them, from the PBS facts.
import { describe, expect, it } from 'vitest'
import { pbsHealth } from '../../../../functions/normalize/pbs-health.ts'
import { PbsJobSchema } from '../../../../shared/schema/jobs.ts'
import { DatastoreSchema } from '../../../../shared/schema/storage.ts'
import { DAY, HOUR, makePbsFacts, NOW, normalize } from './builders.ts'

const TIB = 1024 ** 4

const facts = makePbsFacts({
  datastores: [
    {
      store: 'store1',
      namespaces: [''],
      comment: 'main',
      mountStatus: 'nonremovable',
      backend: 'filesystem',
    },
    {
      store: 'offsite',
      namespaces: [''],
      backend: 's3',
      maintenance: { type: 'offline', message: 'bucket move', since: NOW - 2 * HOUR },
      held: {
        mode: 'maintenance:offline',
        reason: 'offline maintenance: bucket move',
        since: NOW - 2 * HOUR,
      },
    },
    { store: 'usb', namespaces: [], mountStatus: 'notmounted' },
  ],
  usage: [
    { store: 'offsite', error: "datastore 'offsite' is in offline maintenance mode: bucket move" },
    {
      store: 'store1',
      total: 4 * TIB,
      used: TIB,
      avail: 3 * TIB,
      estimatedFull: NOW + 90 * DAY,
    },
    { store: 'usb', total: 2 * TIB, used: TIB, avail: TIB, estimatedFull: NOW - 30 * DAY },
  ],
  jobs: [
    {
      kind: 'gc',
      id: 'store1',
      store: 'store1',
      schedule: 'daily',
      nextRun: NOW + 5 * HOUR,
      lastRunEnd: NOW - 7 * HOUR,
      lastRunState: 'OK',
      lastRunUpid: 'UPID:pbs:1:2:3:4:garbage_collection:store1:root@pam:',
      removedBytes: 1000,
      pendingBytes: 20,
    },
    { kind: 'gc', id: 'offsite', store: 'offsite' },
    {
      kind: 'verify',
      id: 'v-1',
      store: 'store1',
      schedule: '06:00',
      lastRunState: 'verification failed - please check the log for details',
      lastRunEnd: NOW - HOUR,
    },
    { kind: 'sync', id: 's-1', store: 'offsite', lastRunState: 'WARNINGS: 2', comment: 'pull' },
    { kind: 'prune', id: 'p-1', store: 'store1', schedule: 'daily', disabled: true },
  ],
})

describe('PBS datastores', () => {
  const { datastores } = pbsHealth([facts])
  const byStore = new Map(datastores.map((d) => [d.store, d]))

  it('follow the public contract, one per store, in a stable order', () => {
    for (const d of datastores) expect(DatastoreSchema.parse(d)).toEqual(d)
    expect(datastores.map((d) => d.key)).toEqual(['pbs-1/offsite', 'pbs-1/store1', 'pbs-1/usb'])
  })

  it('carry usage, PBS’s estimate, backend, mount and the GC state', () => {
    expect(byStore.get('store1')).toEqual({
      key: 'pbs-1/store1',
      source: 'pbs-1',
      store: 'store1',
      comment: 'main',
      total: 4 * TIB,
      used: TIB,
      avail: 3 * TIB,
      estimatedFull: NOW + 90 * DAY,
      error: null,
      maintenance: null,
      mountStatus: 'nonremovable',
      backend: 'filesystem',
      gc: {
        lastRunState: 'OK',
        outcome: 'ok',
        lastRunEnd: NOW - 7 * HOUR,
        nextRun: NOW + 5 * HOUR,
        schedule: 'daily',
        removedBytes: 1000,
        pendingBytes: 20,
      },
      held: null,
    })
  })

  it('read an estimate in the past as "not filling up": no full date', () => {
    expect(byStore.get('usb')?.estimatedFull).toBeNull()
    expect(byStore.get('usb')?.mountStatus).toBe('notmounted')
  })

  it('show a store in maintenance as such, held with reason and since, and PBS’s error', () => {
    expect(byStore.get('offsite')).toMatchObject({
      maintenance: { type: 'offline', message: 'bucket move', since: NOW - 2 * HOUR },
      held: { reason: 'offline maintenance: bucket move', since: NOW - 2 * HOUR },
      error: "datastore 'offsite' is in offline maintenance mode: bucket move",
      total: null,
      gc: expect.objectContaining({ outcome: 'never', removedBytes: null }),
    })
  })

  it('are empty for facts stored before usage was collected', () => {
    const old = makePbsFacts()
    expect(pbsHealth([old]).datastores).toEqual([
      expect.objectContaining({ store: 'store1', total: null, gc: null, held: null }),
    ])
    expect(pbsHealth([old]).jobs).toEqual([])
  })
})

describe('PBS jobs', () => {
  const { jobs } = pbsHealth([facts])
  const byKey = new Map(jobs.map((j) => [j.key, j]))

  it('follow the public contract, GC included, sorted by kind and id', () => {
    for (const j of jobs) expect(PbsJobSchema.parse(j)).toEqual(j)
    expect(jobs.map((j) => j.key)).toEqual([
      'pbs-1/gc/offsite',
      'pbs-1/gc/store1',
      'pbs-1/prune/p-1',
      'pbs-1/sync/s-1',
      'pbs-1/verify/v-1',
    ])
  })

  it('classify each state form and keep the text as sent', () => {
    expect(byKey.get('pbs-1/verify/v-1')).toMatchObject({
      outcome: 'failed',
      error: 'verification failed - please check the log for details',
      lastRunState: 'verification failed - please check the log for details',
      lastRunEnd: NOW - HOUR,
      schedule: '06:00',
    })
    expect(byKey.get('pbs-1/sync/s-1')).toMatchObject({
      outcome: 'warning',
      warnings: 2,
      error: null,
      comment: 'pull',
    })
    expect(byKey.get('pbs-1/prune/p-1')).toMatchObject({
      outcome: 'never',
      nextRun: null,
      lastRunState: null,
    })
  })

  it('reach the normalizer’s result beside the guests', () => {
    const result = normalize({ pbs: [facts] })
    expect(result.jobs.pbs).toEqual(jobs)
    expect(result.storage.datastores).toEqual(pbsHealth([facts]).datastores)
  })
})
