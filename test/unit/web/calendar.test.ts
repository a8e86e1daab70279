import { describe, expect, it } from 'vitest'
import type { BackupDate } from '../../../shared/schema/guest.ts'
import { buildCalendar, localDay } from '../../../web/src/calendar.ts'

function bucket(pve: number[], pbs: number[] = [], snaps: number[] = []): BackupDate {
  return {
    date: 'ignored',
    types: [],
    count: pve.length + pbs.length + snaps.length,
    timestamps: { pveBackups: pve, pbsSnapshots: pbs, vmSnapshots: snaps },
  }
}

// 2026-11-24 23:30 in New York (EST, UTC-5) is 2026-11-25 04:30 UTC.
const LATE = Date.UTC(2026, 10, 25, 4, 30) / 1000
const NOW = Date.UTC(2026, 10, 26, 21, 0) / 1000

describe('buildCalendar', () => {
  it("puts a 23:30 backup on the viewer's local day, not the UTC day", () => {
    const ny = buildCalendar([bucket([LATE])], NOW, 'America/New_York')
    expect(ny.find((d) => d.date === '2026-11-24')?.counts.pve).toBe(1)
    expect(ny.find((d) => d.date === '2026-11-25')?.total).toBe(0)
    const utc = buildCalendar([bucket([LATE])], NOW, 'UTC')
    expect(utc.find((d) => d.date === '2026-11-25')?.counts.pve).toBe(1)
  })

  it('shows exactly the last 30 local days, today last, with weekdays', () => {
    const days = buildCalendar([], NOW, 'Pacific/Auckland')
    expect(days).toHaveLength(30)
    // 21:00 UTC on the 26th is already the 27th in Auckland.
    expect(days.at(-1)?.date).toBe('2026-11-27')
    expect(days[0]?.date).toBe('2026-10-29')
    expect(days.at(-1)?.weekday).toBe(5)
  })

  it('counts each kind separately and ignores backups outside the window', () => {
    const old = NOW - 40 * 86_400
    const days = buildCalendar(
      [bucket([LATE, old], [LATE + 60], [LATE + 120])],
      NOW,
      'America/New_York',
    )
    const day = days.find((d) => d.date === '2026-11-24')
    expect(day?.counts).toEqual({ pve: 1, pbs: 1, snapshot: 1 })
    expect(days.reduce((n, d) => n + d.total, 0)).toBe(3)
  })

  it('keeps one cell per local day across a DST change', () => {
    // New York left DST on 2026-11-01; that day is 25 hours long.
    const days = buildCalendar([], Date.UTC(2026, 10, 3, 12) / 1000, 'America/New_York')
    const dates = days.map((d) => d.date)
    expect(new Set(dates).size).toBe(30)
    expect(dates).toContain('2026-11-01')
    expect(localDay(Date.UTC(2026, 10, 2, 4, 59) / 1000, 'America/New_York')).toBe('2026-11-01')
  })
})
