// Refresh settings read from the environment (documented in README "Configuration").
import type { Env } from './env.ts'
import { DEFAULT_SUBREQUEST_BUDGET } from './refresh.ts'

/** Paid plans allow far more than Free's 50; PULSE_SUBREQUEST_BUDGET raises our own cap. */
export function subrequestBudget(env: Env): number {
  const raw = Number(env.PULSE_SUBREQUEST_BUDGET)
  return Number.isInteger(raw) && raw > 0 ? raw : DEFAULT_SUBREQUEST_BUDGET
}

/** Manual refreshes need PULSE_API_TOKEN as a bearer token, or an explicit opt-out for local dev. */
export function anonymousRefreshAllowed(env: Env): boolean {
  return env.PULSE_ALLOW_ANONYMOUS_REFRESH === 'true'
}
