// An attempt's result as a delivery-log entry, with when to try again (or that this was the
// last try). The coordinator persists the entries and schedules its alarm by nextAttemptAt.
import type { DeliveryLogEntry } from '../../../shared/schema/alerts.ts'
import type { ChannelPolicy } from '../digest.ts'
import type { Digest } from '../message.ts'
import { nextAttemptAt, retryWindow } from './backoff.ts'
import type { DeliveryResult } from './outcome.ts'

export type { DeliveryLogEntry } from '../../../shared/schema/alerts.ts'

export function logEntry(
  result: DeliveryResult,
  /** 1 for the first attempt of this digest. */
  attempt: number,
  policy: ChannelPolicy,
  digest: Digest,
): DeliveryLogEntry {
  const { outcome } = result
  const base = {
    channelId: result.channelId,
    messageId: result.messageId,
    attempt,
    at: result.at,
    httpStatus: outcome.httpStatus,
  }
  if (outcome.status === 'sent') {
    return { ...base, status: 'sent', error: null, nextAttemptAt: null }
  }
  if (outcome.status === 'failed') {
    return { ...base, status: 'failed', error: outcome.error, nextAttemptAt: null }
  }
  const next = nextAttemptAt({
    attempt,
    now: result.at,
    retryAfterSeconds: outcome.retryAfterSeconds,
    quietHours: retryWindow(policy, digest),
  })
  return next === null
    ? { ...base, status: 'gave-up', error: outcome.error, nextAttemptAt: null }
    : { ...base, status: 'retry', error: outcome.error, nextAttemptAt: next }
}
