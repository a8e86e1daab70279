import { describe, expect, it } from 'vitest'
import type { GuestSchedule } from '../../../shared/schema/guest.ts'
import { scheduleNow, scheduleSentence, scheduleWords } from '../../../web/src/schedule.ts'
import { schedules } from './issue11-fixtures.ts'
import { HOUR, NOW } from './summaries.ts'

const s = schedules(NOW, 'homelab')

describe('scheduleNow', () => {
  it('keeps what the Worker said while nothing has passed', () => {
    expect(scheduleNow(s.weeklyOk, NOW)).toEqual(s.weeklyOk)
    expect(scheduleNow(s.due, NOW)).toEqual(s.due)
    expect(scheduleNow(s.missed, NOW)).toEqual(s.missed)
  })

  it('turns a due guest missed once its deadline passed while the page was open', () => {
    const later = scheduleNow(s.due, NOW + 2 * HOUR)
    expect(later.state).toBe('missed')
    expect(later.missedSince).toBe(s.due.deadline)
  })

  it('makes an ok guest due when its next run comes, with the grace of the run before', () => {
    const ok: GuestSchedule = {
      state: 'ok',
      jobs: ['homelab/backup-nightly'],
      previousRun: NOW - 20 * HOUR,
      deadline: NOW - 17 * HOUR,
      nextRun: NOW + HOUR,
      missedSince: null,
    }
    expect(scheduleNow(ok, NOW).state).toBe('ok')
    const due = scheduleNow(ok, NOW + 2 * HOUR)
    expect(due).toMatchObject({ state: 'due', previousRun: NOW + HOUR, deadline: NOW + 4 * HOUR })
    // Past that deadline too: missed since it.
    expect(scheduleNow(ok, NOW + 5 * HOUR)).toMatchObject({
      state: 'missed',
      missedSince: NOW + 4 * HOUR,
    })
  })

  it('says why in one sentence', () => {
    expect(scheduleSentence(s.missed, NOW)).toMatch(
      /^Missed since .* \(16h ago\): no backup from the run of .* \(19h ago\)\. Next run .* \(in 5h\)\.$/,
    )
    expect(scheduleSentence(s.due, NOW)).toMatch(
      /^Due: no backup yet .*; missed after .* \(in 1h\)\./,
    )
  })
})

describe('scheduleWords', () => {
  it.each([
    ['21:00', 'every day at 21:00, node time'],
    ['sat 01:00', 'Sat at 01:00, node time'],
    ['mon..fri 3:30', 'Mon–Fri at 03:30, node time'],
    ['mon,wed,fri 21:00', 'Mon, Wed, Fri at 21:00, node time'],
    ['sun', 'Sun at 00:00, node time'],
    ['daily', 'every day at 00:00, node time'],
    ['02:30 UTC', 'every day at 02:30, UTC'],
  ])('%s → %s', (event, words) => {
    expect(scheduleWords(event)).toBe(words)
  })

  it.each(['*/6:00', 'mon 21:00 22:00', '2026-12-24 10:00', 'sat,sun 25:00', 'first mon'])(
    'leaves %s as written rather than guess',
    (event) => {
      expect(scheduleWords(event)).toBeNull()
    },
  )
})
