// Small template pieces the Jobs and Storage views share: a run's outcome in words, a time
// with its distance from now, a schedule in words beside the event as configured, and the
// loading and error states of a view whose data comes from its own endpoint.
import { html, nothing, type TemplateResult } from 'lit-html'
import type { RunOutcome } from '../../shared/schema/jobs.ts'
import { formatLocalTime, formatShortTime, relativeTime } from './format.ts'
import { scheduleWords } from './schedule.ts'

const OUTCOME_TEXT: Record<RunOutcome, string> = {
  ok: 'ok',
  warning: 'warnings',
  failed: 'failed',
  running: 'running',
  never: 'never run',
}

/** Worst first, for "problems on top" orders. */
export const OUTCOME_RANK: Record<RunOutcome, number> = {
  failed: 0,
  warning: 1,
  running: 2,
  ok: 3,
  never: 4,
}

/** The outcome as a word (never colour alone); `extra` follows it, e.g. the warning count. */
export function outcome(o: RunOutcome, extra = ''): TemplateResult {
  return html`<span class="outcome outcome-${o}" data-outcome=${o}>${OUTCOME_TEXT[o]}${extra}</span>`
}

/** "Nov 24, 09:00 PM EST" with "in 5h" / "5h ago" under it (exact on hover); `none` if null. */
export function when(time: number | null, now: number, none = '—'): TemplateResult | string {
  if (time === null) return none
  return html`<span class="when" title=${formatLocalTime(time)}>${formatShortTime(time, now)}</span>
    <span class="rel">${relativeTime(time, now)}</span>`
}

/** The schedule in words where it is a simple one, always with the event as configured. */
export function schedule(
  event: string | null,
  localTime: string,
  none = 'none: runs only when started',
): TemplateResult | string {
  if (event === null) return none
  const words = scheduleWords(event, localTime)
  return html`${words ? html`<span class="words">${words}</span> ` : nothing}<code>${event}</code>`
}

export function loadingState(text: string): TemplateResult {
  return html`<p class="placeholder">${text}</p>`
}

export function errorState(text: string, retry: () => void): TemplateResult {
  return html`<div class="error-state" role="alert">
    <p>${text}</p>
    <button type="button" @click=${retry}>Try again</button>
  </div>`
}

/** A reload that failed while older data is on screen: say so, and keep showing it. */
export function reloadFailed(error: string | null): TemplateResult | typeof nothing {
  if (error === null) return nothing
  return html`<p class="reload-failed" role="status">Could not reload: ${error}. Showing what was loaded before.</p>`
}

/**
 * The item an alert's link named, when the list does not have it (removed, renamed, or not
 * read yet): said, rather than a silent page with nothing highlighted.
 */
export function notListed(
  what: string,
  key: string | undefined,
  keys: readonly string[],
): TemplateResult | typeof nothing {
  if (key === undefined || keys.includes(key)) return nothing
  return html`<p class="callout warn not-listed" role="status">The ${what} <code>${key}</code> the link points at is not in this list: it may have been removed or renamed, or not be read yet.</p>`
}
