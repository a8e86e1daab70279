// Verification per guest: the state of its newest finished PBS snapshot and the time of the
// newest one that verified ok, on the record and on its summary.
import { describe, expect, it } from 'vitest'
import { toGuestSummary } from '../../../../functions/normalize/index.ts'
import {
  DAY,
  guestOf,
  HOUR,
  makeArchive,
  makePbsFacts,
  makePbsSnapshot,
  makePbsStorage,
  makePveFacts,
  NOW,
  normalize,
} from './builders.ts'

function verificationOf(snapshots: Parameters<typeof makePbsSnapshot>[0][]) {
  const result = normalize({
    pve: [makePveFacts({ storages: [makePbsStorage()], backups: [makeArchive()] })],
    pbs: [makePbsFacts({ snapshots: snapshots.map((s) => makePbsSnapshot(s)) })],
  })
  const record = guestOf(result, 'cluster-a/100')
  expect(toGuestSummary(record).verification).toEqual(record.verification)
  return record.verification
}

describe('verification per guest', () => {
  it('is failed when the newest finished snapshot failed, with the newest ok one’s time', () => {
    expect(
      verificationOf([
        { backupTime: NOW - 11 * HOUR, verification: 'failed' },
        { backupTime: NOW - DAY - 11 * HOUR, verification: 'ok' },
        { backupTime: NOW - 2 * DAY, verification: 'ok' },
      ]),
    ).toEqual({ latest: 'failed', latestVerified: NOW - DAY - 11 * HOUR })
  })

  it('is none while the newest is not verified yet; an unfinished one does not count', () => {
    expect(
      verificationOf([
        { backupTime: NOW - HOUR, inProgress: true, size: undefined, verification: undefined },
        { backupTime: NOW - 11 * HOUR, verification: undefined },
        { backupTime: NOW - DAY, verification: 'ok' },
      ]),
    ).toEqual({ latest: 'none', latestVerified: NOW - DAY })
  })

  it('is ok with no verified time lost when every snapshot is ok', () => {
    expect(verificationOf([{ backupTime: NOW - 11 * HOUR, verification: 'ok' }])).toEqual({
      latest: 'ok',
      latestVerified: NOW - 11 * HOUR,
    })
  })

  it('says never verified ok as null', () => {
    expect(verificationOf([{ backupTime: NOW - 11 * HOUR, verification: 'failed' }])).toEqual({
      latest: 'failed',
      latestVerified: null,
    })
  })

  it('is null for a guest with PVE archives but no PBS snapshot', () => {
    expect(verificationOf([])).toBeNull()
  })
})
