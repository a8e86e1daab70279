import { describe, expect, it } from 'vitest'
import { ageStatus, formatAge, getFilteredAge, latestTimeFor } from '../../../shared/age.ts'

const NOW = 1_749_380_000
const H = 3600
const example = {
  latestBackupTime: NOW - 11 * H,
  latestTimes: { pve: NOW - 17 * H, pbs: NOW - 11 * H, snapshots: NOW - 14 * H },
}

describe('getFilteredAge', () => {
  it.each([
    ['pve', 17 * H],
    ['pbs', 11 * H],
    ['all', 11 * H],
    ['snapshots', 14 * H],
  ] as const)('reads the design note example under %s as the exact age', (filter, age) => {
    expect(getFilteredAge(example, filter, NOW)).toBe(age)
  })

  it('says "never" for a type the guest has no backup of, not another type\'s age', () => {
    const guest = {
      latestBackupTime: NOW - H,
      latestTimes: { pve: NOW - H, pbs: null, snapshots: null },
    }
    expect(getFilteredAge(guest, 'pbs', NOW)).toBe(Number.POSITIVE_INFINITY)
    expect(formatAge(getFilteredAge(guest, 'pbs', NOW))).toBe('never')
  })

  it('falls back to the overall time only for a legacy record without latestTimes', () => {
    expect(latestTimeFor({ latestBackupTime: NOW - H }, 'pbs')).toBe(NOW - H)
    expect(latestTimeFor({ latestBackupTime: NOW - H, latestTimes: {} }, 'pbs')).toBeNull()
  })

  it('treats a timestamp of 0 as a real (very old) time', () => {
    const guest = { latestBackupTime: 0, latestTimes: { pve: 0, pbs: null, snapshots: null } }
    expect(getFilteredAge(guest, 'pve', NOW)).toBe(NOW)
    expect(ageStatus(getFilteredAge(guest, 'pve', NOW))).toBe('overdue')
  })
})

describe('ageStatus and formatAge', () => {
  it.each([
    [0, 'fresh'],
    [24 * H, 'fresh'],
    [24 * H + 1, 'stale'],
    [72 * H, 'stale'],
    [72 * H + 1, 'overdue'],
    [Number.POSITIVE_INFINITY, 'never'],
  ])('classes %i s as %s with the default 24 h / 72 h thresholds', (age, status) => {
    expect(ageStatus(age)).toBe(status)
  })

  it('uses configured thresholds', () => {
    expect(ageStatus(30 * H, { freshHours: 36, staleHours: 96 })).toBe('fresh')
  })

  it.each([
    [45, '45s'],
    [12 * 60, '12m'],
    [17 * H, '17h'],
    [36 * H, '36h'],
    [3 * 24 * H + 4 * H, '3d 4h'],
    [40 * 24 * H, '40d'],
  ])('writes %i s as %s', (age, text) => {
    expect(formatAge(age)).toBe(text)
  })
})
