// A digest as plain text within a length limit, for the receivers that take text (ntfy,
// Gotify, Pushover, Apprise, the e-mail text part): the state line, one entry per event,
// and "…and N more: <alerts view>" for what did not fit. A report: its line, its parts as a
// list, the state line and the dashboard's link.
import type { AlertEvent, Digest, ReportSummary } from '../message.ts'
import { fitPrefix } from './fit.ts'
import {
  clip,
  eventText,
  firingLine,
  isReport,
  moreText,
  orderedEvents,
  REPORT_LINK_LABEL,
  reportItems,
  reportLine,
} from './text.ts'

export interface PlainDigestOptions {
  /** The most the text may measure. */
  limit: number
  /** How the receiver measures (UTF-16 units by default; ntfy counts bytes). */
  measure?: (text: string) => number
  /** Longest detail (a job's error text) per event. */
  detailLimit?: number
  /** The entry of one event; plain `eventText` by default. */
  entry?: (event: AlertEvent) => string
}

function plainReport(
  digest: Digest,
  report: ReportSummary,
  limit: number,
  measure: (text: string) => number,
): string {
  const tail = [firingLine(digest), `${REPORT_LINK_LABEL}: ${digest.dashboardLink}`]
  const compose = (items: readonly string[], omitted: number) =>
    [
      reportLine(report),
      [...items.map((item) => `• ${item}`), ...(omitted > 0 ? [moreText(omitted)] : [])].join('\n'),
      ...tail,
    ].join('\n\n')
  const { shown, omitted } = fitPrefix(
    reportItems(report),
    (part, left) => measure(compose(part, left)) <= limit,
  )
  const text = compose(shown, omitted)
  // Cut in UTF-16 units; a receiver that counts bytes (ntfy) may need it cut further.
  let cut = limit
  while (measure(clip(text, cut)) > limit && cut > 1) cut = Math.floor(cut * 0.9)
  return clip(text, cut)
}

export function plainDigest(digest: Digest, options: PlainDigestOptions): string {
  const measure = options.measure ?? ((text: string) => text.length)
  if (isReport(digest)) return plainReport(digest, digest.report, options.limit, measure)
  const entry = options.entry ?? ((event: AlertEvent) => eventText(event, options.detailLimit))
  const head = firingLine(digest)
  const more = (omitted: number) => `${moreText(omitted)}: ${digest.dashboardLink}`
  const compose = (entries: readonly string[], omitted: number) =>
    [head, ...entries, ...(omitted > 0 ? [more(omitted)] : [])].join('\n\n')
  const entries = orderedEvents(digest).map(entry)
  const { shown, omitted } = fitPrefix(
    entries,
    (part, left) => measure(compose(part, left)) <= options.limit,
  )
  const text = compose(shown, omitted)
  // Only when even the state line and the "more" line do not fit: a tiny limit.
  return measure(text) <= options.limit ? text : clip(text, options.limit)
}
