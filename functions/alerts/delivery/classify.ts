// A receiver's HTTP answer as an outcome: 2xx sent; 408, 429 and 5xx worth retrying (with the
// wait it asked for); any other status is a permanent failure that retrying cannot fix (a bad
// payload, a revoked webhook). Channels with their own rules (Apprise's 204, 424) refine this.
import { type DeliveryOutcome, failed, retry, sent } from './outcome.ts'
import { retryAfterSeconds } from './retry-after.ts'

const MAX_ERROR_LENGTH = 200

/** A receiver's error body on one line, whole: it is redacted before it is cut (send.ts). */
export function errorLine(body: string): string {
  return body
    .replace(/\p{Cc}+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
}

/**
 * The first words of an error. Only ever applied after redaction: a cut through an echoed
 * secret would leave a piece of it that redaction no longer recognises.
 */
export function shortError(redacted: string): string {
  return redacted.length > MAX_ERROR_LENGTH
    ? `${redacted.slice(0, MAX_ERROR_LENGTH - 1)}…`
    : redacted
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
  const detail = errorLine(body)
  const error = detail ? `HTTP ${status}: ${detail}` : `HTTP ${status}`
  if (isRetryableStatus(status)) return retry(error, status, retryAfterSeconds(headers, body, now))
  return failed(error, status)
}
