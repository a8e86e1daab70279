// The report schedule: daily and weekly times in a time zone, DST changes (Berlin's clocks go
// forward on 29 March 2026 and back on 25 October 2026), a missed time reported once, a new or
// changed schedule armed without sending.
import { describe, expect, it } from 'vitest'
import {
  decideReport,
  describeSchedule,
  nextReportAt,
  type ReportSchedule,
  slotAfter,
  slotAtOrBefore,
  upcomingReport,
} from '../../../../functions/reports/schedule.ts'

const iso = (text: string) => Date.parse(text) / 1000
const HOUR = 3_600
const DAY = 86_400

const daily = (at: string, timeZone = 'Europe/Berlin'): ReportSchedule => {
  const [h, m] = at.split(':').map(Number)
  return { every: 'daily', at: (h ?? 0) * 60 + (m ?? 0), weekday: 'mon', timeZone }
}

describe('daily', () => {
  it('is at the wall-clock time in its zone: 08:00 Berlin is 07:00 UTC in winter, 06:00 in summer', () => {
    const s = daily('08:00')
    expect(slotAfter(s, iso('2026-12-03T05:00:00Z'))).toBe(iso('2026-12-03T07:00:00Z'))
    expect(slotAtOrBefore(s, iso('2026-12-03T05:00:00Z'))).toBe(iso('2026-12-02T07:00:00Z'))
    expect(slotAtOrBefore(s, iso('2026-12-03T07:00:00Z'))).toBe(iso('2026-12-03T07:00:00Z'))
    expect(slotAfter(s, iso('2026-12-03T07:00:00Z'))).toBe(iso('2026-12-04T07:00:00Z'))
    expect(slotAfter(s, iso('2026-07-01T12:00:00Z'))).toBe(iso('2026-07-02T06:00:00Z'))
  })

  it('keeps its local time across the DST changes in Europe/Berlin', () => {
    const s = daily('08:00')
    // Saturday 28 March 07:00 UTC (CET) → Sunday 29 March 06:00 UTC (CEST): 23 hours apart.
    const before = slotAfter(s, iso('2026-03-28T00:00:00Z'))
    expect(before).toBe(iso('2026-03-28T07:00:00Z'))
    expect(slotAfter(s, before)).toBe(iso('2026-03-29T06:00:00Z'))
    expect(slotAfter(s, before) - before).toBe(23 * HOUR)
    // And back: Saturday 24 October 06:00 UTC → Sunday 25 October 07:00 UTC, 25 hours.
    const autumn = slotAfter(s, iso('2026-10-24T00:00:00Z'))
    expect(autumn).toBe(iso('2026-10-24T06:00:00Z'))
    expect(slotAfter(s, autumn) - autumn).toBe(25 * HOUR)
  })

  it('a time the clocks skip comes an hour later that day; a repeated time comes once, the first', () => {
    const skipped = daily('02:30')
    // 02:30 does not exist in Berlin on 29 March: 03:30 CEST = 01:30 UTC.
    expect(slotAfter(skipped, iso('2026-03-28T12:00:00Z'))).toBe(iso('2026-03-29T01:30:00Z'))
    const repeated = daily('02:30')
    // 02:30 happens twice on 25 October: first at 00:30 UTC (CEST), then 01:30 UTC (CET).
    const first = slotAfter(repeated, iso('2026-10-24T12:00:00Z'))
    expect(first).toBe(iso('2026-10-25T00:30:00Z'))
    expect(slotAfter(repeated, first)).toBe(iso('2026-10-26T01:30:00Z'))
  })
})

describe('weekly', () => {
  const weekly: ReportSchedule = {
    every: 'weekly',
    at: 7 * 60 + 30,
    weekday: 'mon',
    timeZone: 'UTC',
  }
  it('is on its weekday only, a week apart', () => {
    // Thursday 3 December 2026 → Monday 7 December 07:30; the last was Monday 30 November.
    const now = iso('2026-12-03T10:00:00Z')
    expect(slotAfter(weekly, now)).toBe(iso('2026-12-07T07:30:00Z'))
    expect(slotAtOrBefore(weekly, now)).toBe(iso('2026-11-30T07:30:00Z'))
    // On the Monday itself: before the time, the week before; at it, that Monday.
    expect(slotAtOrBefore(weekly, iso('2026-12-07T07:29:59Z'))).toBe(iso('2026-11-30T07:30:00Z'))
    expect(slotAtOrBefore(weekly, iso('2026-12-07T07:30:00Z'))).toBe(iso('2026-12-07T07:30:00Z'))
    expect(slotAfter(weekly, iso('2026-12-07T07:30:00Z'))).toBe(iso('2026-12-14T07:30:00Z'))
    expect(describeSchedule(weekly)).toBe('weekly mon 07:30 UTC')
  })

  it('a Sunday report in Berlin across the spring change is one week minus an hour apart', () => {
    const sunday: ReportSchedule = {
      ...weekly,
      weekday: 'sun',
      at: 9 * 60,
      timeZone: 'Europe/Berlin',
    }
    const a = slotAfter(sunday, iso('2026-03-20T00:00:00Z'))
    expect(a).toBe(iso('2026-03-22T08:00:00Z'))
    expect(slotAfter(sunday, a)).toBe(iso('2026-03-29T07:00:00Z'))
  })
})

describe('deciding', () => {
  const s = daily('08:00', 'UTC')
  const day1 = iso('2026-12-01T08:00:00Z')

  it('a schedule seen for the first time arms itself and sends nothing; its alarm is then the next time', () => {
    const now = day1 + 2 * HOUR
    const first = decideReport(s, undefined, now)
    expect(first).toEqual({ due: null, mark: { schedule: 'daily 08:00 UTC', slot: day1 } })
    expect(nextReportAt(s, undefined, now)).toBe(now)
    expect(nextReportAt(s, first.mark, now)).toBe(day1 + DAY)
    expect(upcomingReport(s, undefined, now)).toBe(day1 + DAY)
  })

  it('is due once at its time: again later that day it is not', () => {
    const armed = decideReport(s, undefined, day1 - HOUR).mark
    const at = decideReport(s, armed, day1 + 5)
    expect(at.due).toBe(day1)
    expect(decideReport(s, at.mark, day1 + 60).due).toBeNull()
    expect(decideReport(s, at.mark, day1 + DAY - 1).due).toBeNull()
    expect(nextReportAt(s, at.mark, day1 + 60)).toBe(day1 + DAY)
  })

  it('a coordinator asleep for three report times sends one report, for the latest, when it wakes', () => {
    const armed = decideReport(s, undefined, day1 - HOUR).mark
    const wake = day1 + 2 * DAY + 3 * HOUR
    expect(nextReportAt(s, armed, wake)).toBe(wake)
    expect(upcomingReport(s, armed, wake)).toBe(wake)
    const woke = decideReport(s, armed, wake)
    expect(woke.due).toBe(day1 + 2 * DAY)
    expect(decideReport(s, woke.mark, wake + 1).due).toBeNull()
  })

  it('a changed schedule arms afresh: moving the time earlier today sends nothing at once', () => {
    const armed = decideReport(s, undefined, day1 - HOUR).mark
    const sent = decideReport(s, armed, day1 + 10).mark
    const earlier = daily('07:00', 'UTC')
    const changed = decideReport(earlier, sent, day1 + DAY + 30 * 60)
    expect(changed.due).toBeNull()
    expect(changed.mark.schedule).toBe('daily 07:00 UTC')
    expect(decideReport(earlier, changed.mark, day1 + 2 * DAY - HOUR).due).toBe(
      day1 + 2 * DAY - HOUR,
    )
  })
})
