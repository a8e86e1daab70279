import { describe, expect, it } from 'vitest'
import { ageStatus, formatAge, getFilteredAge } from '../../../../shared/age.ts'
import {
  DAY,
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
  NOW,
  normalize,
} from './builders.ts'

describe('the design note example: guest 111 "debian"', () => {
  const guest = makeGuest({ vmid: 111, name: 'debian' })
  const result = normalize({
    pve: [
      makePveFacts({
        guests: [guest],
        backups: [
          makeArchive({ vmid: 111, ctime: NOW - 17 * HOUR }),
          makeArchive({ vmid: 111, ctime: NOW - 17 * HOUR - DAY }),
        ],
      }),
    ],
    pbs: [
      makePbsFacts({
        snapshots: [makePbsSnapshot({ backupId: '111', backupTime: NOW - 11 * HOUR })],
      }),
    ],
  })
  const record = guestOf(result, 'cluster-a/111')

  it('keeps the exact time of the newest PVE archive and PBS snapshot', () => {
    expect(record.latestTimes).toEqual({ pve: NOW - 61_200, pbs: NOW - 39_600, snapshots: null })
  })

  it('takes the overall latest backup from the newer of the two', () => {
    expect(record.latestBackupTime).toBe(NOW - 39_600)
  })

  it.each([
    { filter: 'pve', age: '17h' },
    { filter: 'pbs', age: '11h' },
    { filter: 'all', age: '11h' },
  ] as const)(
    'shows $age for the $filter filter, never the 36 h a day bucket gave',
    ({ filter, age }) => {
      expect(formatAge(getFilteredAge(record, filter, NOW))).toBe(age)
    },
  )
})

describe('latest times', () => {
  it('does not let a guest snapshot change the latest backup time', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          backups: [makeArchive({ ctime: NOW - 20 * HOUR })],
          snapshots: [makeSnapshot({ snaptime: NOW - HOUR })],
        }),
      ],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect(record.latestTimes.snapshots).toBe(NOW - HOUR)
    expect(record.latestBackupTime).toBe(NOW - 20 * HOUR)
  })

  it('reads "never" for the PBS filter when a guest has only PVE archives', () => {
    const result = normalize({ pve: [makePveFacts({ backups: [makeArchive()] })] })
    const age = getFilteredAge(guestOf(result, 'cluster-a/100'), 'pbs', NOW)
    expect([formatAge(age), ageStatus(age)]).toEqual(['never', 'never'])
  })

  it('reports no times at all for a guest without any backup', () => {
    const record = guestOf(normalize({ pve: [makePveFacts()] }), 'cluster-a/100')
    expect([record.latestBackupTime, record.latestTimes]).toEqual([
      null,
      { pve: null, pbs: null, snapshots: null },
    ])
  })

  it.each([
    { kind: 'a PVE archive', backups: [makeArchive({ ctime: 0 })], pbs: [], field: 'pve' as const },
    {
      kind: 'a PBS snapshot',
      backups: [],
      pbs: [makePbsFacts({ snapshots: [makePbsSnapshot({ backupTime: 0 })] })],
      field: 'pbs' as const,
    },
  ])('treats time 0 of $kind as a real time, not a missing one', ({ backups, pbs, field }) => {
    const record = guestOf(normalize({ pve: [makePveFacts({ backups })], pbs }), 'cluster-a/100')
    expect([record.latestTimes[field], record.latestBackupTime]).toEqual([0, 0])
  })

  it("keeps a snapshot with PVE's unknown time 0 in the details but not as the latest", () => {
    const result = normalize({
      pve: [makePveFacts({ snapshots: [makeSnapshot({ name: 'old', snaptime: 0 })] })],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect(record.latestTimes.snapshots).toBeNull()
    expect(record.backups.map((b) => [b.name, b.time])).toEqual([['old', 0]])
  })
})

describe('backups still in progress', () => {
  it('ignores a size-less PBS snapshot newer than the last finished one', () => {
    const result = normalize({
      pve: [makePveFacts()],
      pbs: [
        makePbsFacts({
          snapshots: [
            makePbsSnapshot({ backupTime: NOW - 25 * HOUR }),
            makePbsSnapshot({ backupTime: NOW - HOUR, size: undefined, inProgress: true }),
          ],
        }),
      ],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect(record.latestTimes.pbs).toBe(NOW - 25 * HOUR)
    expect(record.backups[0]).toMatchObject({ time: NOW - HOUR, inProgress: true })
  })

  it('ignores an in-progress item listed through a PVE pbs storage', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          storages: [makePbsStorage()],
          backups: [
            makePbsListing({ ctime: NOW - 30 * HOUR }),
            makePbsListing({ ctime: NOW - HOUR, size: 1, inProgress: true }),
          ],
        }),
      ],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect([record.latestTimes.pbs, record.counts.pbs]).toEqual([NOW - 30 * HOUR, 1])
    expect(record.backups.filter((b) => b.inProgress)).toHaveLength(1)
  })

  it('ignores an in-progress vzdump archive', () => {
    const result = normalize({
      pve: [makePveFacts({ backups: [makeArchive({ ctime: NOW - HOUR, inProgress: true })] })],
    })
    expect(guestOf(result, 'cluster-a/100').latestTimes.pve).toBeNull()
  })
})
