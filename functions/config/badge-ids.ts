// PULSE_BADGE_IDS entries: opaque id → "cluster/vmid". A bad entry is left out and named by its
// position only (an id is as good as a secret: it is the whole point of opaque ids).
import type { ConfigIssue } from './issue.ts'

export const CLUSTER_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/
export const VMID_PATTERN = /^\d{1,9}$/
/** Long enough not to be guessed from a handful of tries; `openssl rand -hex 8` fits. */
const OPAQUE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

export interface GuestRef {
  cluster: string
  vmid: string
}

function parseGuestRef(target: unknown): GuestRef | undefined {
  if (typeof target !== 'string') return undefined
  const [cluster, vmid, ...rest] = target.split('/')
  if (rest.length > 0 || !cluster || !vmid) return undefined
  return CLUSTER_PATTERN.test(cluster) && VMID_PATTERN.test(vmid) ? { cluster, vmid } : undefined
}

export function parseBadgeIds(
  entries: Record<string, unknown>,
  issues: ConfigIssue[],
): Map<string, GuestRef> {
  const ids = new Map<string, GuestRef>()
  Object.entries(entries).forEach(([id, target], index) => {
    const guest = parseGuestRef(target)
    if (OPAQUE_ID_PATTERN.test(id) && guest) {
      ids.set(id, guest)
      return
    }
    issues.push({
      field: `PULSE_BADGE_IDS entry ${index + 1}`,
      message: OPAQUE_ID_PATTERN.test(id)
        ? 'must map to "cluster/vmid" (a source id and a numeric VMID); left out'
        : 'needs an id of 8-64 letters, digits, "-" or "_"; left out',
    })
  })
  return ids
}
