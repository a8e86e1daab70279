// A source not read successfully for longer than its grace (`afterMinutes`, default 60;
// critical after `criticalAfterMinutes`). A source with an expected-reachability window counts
// its downtime from when the window opened, and outside the window its alert is held: an
// unanswered PBS that runs only at night neither alerts by day nor "resolves" at dawn. A
// source never read at all (and failing) alerts at once, inside its window: it is most likely
// misconfigured, and there is no last success to count from.
import { alertId } from '../condition.ts'
import type { SourceView } from '../freshness.ts'
import { subjectLink } from '../links.ts'
import type { RuleContext } from '../sink.ts'
import { ago, sourceName } from '../words.ts'

function downSince(view: SourceView): number | null {
  const { status, phase } = view
  if (status.lastSuccess === null) {
    return status.lastError ? (phase?.since ?? status.lastError.at) : null
  }
  return phase ? Math.max(status.lastSuccess, phase.since) : status.lastSuccess
}

export function evaluateSources(ctx: RuleContext): void {
  const { sink, config, now, freshness } = ctx
  const rule = config.rules['source-down']
  for (const view of freshness.sources.values()) {
    const { status } = view
    const subject = { kind: 'source' as const, key: status.id, name: sourceName(status) }
    sink.subject(subject, null)
    if (!rule.enabled) continue
    const id = alertId('source-down', status.id)
    if (view.expectedOffline) {
      sink.hold(id)
      continue
    }
    const since = downSince(view)
    if (since === null) continue
    const grace = (config.sources[status.id]?.afterMinutes ?? rule.afterMinutes) * 60
    const down = now - since
    const neverRead = status.lastSuccess === null
    if (!neverRead && down <= grace) continue
    const error = status.lastError
    sink.fire({
      alertId: id,
      rule: 'source-down',
      severity: down >= rule.criticalAfterMinutes * 60 ? 'critical' : 'warning',
      subject,
      summary: neverRead
        ? 'has never been read successfully'
        : `has not been read successfully since ${ago(status.lastSuccess ?? since, now)}`,
      detail: error ? `Last error (${error.kind}, ${ago(error.at, now)}): ${error.message}` : null,
      since,
      link: subjectLink(ctx.baseUrl, 'source', status.id),
    })
  }
}
