// A receiver's HTTP answer as an outcome: 2xx sent; 408, 429 and 5xx worth retrying (with the
// wait it asked for); any other status is a permanent failure that retrying cannot fix (a bad
// payload, a revoked webhook). Channels with their own rules (Apprise's 204, 424) refine this.
import { type DeliveryOutcome, failed, retry, sent } from './outcome.ts'
import { retryAfterSeconds } from './retry-after.ts'

const MAX_ERROR_LENGTH = 200

/** The first words of a receiver's error body, on one line; redacted later (redact.ts). */
export function shortError(body: string): string {
  const text = body
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return text.length > MAX_ERROR_LENGTH ? `${text.slice(0, MAX_ERROR_LENGTH - 1)}…` : text
}

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599)
}

export function classifyResponse(
  status: number,
  headers: Headers,
  body: string,
  now: number,
): DeliveryOutcome {
  if (status >= 200 && status <= 299) return sent(status)
  const detail = shortError(body)
  const error = detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`
  if (isRetryableStatus(status)) return retry(error, status, retryAfterSeconds(headers, body, now))
  return failed(error, status)
}
