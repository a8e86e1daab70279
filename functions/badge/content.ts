// What a badge says: label, message and tone of one guest or of the whole fleet, from the shared
// age rule. Pure; the clock and thresholds are arguments. Shows no guest name unless asked to.
import {
  type AgeStatus,
  type AgeSubject,
  ageStatus,
  BACKUP_FILTERS,
  type BackupFilter,
  formatAge,
  getFilteredAge,
  type Thresholds,
} from '../../shared/age.ts'
import type { BadgeTone } from './colors.ts'

export interface Badge {
  label: string
  message: string
  tone: BadgeTone
}

export interface BadgeContext {
  filter: BackupFilter
  nowSeconds: number
  thresholds: Thresholds
}

const GUEST_LABELS: Record<BackupFilter, string> = {
  all: 'backup',
  pve: 'pve backup',
  pbs: 'pbs backup',
  snapshots: 'snapshot',
}

const FLEET_LABELS: Record<BackupFilter, string> = {
  all: 'backups',
  pve: 'pve backups',
  pbs: 'pbs backups',
  snapshots: 'snapshots',
}

const SEVERITY: Record<AgeStatus, number> = { fresh: 0, stale: 1, overdue: 2, never: 3 }

export function isBackupFilter(value: string): value is BackupFilter {
  return (BACKUP_FILTERS as readonly string[]).includes(value)
}

/** "backup | 17h"; with `nameAsLabel`, "debian backup | 17h" (a blank name falls back). */
export function guestBadge(
  guest: AgeSubject & { guestName: string | null },
  context: BadgeContext,
  nameAsLabel: boolean,
): Badge {
  const age = getFilteredAge(guest, context.filter, context.nowSeconds)
  const name = nameAsLabel ? guest.guestName?.trim() : undefined
  const label = GUEST_LABELS[context.filter]
  return {
    label: name ? `${name} ${label}` : label,
    message: formatAge(age),
    tone: ageStatus(age, context.thresholds),
  }
}

/**
 * "backups | 42/45 fresh", templates left out as on the dashboard. The tone is the worst
 * guest's, except that a guest without any backup turns the fleet red, not "never".
 */
export function fleetBadge(
  guests: readonly (AgeSubject & { template: boolean })[],
  context: BadgeContext,
): Badge {
  const label = FLEET_LABELS[context.filter]
  let total = 0
  let fresh = 0
  let worst: AgeStatus = 'fresh'
  for (const guest of guests) {
    if (guest.template) continue
    const status = ageStatus(
      getFilteredAge(guest, context.filter, context.nowSeconds),
      context.thresholds,
    )
    total += 1
    if (status === 'fresh') fresh += 1
    if (SEVERITY[status] > SEVERITY[worst]) worst = status
  }
  if (total === 0) return { label, message: 'no guests', tone: 'unknown' }
  return {
    label,
    message: `${fresh}/${total} fresh`,
    tone: worst === 'never' ? 'overdue' : worst,
  }
}

/** A guest, opaque id or fleet the store does not know (yet). */
export function unknownBadge(filter: BackupFilter, scope: 'guest' | 'fleet'): Badge {
  const label = scope === 'guest' ? GUEST_LABELS[filter] : FLEET_LABELS[filter]
  return { label, message: 'unknown', tone: 'unknown' }
}

export const INVALID_TYPE_BADGE: Badge = {
  label: 'type',
  message: 'must be all, pve, pbs or snapshots',
  tone: 'error',
}
