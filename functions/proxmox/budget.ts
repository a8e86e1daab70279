// Counts outbound requests against a per-invocation allowance. Workers Free allows 50
// external subrequests per invocation (Paid: 10,000 by default); work past it waits for
// the next invocation instead of failing the whole refresh.
import { ProxmoxError } from './errors.ts'

export interface RequestBudget {
  readonly limit: number
  used: number
  /** Takes one request from the budget or throws a `budget` ProxmoxError. */
  take(): void
  remaining(): number
}

export function createRequestBudget(limit: number): RequestBudget {
  return {
    limit,
    used: 0,
    take() {
      if (this.used >= this.limit) {
        throw new ProxmoxError('budget', `subrequest budget of ${this.limit} used up`)
      }
      this.used += 1
    },
    remaining() {
      return Math.max(0, this.limit - this.used)
    },
  }
}
