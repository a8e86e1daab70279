// The read side: calendar days in the viewer's zone (a backup at 23:30 in New York is on that
// evening, not on the next UTC date; a day of a DST change is 23 or 25 hours), the activity
// series (every day present, oldest first, ok / failed / missed per type), a guest's window.
import { describe, expect, it } from 'vitest'
import { activity, guestHistory } from '../../../../functions/history/queries.ts'
import {
  addDays,
  dayStarts,
  isTimeZone,
  localDate,
  startOfDay,
} from '../../../../functions/history/time-zone.ts'
import {
  DAY,
  HOUR,
  makeArchive,
  makePveFacts,
  makeSnapshot,
  makeTask,
} from '../normalize/builders.ts'
import { pass, stores } from './fixture.ts'

const utc = (text: string) => Date.parse(text) / 1000

describe('calendar days in a time zone', () => {
  it('dates an instant in the zone, not in UTC', () => {
    const lateEvening = utc('2025-06-07T03:30:00Z') // 23:30 EDT on the 6th
    expect(localDate(lateEvening, 'America/New_York')).toBe('2025-06-06')
    expect(localDate(lateEvening, 'UTC')).toBe('2025-06-07')
    expect(localDate(lateEvening, 'Asia/Kolkata')).toBe('2025-06-07')
  })

  it('finds when a local day begins, also across a DST change', () => {
    expect(startOfDay('2025-06-06', 'America/New_York')).toBe(utc('2025-06-06T04:00:00Z'))
    const springForward = startOfDay('2025-03-30', 'Europe/Berlin')
    expect(springForward).toBe(utc('2025-03-29T23:00:00Z'))
    expect(startOfDay('2025-03-31', 'Europe/Berlin') - springForward).toBe(23 * HOUR)
    expect(
      startOfDay('2025-10-27', 'Europe/Berlin') - startOfDay('2025-10-26', 'Europe/Berlin'),
    ).toBe(25 * HOUR)
    expect(startOfDay('2025-06-07', 'Asia/Kathmandu')).toBe(utc('2025-06-06T18:15:00Z'))
  })

  it('finds the days of a range as one at a time would, DST changes included', () => {
    for (const [first, zone] of [
      ['2025-03-27', 'Europe/Berlin'],
      ['2025-10-24', 'Europe/Berlin'],
      ['2025-11-01', 'America/New_York'],
      ['2025-04-04', 'Australia/Lord_Howe'],
    ] as const) {
      const expected = Array.from({ length: 9 }, (_, i) => startOfDay(addDays(first, i), zone))
      expect(dayStarts(first, 8, zone)).toEqual(expected)
    }
  })

  it('steps dates and tells zones from other text', () => {
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28')
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01')
    expect(isTimeZone('Europe/Berlin')).toBe(true)
    expect(isTimeZone('UTC')).toBe(true)
    for (const bad of ['', 'Mars/Olympus', 'Europe/Berlin; DROP', '../etc']) {
      expect(isTimeZone(bad)).toBe(false)
    }
  })
})

describe.each(stores)('history queries over %s', (_name, createState) => {
  const now = utc('2025-06-08T12:00:00Z')
  const evening = utc('2025-06-07T03:30:00Z') // 2025-06-06 23:30 in New York
  const facts = makePveFacts({
    storages: [{ storage: 'local', type: 'dir', shared: false }],
    backups: [
      makeArchive({ ctime: evening }),
      makeArchive({ ctime: now - 2 * HOUR }),
      makeArchive({ ctime: now - 40 * DAY }),
    ],
    snapshots: [makeSnapshot({ snaptime: now - 3 * HOUR })],
    tasks: [
      makeTask({
        starttime: now - DAY - HOUR,
        endtime: now - DAY,
        outcome: 'failed',
        status: 'job errors',
        logRead: true,
        guests: [{ vmid: 100, outcome: 'failed', error: 'interrupted by signal' }],
      }),
    ],
  })

  it('counts each calendar day in the asked zone, every day present', () => {
    const state = createState()
    pass(state, [facts], { now })
    const week = activity(state, { now, days: 7, timeZone: 'America/New_York' })
    expect(week.series.map((d) => d.date)).toEqual([
      '2025-06-02',
      '2025-06-03',
      '2025-06-04',
      '2025-06-05',
      '2025-06-06',
      '2025-06-07',
      '2025-06-08',
    ])
    expect(week.from).toBe(utc('2025-06-02T04:00:00Z'))
    expect(week.to).toBe(now)
    const byDate = new Map(week.series.map((d) => [d.date, d]))
    expect(byDate.get('2025-06-06')?.pve).toEqual({ ok: 1, failed: 0, missed: 0 })
    expect(byDate.get('2025-06-07')?.pve).toEqual({ ok: 0, failed: 1, missed: 0 })
    expect(byDate.get('2025-06-08')?.pve).toEqual({ ok: 1, failed: 0, missed: 0 })
    expect(byDate.get('2025-06-08')?.snapshots).toEqual({ ok: 1, failed: 0, missed: 0 })
    // In UTC the evening backup is on the 7th.
    const inUtc = activity(state, { now, days: 7, timeZone: 'UTC' })
    expect(inUtc.series.find((d) => d.date === '2025-06-07')?.pve.ok).toBe(1)
    // 90 days reach the old one too; the total is every backup made in range.
    const quarter = activity(state, { now, days: 90, timeZone: 'UTC' })
    expect(quarter.series).toHaveLength(90)
    expect(quarter.series.reduce((n, d) => n + d.pve.ok, 0)).toBe(3)
  })

  it("windows a guest's history and knows an unknown key", () => {
    const state = createState()
    pass(state, [facts], { now })
    const base = { key: 'cluster-a/100', now, retentionDays: 400, lastPass: now }
    const month = guestHistory(state, { ...base, days: 30 })
    expect(month?.from).toBe(now - 30 * DAY)
    expect(month?.backups.map((b) => b.time)).toEqual([evening, now - 3 * HOUR, now - 2 * HOUR])
    expect(month?.runs).toMatchObject([{ outcome: 'failed', error: 'interrupted by signal' }])
    expect(month?.summary.restorePoints).toBe(3)
    expect(month?.summary.oldestRestorePoint).toBe(now - 40 * DAY)
    expect(guestHistory(state, { ...base, days: null })?.backups).toHaveLength(4)
    expect(guestHistory(state, { ...base, key: 'cluster-a/999', days: null })).toBeNull()
  })
})
