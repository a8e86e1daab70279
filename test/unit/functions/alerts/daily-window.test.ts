import { describe, expect, it } from 'vitest'
import {
  formatDailyWindow,
  parseDailyWindow,
  windowPhase,
} from '../../../../functions/alerts/daily-window.ts'

const at = (iso: string) => Date.parse(iso) / 1000

describe('parseDailyWindow', () => {
  it('reads HH:MM-HH:MM with an optional zone (UTC by default)', () => {
    expect(parseDailyWindow('22:00-06:00 Europe/Berlin')).toEqual({
      start: 1_320,
      end: 360,
      timeZone: 'Europe/Berlin',
    })
    expect(parseDailyWindow('08:30 - 17:45')).toEqual({ start: 510, end: 1_065, timeZone: 'UTC' })
    expect(parseDailyWindow('18:00-24:00')?.end).toBe(1_440)
    expect(formatDailyWindow({ start: 1_320, end: 360, timeZone: 'Europe/Berlin' })).toBe(
      '22:00-06:00 Europe/Berlin',
    )
  })

  it('refuses impossible times, empty windows and unknown zones', () => {
    for (const bad of [
      '',
      '22:00',
      '25:00-06:00',
      '22:60-06:00',
      '06:00-06:00',
      '00:00-24:00',
      '22:00-06:00 Mars/Olympus',
      '10pm-6am',
    ]) {
      expect(parseDailyWindow(bad), bad).toBeNull()
    }
  })
})

describe('windowPhase', () => {
  const night = parseDailyWindow('22:00-06:00 Europe/Berlin')
  if (!night) throw new Error('fixture')

  it('is inside across midnight in the zone, with since and until on the local boundaries', () => {
    // 23:30 Berlin summer time = 21:30 UTC.
    const now = at('2025-06-07T21:30:00Z')
    expect(windowPhase(night, now)).toEqual({
      inside: true,
      since: at('2025-06-07T20:00:00Z'),
      until: at('2025-06-08T04:00:00Z'),
    })
  })

  it('is outside by day, since the morning end, until the evening start', () => {
    const now = at('2025-06-08T07:00:00Z') // 09:00 Berlin
    expect(windowPhase(night, now)).toEqual({
      inside: false,
      since: at('2025-06-08T04:00:00Z'),
      until: at('2025-06-08T20:00:00Z'),
    })
  })

  it('follows the zone through a daylight-saving change', () => {
    // Berlin leaves summer time on 2025-10-26 at 03:00 local: the night is an hour longer.
    const now = at('2025-10-25T23:00:00Z') // 01:00 CEST
    const phase = windowPhase(night, now)
    expect(phase.inside).toBe(true)
    expect(phase.since).toBe(at('2025-10-25T20:00:00Z')) // 22:00 CEST
    expect(phase.until).toBe(at('2025-10-26T05:00:00Z')) // 06:00 CET
  })

  it('starts inside at the first minute and ends outside at the last', () => {
    const utcDay = parseDailyWindow('09:00-17:00')
    if (!utcDay) throw new Error('fixture')
    expect(windowPhase(utcDay, at('2025-06-08T09:00:00Z')).inside).toBe(true)
    expect(windowPhase(utcDay, at('2025-06-08T16:59:59Z')).inside).toBe(true)
    expect(windowPhase(utcDay, at('2025-06-08T17:00:00Z')).inside).toBe(false)
  })
})
