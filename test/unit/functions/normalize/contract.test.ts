import { describe, expect, it } from 'vitest'
import { toGuestSummary } from '../../../../functions/normalize/index.ts'
import {
  AmbiguousSchema,
  GuestRecordSchema,
  GuestSummarySchema,
  OrphanRecordSchema,
  OrphanSchema,
} from '../../../../shared/schema/guest.ts'
import {
  guestOf,
  HOUR,
  makeArchive,
  makeGuest,
  makePbsFacts,
  makePbsListing,
  makePbsSnapshot,
  makePbsStorage,
  makePveFacts,
  makeSnapshot,
  makeTask,
  NOW,
  normalize,
} from './builders.ts'

function mixedInput() {
  return {
    pve: [
      makePveFacts({
        sourceId: 'cluster-a',
        clusterName: 'homelab',
        guests: [makeGuest(), makeGuest({ vmid: 101, type: 'lxc', name: undefined })],
        storages: [makePbsStorage()],
        backups: [
          makeArchive({ notes: ' web01 ', protected: true }),
          makeArchive({ vmid: 555 }),
          makePbsListing({ vmid: 101, guestType: 'lxc', inProgress: true, size: 1 }),
        ],
        snapshots: [makeSnapshot({ description: 'before apt dist-upgrade\n' })],
        tasks: [makeTask({ outcome: 'failed', guests: [{ vmid: 100, outcome: 'failed' }] })],
      }),
      makePveFacts({ sourceId: 'cluster-b', notBackedUp: null, storages: [makePbsStorage()] }),
    ],
    pbs: [
      makePbsFacts({
        snapshots: [
          makePbsSnapshot(),
          makePbsSnapshot({ backupId: '777', backupType: 'ct' }),
          makePbsSnapshot({ backupTime: NOW - 2 * HOUR, size: undefined, inProgress: true }),
        ],
      }),
    ],
  }
}

describe('the public contract', () => {
  const result = normalize(mixedInput())

  it('produces guest records that parse with GuestRecordSchema', () => {
    for (const guest of result.guests) expect(GuestRecordSchema.parse(guest)).toEqual(guest)
  })

  it('produces orphans and ambiguous groups that parse with their schemas', () => {
    expect(result.orphans.length).toBeGreaterThan(0)
    expect(result.ambiguous.length).toBeGreaterThan(0)
    for (const orphan of result.orphans) expect(OrphanSchema.parse(orphan)).toEqual(orphan)
    for (const entry of result.ambiguous) expect(AmbiguousSchema.parse(entry)).toEqual(entry)
  })

  it('produces one orphan record per index orphan, parsing with OrphanRecordSchema', () => {
    expect(result.orphanRecords.map((o) => o.key)).toEqual(result.orphans.map((o) => o.key))
    // 555: a cluster-a archive; 777: a PBS group two clusters' storages point at, so no cluster.
    expect(result.orphans.map((o) => o.key)).toEqual(['cluster-a/555', 'pbs/pbs-1/store1/-/ct/777'])
    for (const record of result.orphanRecords) {
      expect(OrphanRecordSchema.parse(record)).toEqual(record)
      expect(record.backups.length).toBeGreaterThan(0)
    }
  })

  it('summarises a record without its per-backup lists', () => {
    const summary = toGuestSummary(guestOf(result, 'cluster-a/100'))
    expect(GuestSummarySchema.parse(summary)).toEqual(summary)
    expect(summary).not.toHaveProperty('backups')
    expect(summary).not.toHaveProperty('backupDates')
  })

  it('gives the same output whatever order the sources and items arrive in', () => {
    const input = mixedInput()
    const reversed = {
      pve: [...input.pve]
        .reverse()
        .map((facts) => ({ ...facts, backups: [...facts.backups].reverse() })),
      pbs: input.pbs.map((facts) => ({ ...facts, snapshots: [...facts.snapshots].reverse() })),
    }
    expect(normalize(reversed)).toEqual(result)
  })
})

describe('bad facts', () => {
  it.each([
    {
      what: 'an archive with a non-finite time',
      pve: { backups: [makeArchive({ ctime: Number.NaN })] },
    },
    { what: 'an archive with a fractional time', pve: { backups: [makeArchive({ ctime: 1.5 })] } },
    {
      what: 'a snapshot with an infinite time',
      pve: { snapshots: [makeSnapshot({ snaptime: Infinity })] },
    },
    { what: 'a task with no start time', pve: { tasks: [makeTask({ starttime: Number.NaN })] } },
    { what: 'a guest with a broken vmid', pve: { guests: [makeGuest({ vmid: -1 })] } },
  ])('skips $what with a warning instead of throwing', ({ pve }) => {
    const result = normalize({ pve: [makePveFacts(pve)] })
    expect(result.warnings).toHaveLength(1)
    for (const guest of result.guests) expect(GuestRecordSchema.safeParse(guest).success).toBe(true)
  })

  it('skips a PBS snapshot with an invalid time with a warning', () => {
    const result = normalize({
      pve: [makePveFacts()],
      pbs: [
        makePbsFacts({ snapshots: [makePbsSnapshot({ backupTime: Number.POSITIVE_INFINITY })] }),
      ],
    })
    expect([result.warnings.length, guestOf(result, 'cluster-a/100').counts.pbs]).toEqual([1, 0])
  })
})
