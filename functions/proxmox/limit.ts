// Bounded concurrency: Workers allow 6 simultaneous open connections per invocation, extra
// ones queue inside the runtime and eat the timeout budget, so we queue them here instead.
// Every request of a refresh goes through one limiter (all sources of a pass share it).
export const MAX_CONCURRENT_REQUESTS = 6

export interface LimitOptions {
  /**
   * Jump the queue: waiting `first` tasks start before any other waiting task. Used for the
   * node a webhook said just finished a backup, so the subrequest budget is spent there first.
   */
  first?: boolean
  /**
   * The answer decides which requests come next (the cluster-wide base calls, a node's task
   * list, a job log, a datastore's namespaces): it starts before waiting requests that lead to
   * nothing further. Queued behind hundreds of snapshot listings, each step of a dependent chain
   * (a node's job logs are read one after another) waited for the whole queue, so the chains
   * ran alone at the end with most connections idle. Ahead of them, every chain advances while
   * the leaves fill the other connections.
   */
  opens?: boolean
  /**
   * A long answer (every archive of a storage, every snapshot of a PBS namespace: up to
   * megabytes, many times a small call's time to build, send and parse): it starts before
   * waiting small calls, after `opens` ones. Queued behind 800 snapshot lists, the PBS
   * listings ran last and left the other connections idle while they finished; a long job
   * started early ends while the short ones fill the other connections.
   */
  heavy?: boolean
}

export type Limiter = <T>(task: () => Promise<T>, options?: LimitOptions) => Promise<T>

/** Lanes in the order they are served; FIFO within a lane. */
const FIRST = 0
const OPENS = 1
const HEAVY = 2
const PLAIN = 3

export function createLimiter(concurrency: number = MAX_CONCURRENT_REQUESTS): Limiter {
  let active = 0
  const lanes: (() => void)[][] = [[], [], [], []]
  // A finishing task hands its slot straight to the next waiter, so `active` never overshoots.
  const release = () => {
    const next = lanes.find((lane) => lane.length > 0)?.shift()
    if (next) next()
    else active -= 1
  }
  return async <T>(task: () => Promise<T>, options?: LimitOptions): Promise<T> => {
    if (active >= concurrency) {
      const lane = options?.first ? FIRST : options?.opens ? OPENS : options?.heavy ? HEAVY : PLAIN
      await new Promise<void>((resolve) => lanes[lane]?.push(resolve))
    } else active += 1
    try {
      return await task()
    } finally {
      release()
    }
  }
}
