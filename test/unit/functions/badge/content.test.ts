import { describe, expect, it } from 'vitest'
import {
  type BadgeContext,
  fleetBadge,
  guestBadge,
  isBackupFilter,
  unknownBadge,
} from '../../../../functions/badge/content.ts'
import { BACKUP_FILTERS, DEFAULT_THRESHOLDS } from '../../../../shared/age.ts'

const NOW = 1_749_380_000
const H = 3600
const context: BadgeContext = { filter: 'all', nowSeconds: NOW, thresholds: DEFAULT_THRESHOLDS }

function guest(pve: number | null, pbs: number | null = null, snapshots: number | null = null) {
  const backups = [pve, pbs].filter((t): t is number => t !== null)
  return {
    guestName: 'debian',
    template: false,
    latestBackupTime: backups.length > 0 ? Math.max(...backups) : null,
    latestTimes: { pve, pbs, snapshots },
  }
}

describe('guestBadge', () => {
  it.each([
    [2 * H, '2h', 'fresh'],
    [24 * H, '24h', 'fresh'],
    [24 * H + 1, '24h', 'stale'],
    [72 * H, '3d', 'stale'],
    [72 * H + 1, '3d', 'overdue'],
    [10 * 24 * H, '10d', 'overdue'],
  ] as const)('shows an age of %i s as %j, %s', (age, message, tone) => {
    expect(guestBadge(guest(NOW - age), context, false)).toEqual({
      label: 'backup',
      message,
      tone,
    })
  })

  it('says "never" in its own tone for a guest without a backup of the chosen type', () => {
    expect(guestBadge(guest(NOW - H), { ...context, filter: 'pbs' }, false)).toEqual({
      label: 'pbs backup',
      message: 'never',
      tone: 'never',
    })
  })

  it('reads the design note example per type: 17 h PVE, 11 h PBS, 11 h overall', () => {
    const g = guest(NOW - 17 * H, NOW - 11 * H, NOW - 14 * H)
    const messages = BACKUP_FILTERS.map((filter) => guestBadge(g, { ...context, filter }, false))
    expect(messages.map((b) => `${b.label} | ${b.message}`)).toEqual([
      'backup | 11h',
      'pve backup | 17h',
      'pbs backup | 11h',
      'snapshot | 14h',
    ])
  })

  it('follows configured thresholds', () => {
    const tight = { ...context, thresholds: { freshHours: 1, staleHours: 2 } }
    expect(guestBadge(guest(NOW - 90 * 60), tight, false).tone).toBe('stale')
  })

  it('shows the guest name only when asked to', () => {
    expect(guestBadge(guest(NOW - H), context, false).label).toBe('backup')
    expect(guestBadge(guest(NOW - H), context, true).label).toBe('debian backup')
  })

  it('falls back to the plain label for a guest without a name', () => {
    const unnamed = { ...guest(NOW - H), guestName: null }
    expect(guestBadge(unnamed, context, true).label).toBe('backup')
    expect(guestBadge({ ...unnamed, guestName: '  ' }, context, true).label).toBe('backup')
  })
})

describe('fleetBadge', () => {
  it('counts fresh guests out of all, leaving templates out as the dashboard does', () => {
    const guests = [
      guest(NOW - H),
      guest(NOW - 2 * H),
      { ...guest(null), template: true },
      guest(NOW - 30 * H),
    ]
    expect(fleetBadge(guests, context)).toEqual({
      label: 'backups',
      message: '2/3 fresh',
      tone: 'stale',
    })
  })

  it('is fresh only when every guest is', () => {
    expect(fleetBadge([guest(NOW - H), guest(NOW - 2 * H)], context).tone).toBe('fresh')
  })

  it('turns overdue when any guest is overdue or has no backup at all', () => {
    expect(fleetBadge([guest(NOW - H), guest(NOW - 80 * H)], context).tone).toBe('overdue')
    expect(fleetBadge([guest(NOW - H), guest(null)], context).tone).toBe('overdue')
  })

  it('counts per type', () => {
    const guests = [guest(NOW - H, null), guest(NOW - H, NOW - H)]
    expect(fleetBadge(guests, { ...context, filter: 'pbs' })).toEqual({
      label: 'pbs backups',
      message: '1/2 fresh',
      tone: 'overdue',
    })
  })

  it('says "no guests" in grey for an empty fleet', () => {
    expect(fleetBadge([], context)).toEqual({
      label: 'backups',
      message: 'no guests',
      tone: 'unknown',
    })
  })
})

describe('unknownBadge and filters', () => {
  it('labels an unknown guest like a known one, in grey', () => {
    expect(unknownBadge('pve', 'guest')).toEqual({
      label: 'pve backup',
      message: 'unknown',
      tone: 'unknown',
    })
  })

  it('accepts exactly the dashboard filters as ?type', () => {
    expect(BACKUP_FILTERS.every(isBackupFilter)).toBe(true)
    expect(['', 'ALL', 'vzdump', 'toString', '__proto__'].some(isBackupFilter)).toBe(false)
  })
})
