// One Digest per channel per evaluation: every event routed to the channel, never one message
// per alert. Each channel has an outbox (persisted with the alert state) so nothing is dropped:
// - routing: a channel takes events at or above its `minSeverity`, of its `rules` if listed
//   (a resolve carries the highest severity told, so it follows its fire);
// - hourly cap: at most `maxPerHour` digests in any 60 minutes; events beyond it wait in the
//   outbox and go out in the first digest the cap allows;
// - quiet hours, in the channel's time zone: events wait until they end, then go out in one
//   digest; critical ones go at once when `quietCriticalBypass` is on.
// A waiting reminder is superseded by any newer event of the same alert (it only restated it);
// no other event is ever replaced. Delivery-time helpers of the channels may also read quiet
// hours; this function is the engine's own, so each side stays pure and testable.
import type { AlertRule, Severity } from '../../shared/schema/alerts.ts'
import { type DailyWindow, windowPhase } from './daily-window.ts'
import type { AlertEvent, Digest } from './message.ts'
import type { Outbox } from './state.ts'

export interface ChannelPolicy {
  id: string
  minSeverity: Severity
  /** Only these rules; null = all. */
  rules: readonly AlertRule[] | null
  /** Digests per rolling hour; 0 = no cap. */
  maxPerHour: number
  quietHours: DailyWindow | null
  quietCriticalBypass: boolean
}

export const DEFAULT_MAX_PER_HOUR = 6
const HOUR = 3_600

export interface DigestInput {
  events: readonly AlertEvent[]
  policies: readonly ChannelPolicy[]
  outboxes: readonly Outbox[]
  firing: Digest['firing']
  now: number
  /** Absolute URL of the dashboard's alerts view. */
  dashboardLink: string
}

export interface DigestResult {
  digests: Digest[]
  /** One per policy; a channel no longer configured loses its outbox. */
  outboxes: Outbox[]
}

const RANK: Record<Severity, number> = { warning: 0, critical: 1 }

export function routes(policy: ChannelPolicy, event: AlertEvent): boolean {
  if (event.kind === 'test') return false
  if (RANK[event.severity] < RANK[policy.minSeverity]) return false
  return policy.rules === null || (policy.rules as readonly string[]).includes(event.rule)
}

function enqueue(pending: AlertEvent[], event: AlertEvent): AlertEvent[] {
  const same = pending.filter((e) => e.alertId === event.alertId)
  // A reminder adds nothing while news of the same alert is still waiting.
  if (event.kind === 'repeat' && same.some((e) => e.kind !== 'repeat')) return pending
  const kept = pending.filter((e) => !(e.alertId === event.alertId && e.kind === 'repeat'))
  if (kept.some((e) => e.eventId === event.eventId)) return kept
  return [...kept, event]
}

/** FNV-1a, for a short deterministic message id. */
function hash(text: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i += 1) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return (h >>> 0).toString(16).padStart(8, '0')
}

function quietNow(policy: ChannelPolicy, now: number): { quiet: boolean; until: number | null } {
  if (!policy.quietHours) return { quiet: false, until: null }
  const phase = windowPhase(policy.quietHours, now)
  return { quiet: phase.inside, until: phase.inside ? phase.until : null }
}

export function buildDigests(input: DigestInput): DigestResult {
  const { now } = input
  const byChannel = new Map(input.outboxes.map((o) => [o.channelId, o]))
  const digests: Digest[] = []
  const outboxes: Outbox[] = []
  for (const policy of input.policies) {
    const box = byChannel.get(policy.id)
    let pending = box?.pending ?? []
    for (const event of input.events) if (routes(policy, event)) pending = enqueue(pending, event)
    const sentAt = (box?.sentAt ?? []).filter((t) => now - t < HOUR)
    const capped = policy.maxPerHour > 0 && sentAt.length >= policy.maxPerHour
    const { quiet } = quietNow(policy, now)
    const release = capped
      ? []
      : quiet
        ? policy.quietCriticalBypass
          ? pending.filter((e) => e.severity === 'critical')
          : []
        : pending
    if (release.length > 0) {
      const ids = release.map((e) => e.eventId)
      digests.push({
        messageId: `${policy.id}:${now}:${hash(ids.join('\n'))}`,
        channelId: policy.id,
        at: now,
        events: release,
        dashboardLink: input.dashboardLink,
        firing: input.firing,
      })
      const sent = new Set(ids)
      pending = pending.filter((e) => !sent.has(e.eventId))
      sentAt.push(now)
    }
    outboxes.push({ channelId: policy.id, pending, sentAt })
  }
  return { digests, outboxes }
}

/** When the earliest waiting event could go out (quiet hours end, the cap frees); null if none. */
export function nextDigestDue(
  policies: readonly ChannelPolicy[],
  outboxes: readonly Outbox[],
  now: number,
): number | null {
  const byChannel = new Map(outboxes.map((o) => [o.channelId, o]))
  let due: number | null = null
  for (const policy of policies) {
    const box = byChannel.get(policy.id)
    if (!box || box.pending.length === 0) continue
    const recent = box.sentAt.filter((t) => now - t < HOUR).sort((a, b) => a - b)
    const excess = recent.length - policy.maxPerHour
    const capFree = policy.maxPerHour > 0 && excess >= 0 ? (recent[excess] ?? now) + HOUR : now
    const quietEnd = quietNow(policy, now).until ?? now
    const at = Math.max(capFree, quietEnd, now + 1)
    if (due === null || at < due) due = at
  }
  return due
}
