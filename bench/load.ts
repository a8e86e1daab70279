// Concurrent HTTP load on loopback with autocannon, bounded in requests and in time.
import autocannon from 'autocannon'

export interface LoadResult {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  requests: number
  failures: number
}

export function load(
  url: string,
  options: { connections: number; requests: number; maxSeconds: number },
): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let guard: ReturnType<typeof setTimeout> | undefined
    const instance = autocannon(
      { url, connections: options.connections, amount: options.requests, timeout: 10 },
      (error, result) => {
        clearTimeout(guard)
        if (error) return reject(error)
        const requests = result['2xx']
        resolve({
          requestsPerSecond: requests / result.duration,
          p50Ms: result.latency.p50,
          p99Ms: result.latency.p99,
          requests,
          failures: result.non2xx + result.errors,
        })
      },
    )
    // `amount` overrides autocannon's own duration limit; stopping reports what was done.
    guard = setTimeout(() => instance.stop(), options.maxSeconds * 1000)
  })
}
