// What sending needs from outside: the fetch to use (the runtime's, or a test's), the clock,
// and the bindings (e-mail goes through a `send_email` binding, not fetch).
import type { Env } from '../../env.ts'

export interface SendContext {
  fetch: typeof fetch
  /** Epoch seconds; signed into webhooks, compared with Retry-After dates. */
  now: number
  env: Env
  /** Per request; default DEFAULT_SEND_TIMEOUT_MS. */
  timeoutMs?: number
}

/** Standard Webhooks recommends 15-30 s; a slow self-hosted receiver gets the low end. */
export const DEFAULT_SEND_TIMEOUT_MS = 15_000
