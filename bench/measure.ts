// Timing helpers for benchmarks: medians of repeated runs and one printed row per figure.
export async function timeIt(runs: number, work: () => unknown): Promise<number[]> {
  const times: number[] = []
  await work() // warm-up: JIT and caches
  for (let i = 0; i < runs; i++) {
    const started = performance.now()
    await work()
    times.push(performance.now() - started)
  }
  return times
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

export function row(label: string, valueMs: number, baselineMs: number, goal: string): void {
  const ratio = valueMs / baselineMs
  console.log(
    `${label}: ${valueMs.toFixed(1)} ms vs ${baselineMs.toFixed(1)} ms = ${ratio.toFixed(2)}× (goal ${goal})`,
  )
}
