// The charts' arithmetic: value axes, calendar days in a time zone (across DST), which days get
// a label, and where bars and points go.
import { describe, expect, it } from 'vitest'
import { OUTCOME_SERIES } from '../../../web/src/activity-view.ts'
import { barLayout } from '../../../web/src/charts/bars.ts'
import { lineLayout, linePath } from '../../../web/src/charts/lines.ts'
import {
  byteAxis,
  countAxis,
  durationAxis,
  formatDuration,
  linear,
  niceStep,
} from '../../../web/src/charts/scale.ts'
import {
  addDays,
  dayRange,
  daysBetween,
  dayTicks,
  localDay,
  startOfDay,
  weekday,
  zoneOffset,
} from '../../../web/src/charts/time.ts'

const GiB = 1024 ** 3
const TiB = 1024 ** 4
const NY = 'America/New_York'

describe('value axes', () => {
  it('steps by 1, 2 or 5 × 10ⁿ and always starts at zero', () => {
    expect([0.3, 1, 1.1, 3, 7, 12, 49, 51, 999].map(niceStep)).toEqual([
      0.5, 1, 2, 5, 10, 20, 50, 100, 1000,
    ])
    const a = countAxis(43)
    expect(a.ticks.map((t) => t.value)).toEqual([0, 20, 40, 60])
    expect(a.max).toBe(60)
    expect(a.max).toBeGreaterThanOrEqual(43)
  })

  it('counts never get a fractional step, and an empty chart still has an axis', () => {
    expect(countAxis(3).ticks.map((t) => t.label)).toEqual(['0', '1', '2', '3'])
    const empty = countAxis(0)
    expect(empty.max).toBe(1)
    expect(empty.ticks.map((t) => t.value)).toEqual([0, 1])
  })

  it('labels bytes in one binary unit per axis', () => {
    expect(byteAxis(4 * TiB).ticks.map((t) => t.label)).toEqual([
      '0',
      '1 TiB',
      '2 TiB',
      '3 TiB',
      '4 TiB',
    ])
    expect(byteAxis(900 * GiB).ticks.map((t) => t.label)).toEqual(['0', '500 GiB', '1000 GiB'])
    expect(byteAxis(1.2 * TiB).ticks.map((t) => t.label)).toEqual([
      '0',
      '0.5 TiB',
      '1 TiB',
      '1.5 TiB',
    ])
  })

  it('steps durations by seconds, minutes or hours', () => {
    expect(durationAxis(20 * 60).ticks.map((t) => t.label)).toEqual([
      '0',
      '5m',
      '10m',
      '15m',
      '20m',
    ])
    expect(durationAxis(3.5 * 3600).ticks.map((t) => t.label)).toEqual([
      '0',
      '1h',
      '2h',
      '3h',
      '4h',
    ])
    expect(formatDuration(45)).toBe('45s')
    expect(formatDuration(125)).toBe('2m 5s')
    expect(formatDuration(19 * 60 + 40)).toBe('20m')
    expect(formatDuration(5400)).toBe('1h 30m')
  })

  it('maps a domain onto a range, flipped for SVG y', () => {
    const y = linear([0, 100], [200, 0])
    expect(y(0)).toBe(200)
    expect(y(25)).toBe(150)
    expect(linear([5, 5], [0, 10])(5)).toBe(0)
  })
})

describe('calendar days in a time zone', () => {
  it('adds days on the calendar, across months, years and leap days', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29')
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365)
    expect(dayRange('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ])
    expect(dayRange('2026-03-02', '2026-03-01')).toEqual([])
    expect(weekday('2026-11-01')).toBe(0)
  })

  it('finds local midnight on both DST change days (23- and 25-hour days)', () => {
    // New York: DST starts 2026-03-08 (02:00 → 03:00), ends 2026-11-01 (02:00 → 01:00).
    const mar8 = startOfDay('2026-03-08', NY)
    const mar9 = startOfDay('2026-03-09', NY)
    expect(mar8).toBe(Date.UTC(2026, 2, 8, 5) / 1000)
    expect(mar9 - mar8).toBe(23 * 3600)
    const nov1 = startOfDay('2026-11-01', NY)
    const nov2 = startOfDay('2026-11-02', NY)
    expect(nov1).toBe(Date.UTC(2026, 10, 1, 4) / 1000)
    expect(nov2 - nov1).toBe(25 * 3600)
    expect(localDay(nov2 - 1, NY)).toBe('2026-11-01')
    expect(localDay(nov2, NY)).toBe('2026-11-02')
    expect(zoneOffset(nov2, NY)).toBe(-5 * 3600)
    expect(zoneOffset(nov1, NY)).toBe(-4 * 3600)
  })

  it('puts an instant on the day of the viewer, east or west of UTC', () => {
    const t = Date.UTC(2026, 10, 25, 4, 30) / 1000
    expect(localDay(t, NY)).toBe('2026-11-24')
    expect(localDay(t, 'UTC')).toBe('2026-11-25')
    expect(localDay(t, 'Pacific/Auckland')).toBe('2026-11-25')
    expect(startOfDay('2026-11-25', 'Pacific/Auckland')).toBe(Date.UTC(2026, 10, 24, 11) / 1000)
    // Half-hour zones too.
    expect(startOfDay('2026-06-01', 'Asia/Kolkata')).toBe(Date.UTC(2026, 4, 31, 18, 30) / 1000)
  })
})

