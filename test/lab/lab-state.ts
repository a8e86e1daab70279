// Mutable runtime state shared by the handler and its controllers: faults, counters, delays.
import type { LabFault } from './faults.ts'

export interface LabState {
  faults: LabFault[]
  counts: Map<string, number>
  /** Added to every source request (benchmarks). */
  latencyMs: number
  /** Delay before a 401; real servers wait about 3 s. */
  authFailureDelayMs: number
  /** Wall-clock epoch seconds the lab started: lab time (storage growth) counts from it. */
  startedAt: number
  /** Set into the past (`PUT /_lab/clock`): every source answers as of then (replay.ts). */
  clock: number | null
}

export interface RequestCounts {
  total: number
  /** `pve/homelab GET /nodes/{node}/storage/{storage}/content` → count. */
  byEndpoint: Record<string, number>
  bySource: Record<string, number>
}

export function createLabState(init: Partial<LabState> = {}): LabState {
  return {
    faults: init.faults ?? [],
    counts: init.counts ?? new Map(),
    latencyMs: init.latencyMs ?? 0,
    authFailureDelayMs: init.authFailureDelayMs ?? 0,
    startedAt: init.startedAt ?? Math.floor(Date.now() / 1000),
    clock: init.clock ?? null,
  }
}

export function countRequest(state: LabState, key: string): void {
  state.counts.set(key, (state.counts.get(key) ?? 0) + 1)
}

export function requestCounts(state: LabState): RequestCounts {
  const byEndpoint: Record<string, number> = {}
  const bySource: Record<string, number> = {}
  let total = 0
  for (const [key, n] of [...state.counts].sort(([a], [b]) => (a < b ? -1 : 1))) {
    byEndpoint[key] = n
    const source = key.split(' ')[0] as string
    bySource[source] = (bySource[source] ?? 0) + n
    total += n
  }
  return { total, byEndpoint, bySource }
}
