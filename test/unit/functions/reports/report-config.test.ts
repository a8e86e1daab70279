// A channel's `report` option: off by default, read with its defaults (08:00, Monday, the quiet
// hours' zone or UTC), and a bad one named by field while the channel works on without it.
import { expect, it } from 'vitest'
import { readConfig } from '../../../../functions/config.ts'
import type { Env } from '../../../../functions/env.ts'

const URL_SECRET = 'https://ntfy.sh/pulse-7c1d2e3f4a5b'

function read(channel: Record<string, unknown>) {
  return readConfig({
    PULSE_ALERT_CHANNELS: JSON.stringify([{ id: 'phone', type: 'ntfy', ...channel }]),
    PULSE_CHANNEL_PHONE_URL: URL_SECRET,
  } as unknown as Env)
}

it('is off unless set', () => {
  const config = read({})
  expect(config.issues).toEqual([])
  expect(config.channels[0]?.report).toBeNull()
})

it('reads a daily and a weekly report, the zone from the quiet hours when unset', () => {
  expect(
    read({ report: { every: 'daily', at: '07:45', timeZone: 'America/New_York' } }).channels[0]
      ?.report,
  ).toEqual({
    every: 'daily',
    at: 7 * 60 + 45,
    weekday: 'mon',
    timeZone: 'America/New_York',
  })
  const weekly = read({
    quietHours: '22:00-07:00 Europe/Berlin',
    report: { every: 'weekly', weekday: 'fri' },
  })
  expect(weekly.issues).toEqual([])
  expect(weekly.channels[0]?.report).toEqual({
    every: 'weekly',
    at: 8 * 60,
    weekday: 'fri',
    timeZone: 'Europe/Berlin',
  })
  expect(read({ report: { every: 'daily' } }).channels[0]?.report?.timeZone).toBe('UTC')
})

it('names a bad report setting by field, never its value, and keeps the channel without a report', () => {
  for (const [report, field] of [
    [{ every: 'daily', at: '25:00' }, 'PULSE_ALERT_CHANNELS[0].report.at'],
    [{ every: 'hourly' }, 'PULSE_ALERT_CHANNELS[0].report.every'],
    [{ every: 'daily', weekday: 'mon' }, 'PULSE_ALERT_CHANNELS[0].report.weekday'],
    [{ every: 'weekly', weekday: 'someday' }, 'PULSE_ALERT_CHANNELS[0].report.weekday'],
    [{ every: 'daily', timeZone: 'Mars/Olympus' }, 'PULSE_ALERT_CHANNELS[0].report.timeZone'],
    [{ every: 'daily', when: 'now' }, 'PULSE_ALERT_CHANNELS[0].report.when'],
    ['daily', 'PULSE_ALERT_CHANNELS[0].report'],
  ] as const) {
    const config = read({ report })
    expect(config.issues.map((i) => i.field)).toEqual([field])
    expect(config.issues[0]?.message).toMatch(/sends no report until fixed/)
    expect(JSON.stringify(config.issues)).not.toContain('Olympus')
    expect(config.channels.map((c) => c.id)).toEqual(['phone'])
    expect(config.channels[0]?.report).toBeNull()
    expect(config.channelsIncomplete).toBe(false)
  }
})
