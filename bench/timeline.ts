// Where a refresh's wall time goes: a fetch that records when each upstream request started
// and ended (the bench's instrument, not production's), a summary of that timeline, and a replay
// of the same requests as the fastest this harness can make them, for a baseline measured in
// the same run.
import { createLimiter } from '../functions/proxmox/limit.ts'

export interface TimedRequest {
  url: string
  headers: Headers
  /** ms since the timeline's start. */
  start: number
  end: number
}

export function createTimeline() {
  const requests: TimedRequest[] = []
  const origin = performance.now()
  const timed: typeof fetch = async (input, init) => {
    const start = performance.now() - origin
    const response = await fetch(input, init)
    // `end` is when the whole answer was in, as the client sees it: when its body has been
    // read. The reads are wrapped on this response rather than the body copied into a new one,
    // so the instrument adds no copy of the 15 MB a cold refresh reads (the replay has none).
    const record = () =>
      requests.push({
        url: String(input),
        headers: new Headers(init?.headers),
        start,
        end: performance.now() - origin,
      })
    for (const method of ['text', 'arrayBuffer', 'json'] as const) {
      const read = response[method].bind(response) as () => Promise<unknown>
      Object.defineProperty(response, method, {
        value: async () => {
          const body = await read()
          record()
          return body
        },
      })
    }
    return response
  }
  return { fetch: timed, requests, elapsed: () => performance.now() - origin }
}

export interface TimelineSummary {
  requests: number
  /** When the first request started (ms from the start: the pass's work before it). */
  firstRequest: number
  /** When the last answer was in (ms from the start). */
  lastAnswer: number
  /** Mean time one request took, as the client saw it. */
  meanRequestMs: number
  /** Share of `connections` × lastAnswer during which a request was open. */
  busy: number
  /** Slowest stretch: the longest time with fewer than `connections` requests open. */
  longestGap: { from: number; to: number; open: number }
}

export function summarize(requests: readonly TimedRequest[], connections: number): TimelineSummary {
  const lastAnswer = Math.max(0, ...requests.map((r) => r.end))
  const open = requests.reduce((sum, r) => sum + (r.end - r.start), 0)
  // Sweep the start/end events for stretches below full use.
  const events = requests
    .flatMap((r) => [
      { at: r.start, delta: 1 },
      { at: r.end, delta: -1 },
    ])
    .sort((a, b) => a.at - b.at || a.delta - b.delta)
  let level = 0
  let since = 0
  let minOpen = connections
  let longestGap = { from: 0, to: 0, open: connections }
  for (const e of events) {
    const below = level < connections
    level += e.delta
    if (below && level >= connections) {
      if (e.at - since > longestGap.to - longestGap.from)
        longestGap = { from: since, to: e.at, open: minOpen }
    } else if (!below && level < connections) {
      since = e.at
      minOpen = level
    } else if (level < connections) minOpen = Math.min(minOpen, level)
  }
  if (level < connections && lastAnswer - since > longestGap.to - longestGap.from)
    longestGap = { from: since, to: lastAnswer, open: minOpen }
  return {
    requests: requests.length,
    firstRequest: requests.length > 0 ? Math.min(...requests.map((r) => r.start)) : 0,
    lastAnswer,
    meanRequestMs: requests.length > 0 ? open / requests.length : 0,
    busy: lastAnswer > 0 ? open / (connections * lastAnswer) : 0,
    longestGap,
  }
}

/**
 * The recorded requests again, `connections` at a time, longest first, none waiting for
 * another and nothing done with the answers but reading them: no schedule of the refresh can be faster through
 * this harness (its fetch, the lab, this machine). Where the request graph's best schedule is
 * ⌈requests ÷ connections⌉ rounds (criticalPath().optimal with the throughput bound), this is
 * that critical path at the latency each request really had here. Returns the elapsed ms.
 */
export async function replay(
  requests: readonly TimedRequest[],
  connections: number,
): Promise<number> {
  const limit = createLimiter(connections)
  // Longest first (as they took in the refresh): long answers started last leave the other
  // connections idle while they finish.
  const order = [...requests].sort((a, b) => b.end - b.start - (a.end - a.start))
  const started = performance.now()
  await Promise.all(
    order.map((r) =>
      limit(async () => {
        const response = await fetch(r.url, { headers: r.headers, redirect: 'manual' })
        await response.arrayBuffer()
      }),
    ),
  )
  return performance.now() - started
}
