// When to try a digest again: a fixed schedule (30 s, 2 min, 10 min, 1 h), never sooner than
// the receiver asked (Retry-After), and then no more: after the fifth attempt the digest is
// given up and the log says so. A retry that would fall inside the channel's quiet hours waits
// for their end, unless the digest is critical and the channel lets critical through: the
// engine released it outside quiet hours (digest.ts) and a retry must not wake anyone later.

import { digestLevel } from '../channels/text.ts'
import { type DailyWindow, windowPhase } from '../daily-window.ts'
import type { ChannelPolicy } from '../digest.ts'
import type { Digest } from '../message.ts'

/** Wait before attempt n + 1 after n failed attempts. */
export const RETRY_SCHEDULE_SECONDS = [30, 120, 600, 3_600] as const
export const MAX_ATTEMPTS = RETRY_SCHEDULE_SECONDS.length + 1
/** A longer Retry-After is honoured up to this; a receiver asking for days is down anyway. */
export const MAX_RETRY_AFTER_SECONDS = 6 * 3_600

export interface RetryInput {
  /** Attempts made so far, this one included (1 after the first failure). */
  attempt: number
  /** Epoch seconds of the failed attempt. */
  now: number
  retryAfterSeconds: number | null
  /** The quiet hours a retry must respect; null when none apply (retryWindow). */
  quietHours: DailyWindow | null
}

/** Epoch seconds of the next attempt, or null: give up. */
export function nextAttemptAt(input: RetryInput): number | null {
  const { attempt, now } = input
  if (!Number.isInteger(attempt) || attempt < 1 || attempt >= MAX_ATTEMPTS) return null
  const scheduled = RETRY_SCHEDULE_SECONDS[attempt - 1] ?? RETRY_SCHEDULE_SECONDS[0]
  const asked = Math.min(input.retryAfterSeconds ?? 0, MAX_RETRY_AFTER_SECONDS)
  const at = now + Math.max(scheduled, asked)
  if (!input.quietHours) return at
  const phase = windowPhase(input.quietHours, at)
  return phase.inside ? phase.until : at
}

/** The quiet hours a retry of this digest must wait out, if any. */
export function retryWindow(policy: ChannelPolicy, digest: Digest): DailyWindow | null {
  if (!policy.quietHours) return null
  if (policy.quietCriticalBypass && digestLevel(digest) === 'critical') return null
  return policy.quietHours
}
