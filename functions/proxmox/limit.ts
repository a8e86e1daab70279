// Bounded concurrency: Workers allow 6 simultaneous open connections per invocation, extra
// ones queue inside the runtime and eat the timeout budget, so we queue them here instead.
export const MAX_CONCURRENT_REQUESTS = 6

export type Limiter = <T>(task: () => Promise<T>) => Promise<T>

export function createLimiter(concurrency: number = MAX_CONCURRENT_REQUESTS): Limiter {
  let active = 0
  const waiting: (() => void)[] = []
  // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
  const release = () => {
    const next = waiting.shift()
    if (next) next()
    else active -= 1
  }
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolve) => waiting.push(resolve))
    else active += 1
    try {
      return await task()
    } finally {
      release()
    }
  }
}
