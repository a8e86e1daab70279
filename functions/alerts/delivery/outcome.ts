// What one attempt to deliver a digest came to: sent, to be retried (with the receiver's own
// wait if it gave one), or failed for good. Errors are short, one line, and redacted before
// they leave sendDigest (redact.ts).

export type DeliveryOutcome =
  | { status: 'sent'; httpStatus: number | null }
  | {
      status: 'retry'
      httpStatus: number | null
      /** Seconds the receiver asked to wait (Retry-After, Discord/Telegram `retry_after`). */
      retryAfterSeconds: number | null
      error: string
    }
  | { status: 'failed'; httpStatus: number | null; error: string }

export interface DeliveryResult {
  channelId: string
  messageId: string
  /** Epoch seconds of the attempt. */
  at: number
  outcome: DeliveryOutcome
}

export const sent = (httpStatus: number | null = null): DeliveryOutcome => ({
  status: 'sent',
  httpStatus,
})

export const retry = (
  error: string,
  httpStatus: number | null = null,
  retryAfterSeconds: number | null = null,
): DeliveryOutcome => ({ status: 'retry', httpStatus, retryAfterSeconds, error })

export const failed = (error: string, httpStatus: number | null = null): DeliveryOutcome => ({
  status: 'failed',
  httpStatus,
  error,
})