describe('day labels', () => {
  const week = dayRange('2026-11-20', '2026-11-26')
  const month = dayRange('2026-10-28', '2026-11-26')
  const year = dayRange('2025-11-27', '2026-11-26')

  it('labels every day of a week, with its weekday', () => {
    const ticks = dayTicks(week, 900)
    expect(ticks.map((t) => t.index)).toEqual([0, 1, 2, 3, 4, 5, 6])
    expect(ticks[0]?.label).toMatch(/Fri/)
  })

  it('thins a month to what fits, and never crowds labels', () => {
    const wide = dayTicks(month, 1300)
    expect(wide).toHaveLength(30)
    const narrow = dayTicks(month, 300)
    expect(narrow.length).toBeLessThan(10)
    const perDay = 300 / 30
    for (let i = 1; i < narrow.length; i++)
      expect(
        ((narrow[i]?.index ?? 0) - (narrow[i - 1]?.index ?? 0)) * perDay,
      ).toBeGreaterThanOrEqual(40)
  })

  it('labels a year by months, naming the year where it starts', () => {
    // Wide: the 1st and the 15th of each month.
    const wide = dayTicks(year, 1000)
    expect(wide.every((t) => /-(01|15)$/.test(t.date))).toBe(true)
    expect(wide.length).toBeGreaterThan(20)
    const ticks = dayTicks(year, 600)
    expect(ticks.every((t) => t.date.endsWith('-01'))).toBe(true)
    expect(ticks).toHaveLength(12)
    const january = ticks.find((t) => t.date === '2026-01-01')
    expect(january?.label).toMatch(/2026/)
    // On a phone, quarters.
    const phone = dayTicks(year, 300)
    expect(phone.every((t) => /-(01|04|07|10)-01$/.test(t.date))).toBe(true)
  })

  it('has no labels for no days', () => {
    expect(dayTicks([], 800)).toEqual([])
  })
})

describe('layout', () => {
  const axis = countAxis(40)
  it('gives a year of days each a band, touching, inside the plot', () => {
    const bars = dayRange('2025-11-27', '2026-11-26').map((date) => ({
      date,
      values: [1],
      label: date,
    }))
    const l = barLayout({ width: 900, height: 260, bars, axis, series: OUTCOME_SERIES })
    expect(bars).toHaveLength(365)
    expect(l.band * 365).toBeCloseTo(l.plotWidth)
    expect(l.barWidth).toBeLessThanOrEqual(l.band)
    expect(l.barWidth).toBeGreaterThan(0.5)
    expect(l.y(0)).toBeGreaterThan(l.y(40))
    // The marks of problem days have lanes of their own over the plot.
    expect([...l.lanes.keys()]).toEqual(['failed', 'missed'])
    expect(Math.max(...l.lanes.values())).toBeLessThan(l.top)
    expect(l.y(axis.max)).toBe(l.top)
  })

  it('gives a week of days gaps between bars', () => {
    const bars = dayRange('2026-11-20', '2026-11-26').map((date) => ({
      date,
      values: [1],
      label: date,
    }))
    const l = barLayout({ width: 900, height: 260, bars, axis, series: OUTCOME_SERIES })
    expect(l.barWidth).toBeLessThan(l.band * 0.8)
  })

  it('draws a line across missing values, and none for no values', () => {
    const x = (t: number) => t
    const y = (v: number) => v
    expect(linePath([1, 2, 3], [10, null, 30], x, y)).toBe('M1,10 L3,30')
    expect(linePath([1, 2], [null, null], x, y)).toBe('')
  })

  it("puts the time axis's labels on local midnights of the viewer", () => {
    const from = startOfDay('2026-10-28', NY)
    const to = startOfDay('2026-11-26', NY)
    const l = lineLayout({
      width: 1200,
      height: 200,
      times: [from, to],
      axis: byteAxis(TiB),
      timeZone: NY,
    })
    // Every label sits at a New York midnight, including the one after the DST change.
    expect(l.ticks.length).toBeGreaterThan(5)
    for (const t of l.ticks) expect(t.x).toBeCloseTo(l.x(startOfDay(t.tick.date, NY)))
    const after = l.ticks.filter((t) => t.tick.date > '2026-11-01')
    // 25 hours between Nov 1 and Nov 2: the labels after the change are not a day early.
    expect(after.every((t) => localDay(startOfDay(t.tick.date, NY), NY) === t.tick.date)).toBe(true)
    expect(l.ticks.every((t) => t.x >= 58 - 0.5 && t.x <= 1200 - 12 + 0.5)).toBe(true)
  })
})
