// A guest summary with sensible defaults, for the page's pure selection tests.
import type { GuestSummary } from '../../../shared/schema/guest.ts'

export const NOW = 1_764_000_000
export const HOUR = 3_600

export function summary(overrides: Partial<GuestSummary> = {}): GuestSummary {
  const cluster = overrides.cluster ?? 'homelab'
  const guestId = overrides.guestId ?? 100
  return {
    key: `${cluster}/${guestId}`,
    cluster,
    guestId,
    guestName: 'web',
    type: 'qemu',
    node: 'pve1',
    status: 'running',
    template: false,
    latestBackupTime: NOW - 2 * HOUR,
    latestTimes: { pve: NOW - 2 * HOUR, pbs: null, snapshots: null },
    lastJob: null,
    covered: true,
    backingUp: false,
    ambiguousSnapshots: 0,
    counts: { pve: 1, pbs: 0, snapshots: 0 },
    ...overrides,
  }
}

export function never(overrides: Partial<GuestSummary> = {}): GuestSummary {
  return summary({
    latestBackupTime: null,
    latestTimes: { pve: null, pbs: null, snapshots: null },
    counts: { pve: 0, pbs: 0, snapshots: 0 },
    ...overrides,
  })
}
