// The shortest a collection of the lab can take at a fixed latency per request: its request graph
// (bench/minimum.ts requestGraph, from the model's data) run in rounds of one latency each,
// MAX_CONCURRENT_REQUESTS at a time, because that is all a Worker invocation may keep open.
// Two bounds meet here: no schedule takes fewer rounds than the longest chain of requests that
// wait for each other, nor fewer than ⌈requests ÷ connections⌉. The schedule below (each round
// the ready requests with the longest chains behind them, Hu's rule) shows how many rounds the
// graph really needs; when it equals the larger bound it is optimal, and says so.
import type { GraphRequest } from './minimum.ts'

export interface CriticalPath {
  requests: number
  /** Rounds of the schedule below. */
  rounds: number
  /** Longest chain of requests that wait for each other (in requests). */
  chain: number
  /** ⌈requests ÷ connections⌉. */
  throughput: number
  /** The schedule meets the larger bound: no schedule can be shorter. */
  optimal: boolean
}

export function criticalPath(graph: readonly GraphRequest[], connections: number): CriticalPath {
  // Longest chain from each request to the end, counting itself (requests come after those
  // they need, as requestGraph builds them, so one backwards pass is enough).
  const after = graph.map(() => [] as number[])
  for (const r of graph) for (const d of r.after) after[d]?.push(r.id)
  const height = graph.map(() => 1)
  for (let i = graph.length - 1; i >= 0; i--)
    for (const next of after[i] ?? []) height[i] = Math.max(height[i] ?? 1, 1 + (height[next] ?? 1))
  const waiting = graph.map((r) => r.after.length)
  let ready = graph.filter((r) => r.after.length === 0).map((r) => r.id)
  let rounds = 0
  let done = 0
  while (ready.length > 0) {
    ready.sort((a, b) => (height[b] ?? 0) - (height[a] ?? 0) || a - b)
    const now = ready.slice(0, connections)
    ready = ready.slice(connections)
    rounds += 1
    done += now.length
    for (const id of now)
      for (const next of after[id] ?? []) {
        waiting[next] = (waiting[next] ?? 1) - 1
        if (waiting[next] === 0) ready.push(next)
      }
  }
  if (done !== graph.length) throw new Error('request graph has a cycle')
  const chain = Math.max(0, ...height)
  const throughput = Math.ceil(graph.length / connections)
  return {
    requests: graph.length,
    rounds,
    chain,
    throughput,
    optimal: rounds === Math.max(chain, throughput),
  }
}
