// Bounded concurrency: Workers allow 6 simultaneous open connections per invocation, extra
// ones queue inside the runtime and eat the timeout budget, so we queue them here instead.
export const MAX_CONCURRENT_REQUESTS = 6

export interface LimitOptions {
  /**
   * Jump the queue: waiting `first` tasks start before any other waiting task. Used for the
   * node a webhook said just finished a backup, so the subrequest budget is spent there first.
   */
  first?: boolean
}

export type Limiter = <T>(task: () => Promise<T>, options?: LimitOptions) => Promise<T>

export function createLimiter(concurrency: number = MAX_CONCURRENT_REQUESTS): Limiter {
  let active = 0
  const waitingFirst: (() => void)[] = []
  const waiting: (() => void)[] = []
  // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
  const release = () => {
    const next = waitingFirst.shift() ?? waiting.shift()
    if (next) next()
    else active -= 1
  }
  return async <T>(task: () => Promise<T>, options?: LimitOptions): Promise<T> => {
    if (active >= concurrency) {
      const queue = options?.first ? waitingFirst : waiting
      await new Promise<void>((resolve) => queue.push(resolve))
    } else active += 1
    try {
      return await task()
    } finally {
      release()
    }
  }
}
