// Concurrent HTTP load on loopback with autocannon, bounded in time and in requests.
import autocannon from 'autocannon'

export interface LoadResult {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  requests: number
  /** Non-2xx answers, and requests without an answer (connection errors, timeouts). */
  non2xx: number
  errors: number
}

/**
 * Runs for `seconds` (autocannon reports on one-second ticks, so a time-bounded run gives an
 * exact rate where a request-bounded one rounds its duration up to a whole second), stopping
 * early at `maxRequests`.
 */
export function load(
  url: string,
  options: { connections: number; seconds: number; maxRequests: number },
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let guard: ReturnType<typeof setTimeout> | undefined
    const instance = autocannon(
      {
        url,
        connections: options.connections,
        duration: options.seconds,
        maxOverallRequests: options.maxRequests,
        timeout: 10,
      },
      (error, result) => {
        clearTimeout(guard)
        if (error) return reject(error)
        const requests = result['2xx']
        resolve({
          requestsPerSecond: requests / result.duration,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          requests,
          non2xx: result.non2xx,
          errors: result.errors,
        })
      },
    )
    // A server that stops answering must not hold the benchmark beyond its time.
    guard = setTimeout(() => instance.stop(), (options.seconds + 15) * 1000)
  })
}
