// The words every channel uses for a digest: a title, a headline of what is firing, and one
// entry per event that names the subject, what is wrong, since when, and links to it; for a
// scheduled report the title, its one line and one entry per part. Each channel puts these
// into its receiver's format; none decides anything about the alerts.
import type { PriorityLevel } from '../../config/channel-options.ts'
import type { AlertEvent, AlertEventKind, Digest, ReportSummary } from '../message.ts'
import { ago, utc } from '../words.ts'

const KIND_WORD: Record<AlertEventKind, string> = {
  fired: 'Firing',
  escalated: 'Now critical',
  repeat: 'Still firing',
  resolved: 'Resolved',
  test: 'Test',
}

/** `Firing`, `Still firing`, `Resolved`, …, with the severity where it matters. */
export function eventLabel(event: AlertEvent): string {
  if (event.kind === 'resolved' || event.kind === 'test' || event.kind === 'escalated') {
    return KIND_WORD[event.kind]
  }
  return `${KIND_WORD[event.kind]} (${event.severity})`
}

/** What the reader most needs first: new critical news, then the rest, resolves last. */
const ORDER: Record<AlertEventKind, number> = {
  escalated: 0,
  fired: 1,
  repeat: 2,
  resolved: 3,
  test: 4,
}

const isOpen = (event: AlertEvent) => event.kind !== 'resolved' && event.kind !== 'test'
const rank = (event: AlertEvent) =>
  (isOpen(event) ? 0 : 2) + (event.severity === 'critical' ? 0 : 1)

export function orderedEvents(digest: Digest): AlertEvent[] {
  return [...digest.events].sort(
    (a, b) => rank(a) - rank(b) || ORDER[a.kind] - ORDER[b.kind] || a.at - b.at,
  )
}

/** A scheduled report of the fleet's state rather than alerts. */
export const isReport = (digest: Digest): digest is Digest & { report: ReportSummary } =>
  digest.report !== undefined

/**
 * The priority a digest goes out with: its most urgent event; a test sounds like a warning; a
 * report is news, not an alarm, and goes with the quietest (what a resolve gets).
 */
export function digestLevel(digest: Digest): PriorityLevel {
  if (isReport(digest)) return 'resolved'
  if (digest.events.some((e) => isOpen(e) && e.severity === 'critical')) return 'critical'
  if (digest.events.some((e) => isOpen(e) || e.kind === 'test')) return 'warning'
  return 'resolved'
}

export const isTestDigest = (digest: Digest) =>
  !isReport(digest) && digest.events.length > 0 && digest.events.every((e) => e.kind === 'test')

/**
 * `Firing (critical): db01 (VM 101, cluster pve-a)` for one event, counts for several;
 * `Pulse Edge daily report` for a report.
 */
export function digestTitle(digest: Digest): string {
  if (isReport(digest)) return `Pulse Edge ${digest.report.every} report`
  if (isTestDigest(digest)) return 'Pulse Edge: test message'
  const [only] = digest.events
  if (digest.events.length === 1 && only) return `${eventLabel(only)}: ${only.subject.name}`
  const open = digest.events.filter(isOpen).length
  const resolved = digest.events.length - open
  const parts = [open > 0 ? `${open} firing` : '', resolved > 0 ? `${resolved} resolved` : '']
  return `Pulse Edge: ${parts.filter(Boolean).join(', ')}`
}

/** `Now firing: 1 critical, 2 warning.` — the state after this evaluation. */
export function firingLine(digest: Digest): string {
  const { warning, critical } = digest.firing
  if (warning + critical === 0) return 'Nothing is firing now.'
  const parts = [
    critical > 0 ? `${critical} critical` : '',
    warning > 0 ? `${warning} warning` : '',
  ]
  return `Now firing: ${parts.filter(Boolean).join(', ')}.`
}

/** `since 2026-11-20 03:00 UTC (2d ago)`; for a resolve how long it lasted. */
export function sinceText(event: AlertEvent): string {
  if (event.kind === 'resolved') {
    return `wrong since ${utc(event.since)}, resolved ${utc(event.at)}`
  }
  if (event.kind === 'test') return `sent ${utc(event.at)}`
  return `since ${utc(event.since)} (${ago(event.since, event.at)})`
}

/** Text from Proxmox may hold control characters (a job log): only line breaks and tabs stay. */
export function cleanText(text: string): string {
  return text.replace(/[^\P{Cc}\n\t]+/gu, ' ')
}

/** The one line of what is (or was) wrong. */
export function whatText(event: AlertEvent): string {
  const summary = oneLine(event.summary)
  return event.kind === 'resolved' ? `was: ${summary}` : summary
}

/** The longer text (a job's error), cleaned and cut to `max`; empty when there is none. */
export function detailText(event: AlertEvent, max: number): string {
  return event.detail ? clip(cleanText(event.detail).trim(), max) : ''
}

/** A plain-text entry: label and subject, what, since when, the detail if any, the link. */
export function eventText(event: AlertEvent, detailLimit = 300): string {
  const lines = [
    `${eventLabel(event)}: ${event.subject.name}`,
    `${whatText(event)} (${sinceText(event)})`,
  ]
  const detail = detailText(event, detailLimit)
  if (detail) lines.push(detail)
  lines.push(event.link)
  return lines.join('\n')
}

/**
 * The text, or its start and an ellipsis, in at most `max` UTF-16 code units (JavaScript's
 * length: never less than the code points a receiver counts), never splitting a character.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  let out = ''
  for (const point of text) {
    if (out.length + point.length > max - 1) break
    out += point
  }
  return `${out}…`
}

/** HTML text and attribute values (Telegram's HTML, the e-mail's HTML part). */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
}

/** Titles and headers are one line: control characters and line breaks become spaces. */
export function oneLine(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim()
}

/** The link line for events left out: `…and 12 more: <link>`. */
export function moreText(count: number): string {
  return `…and ${count} more`
}

/** The longest one-line summary a message shows; its parts are listed below it anyway. */
const REPORT_LINE_MAX = 400

/** A report's one line, on one line and cut to what a message shows well. */
export function reportLine(report: ReportSummary): string {
  return clip(oneLine(report.text), REPORT_LINE_MAX)
}

/** Failed jobs named in a report's entry; the dashboard lists them all. */
const REPORT_JOB_NAMES = 5

/**
 * A report's entries, one per part of its line; the failed jobs' part names them (the first
 * few, then how many more).
 */
export function reportItems(report: ReportSummary): string[] {
  return report.parts.map((part) => {
    if (report.failedJobs.length === 0 || !/^\d+ jobs? failed$/.test(part)) return part
    const named = report.failedJobs.slice(0, REPORT_JOB_NAMES)
    const more = report.failedJobs.length - named.length
    return `${part}: ${named.join(', ')}${more > 0 ? ` and ${more} more` : ''}`
  })
}

/** `Pulse Edge daily report: 42 of 45 guests fresh · 2 jobs failed` — an e-mail's subject. */
export function reportSubject(digest: Digest & { report: ReportSummary }): string {
  return `${digestTitle(digest)}: ${reportLine(digest.report)}`
}

/** The line that links a report to the dashboard. */
export const REPORT_LINK_LABEL = 'Open the dashboard'
