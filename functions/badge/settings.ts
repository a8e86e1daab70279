// Badge settings from the environment (documented in README "Status badges"). Badges are public,
// so every unreadable value falls back to the more private choice, is reported by field name
// (never by value: an opaque id map is as good as a secret) and never fails a request.
import type { ConfigIssue } from '../config.ts'
import type { Env } from '../env.ts'

export const CLUSTER_PATTERN = /^[a-z0-9][a-z0-9-]{0,31}$/
export const VMID_PATTERN = /^\d{1,9}$/
/** Long enough not to be guessed from a handful of tries; `openssl rand -hex 8` fits. */
const OPAQUE_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/

export interface GuestRef {
  cluster: string
  vmid: string
}

export interface BadgeSettings {
  enabled: boolean
  /** Label badges with the guest's name instead of only the backup type. */
  showNames: boolean
  /** Answer only /badge/id/<opaque> for guests, so no URL carries a VMID. */
  idsOnly: boolean
  ids: ReadonlyMap<string, GuestRef>
  issues: ConfigIssue[]
}

type SwitchName = 'PULSE_BADGES' | 'PULSE_BADGE_SHOW_NAMES' | 'PULSE_BADGE_IDS_ONLY'

function readSwitch(env: Env, name: SwitchName, unset: boolean, issues: ConfigIssue[]): boolean {
  const raw = env[name]?.trim().toLowerCase()
  if (raw === undefined || raw === '') return unset
  if (raw === 'true' || raw === 'on') return true
  if (raw === 'false' || raw === 'off') return false
  const privateChoice = name === 'PULSE_BADGE_IDS_ONLY'
  issues.push({
    field: name,
    message: `must be "true"/"on" or "false"/"off"; read as "${privateChoice ? 'true' : 'false'}" until fixed`,
  })
  return privateChoice
}

function parseGuestRef(target: unknown): GuestRef | undefined {
  if (typeof target !== 'string') return undefined
  const [cluster, vmid, ...rest] = target.split('/')
  if (rest.length > 0 || !cluster || !vmid) return undefined
  return CLUSTER_PATTERN.test(cluster) && VMID_PATTERN.test(vmid) ? { cluster, vmid } : undefined
}

function readIds(raw: string | undefined, issues: ConfigIssue[]): Map<string, GuestRef> {
  const ids = new Map<string, GuestRef>()
  if (raw === undefined || raw.trim() === '') return ids
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    // JSON.parse's message quotes the input.
    issues.push({ field: 'PULSE_BADGE_IDS', message: 'is not valid JSON' })
    return ids
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    issues.push({
      field: 'PULSE_BADGE_IDS',
      message: 'must be a JSON object of opaque id → "cluster/vmid"',
    })
    return ids
  }
  Object.entries(parsed).forEach(([id, target], index) => {
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

let cached: { key: string; settings: BadgeSettings } | undefined

/** Parsed once per isolate and configuration; issues are logged when first seen. */
export function readBadgeSettings(env: Env): BadgeSettings {
  const key = [
    env.PULSE_BADGES,
    env.PULSE_BADGE_SHOW_NAMES,
    env.PULSE_BADGE_IDS_ONLY,
    env.PULSE_BADGE_IDS,
  ].join('\u0000')
  if (cached?.key === key) return cached.settings
  const issues: ConfigIssue[] = []
  const settings: BadgeSettings = {
    enabled: readSwitch(env, 'PULSE_BADGES', true, issues),
    showNames: readSwitch(env, 'PULSE_BADGE_SHOW_NAMES', false, issues),
    idsOnly: readSwitch(env, 'PULSE_BADGE_IDS_ONLY', false, issues),
    ids: readIds(env.PULSE_BADGE_IDS, issues),
    issues,
  }
  for (const issue of issues) console.warn(`badge config: ${issue.field} ${issue.message}`)
  cached = { key, settings }
  return settings
}
