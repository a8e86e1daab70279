import { describe, expect, it } from 'vitest'
import {
  dayTime,
  distance,
  epochToLocalInput,
  localInputToEpoch,
} from '../../../web/src/alert-words.ts'

const NY = 'America/New_York'
/** 2025-11-24 11:00 in New York (16:00 UTC). */
const NOW = Date.UTC(2025, 10, 24, 16) / 1000
const at = (iso: string) => Date.parse(iso) / 1000

describe('alert times in words', () => {
  it("names today, yesterday and tomorrow by the viewer's calendar day, not by 24 hours", () => {
    expect(dayTime(at('2025-11-24T14:05:00Z'), NOW, NY)).toMatch(/^today 09:05/)
    // 23:30 in New York is the next day in UTC: the viewer's day decides.
    const lateEvening = at('2025-11-24T04:30:00Z')
    expect(dayTime(lateEvening, NOW, NY)).toMatch(/^yesterday 11:30/)
    expect(dayTime(lateEvening, NOW, 'UTC')).toMatch(/^today 04:30/)
    // Only 13 hours back, but on the previous calendar day.
    expect(dayTime(NOW - 13 * 3600, NOW, NY)).toMatch(/^yesterday 10:00/)
    expect(dayTime(at('2025-11-25T13:00:00Z'), NOW, NY)).toMatch(/^tomorrow 08:00/)
  })

  it('counts calendar days across a DST change (a 23-hour day)', () => {
    // 00:30 on Mar 10 2025 in New York, the night after clocks went forward on Mar 9.
    const now = at('2025-03-10T04:30:00Z')
    expect(dayTime(at('2025-03-09T12:00:00Z'), now, NY)).toMatch(/^yesterday 08:00/)
    expect(dayTime(at('2025-03-09T04:00:00Z'), now, NY)).toMatch(/^Sat, Mar 8, 11:00/)
  })

  it('gives the weekday and date further away, and the year when it is not this one', () => {
    expect(dayTime(at('2025-11-17T14:00:00Z'), NOW, NY)).toMatch(/^Mon, Nov 17, 09:00/)
    expect(dayTime(at('2024-12-30T14:00:00Z'), NOW, NY)).toMatch(/^Dec 30, 2024, 09:00/)
  })

  it('says how far a time is from now, either way', () => {
    expect(distance(NOW - 26 * 3600, NOW)).toBe('26h ago')
    expect(distance(NOW + 5 * 3600, NOW)).toBe('in 5h')
  })

  it("reads a datetime-local value in the viewer's zone, and refuses one it cannot read", () => {
    const value = epochToLocalInput(NOW + 3600)
    expect(value).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d$/)
    expect(localInputToEpoch(value)).toBe(NOW + 3600)
    expect(localInputToEpoch('')).toBeNull()
    expect(localInputToEpoch('tomorrow')).toBeNull()
    expect(localInputToEpoch('2025-13-45T99:99')).toBeNull()
  })
})
