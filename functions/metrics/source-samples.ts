// Per-source health and the coordinator's own figures: up, last success, the last refresh and
// the counters of refreshes and notifications sent.
import type { SourceStatus } from '../../shared/schema/status.ts'
import type { MetricsInput, Samples } from './input.ts'

/** Up: an attempt was made and its error is clear (a success clears `lastError`). */
export function isUp(source: SourceStatus): boolean {
  return source.lastAttempt !== null && source.lastError === null && source.lastSuccess !== null
}

export function addSourceSamples(out: Samples, input: MetricsInput): void {
  for (const source of input.sources) {
    const labels = { source: source.id, kind: source.kind }
    out.sourceUp.push({ labels, value: isUp(source) ? 1 : 0 })
    if (source.lastSuccess !== null) {
      out.sourceLastSuccess.push({ labels, value: source.lastSuccess })
    }
  }
  if (input.lastRefresh) out.lastRefresh.push({ labels: {}, value: input.lastRefresh.finishedAt })
  const { refreshes, notificationsSent } = input.counters
  if (refreshes !== null) out.refreshes.push({ labels: {}, value: refreshes })
  if (notificationsSent !== null) {
    out.notificationsSent.push({ labels: {}, value: notificationsSent })
  }
}
