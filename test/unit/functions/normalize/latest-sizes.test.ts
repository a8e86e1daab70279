// The size of each type's newest finished backup, carried in the index summary for /metrics.
import { describe, expect, it } from 'vitest'
import { toGuestSummary } from '../../../../functions/normalize/index.ts'
import {
  DAY,
  guestOf,
  HOUR,
  makeArchive,
  makePbsFacts,
  makePbsSnapshot,
  makePveFacts,
  makeSnapshot,
  NOW,
  normalize,
} from './builders.ts'

describe('latest sizes', () => {
  it('takes the size of the backup latestTimes names, per type, into the record and summary', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          backups: [
            makeArchive({ ctime: NOW - DAY - 17 * HOUR, size: 111 }),
            makeArchive({ ctime: NOW - 17 * HOUR, size: 222 }),
            // Newer, but still being written: neither its time nor its size counts.
            makeArchive({ ctime: NOW - HOUR, size: 5, inProgress: true }),
          ],
          snapshots: [makeSnapshot()],
        }),
      ],
      pbs: [
        makePbsFacts({
          snapshots: [
            makePbsSnapshot({ backupTime: NOW - 11 * HOUR, size: 333 }),
            makePbsSnapshot({ backupTime: NOW - 35 * HOUR, size: 444 }),
          ],
        }),
      ],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect(record.latestTimes).toMatchObject({ pve: NOW - 17 * HOUR, pbs: NOW - 11 * HOUR })
    expect(record.latestSizes).toEqual({ pve: 222, pbs: 333 })
    expect(toGuestSummary(record).latestSizes).toEqual({ pve: 222, pbs: 333 })
  })

  it('is null for a type without a backup, and for a newest backup whose size is unknown', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          backups: [
            makeArchive({ ctime: NOW - 40 * HOUR, size: 999 }),
            makeArchive({ ctime: NOW - 17 * HOUR, size: undefined }),
          ],
        }),
      ],
    })
    expect(guestOf(result, 'cluster-a/100').latestSizes).toEqual({ pve: null, pbs: null })
  })
})
