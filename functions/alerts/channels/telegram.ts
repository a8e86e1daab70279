// Telegram bot sendMessage (core.telegram.org/bots/api#sendmessage): `text` is "1-4096
// characters after entities parsing", so the limit counts what the reader sees, not the HTML
// markup. parse_mode HTML ("Formatting options"): every `<`, `>` and `&` that is not markup is
// escaped, and only the documented tags are used (b, i, a href, pre). Errors come as
// {ok:false, error_code, description, parameters.retry_after} with the matching HTTP status.
import type { ChannelOf } from '../../config/channels.ts'
import { type HttpRequest, postToReceiver } from '../delivery/http.ts'
import type { AlertEvent, Digest, ReportSummary } from '../message.ts'
import type { ChannelSender } from './channel.ts'
import { fitPrefix } from './fit.ts'
import {
  clip,
  detailText,
  digestTitle,
  escapeHtml,
  eventLabel,
  firingLine,
  isReport,
  moreText,
  oneLine,
  orderedEvents,
  REPORT_LINK_LABEL,
  reportItems,
  reportLine,
  sinceText,
  whatText,
} from './text.ts'

export const TELEGRAM_TEXT_MAX = 4_096
const DETAIL_MAX = 500
const MARK = { critical: '🔴', warning: '🟠', resolved: '✅', test: 'ℹ️' }

/** What Telegram counts: the text once tags are removed and entities read. */
export function telegramTextLength(html: string): number {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&').length
}

function eventHtml(event: AlertEvent): string {
  const mark =
    event.kind === 'test'
      ? MARK.test
      : event.kind === 'resolved'
        ? MARK.resolved
        : MARK[event.severity]
  const lines = [
    `${mark} <b>${escapeHtml(eventLabel(event))}:</b> <a href="${escapeHtml(event.link)}">${escapeHtml(oneLine(event.subject.name))}</a>`,
    escapeHtml(whatText(event)),
    `<i>${escapeHtml(sinceText(event))}</i>`,
  ]
  const detail = detailText(event, DETAIL_MAX)
  if (detail) lines.push(`<pre>${escapeHtml(detail)}</pre>`)
  return lines.join('\n')
}

/** A report's entries: its line in bold, its parts as a list, the dashboard's link last. */
function reportHtml(report: ReportSummary, link: string): string[] {
  return [
    `<b>${escapeHtml(reportLine(report))}</b>`,
    reportItems(report)
      .map((item) => `• ${escapeHtml(item)}`)
      .join('\n'),
    `<a href="${escapeHtml(link)}">${REPORT_LINK_LABEL}</a>`,
  ]
}

export function renderTelegram(channel: ChannelOf<'telegram'>, digest: Digest): HttpRequest {
  const head = `<b>${escapeHtml(clip(oneLine(digestTitle(digest)), 200))}</b>\n${escapeHtml(firingLine(digest))}`
  const more = (omitted: number) =>
    `${moreText(omitted)}: <a href="${escapeHtml(digest.dashboardLink)}">open the alerts view</a>`
  const compose = (entries: readonly string[], omitted: number) =>
    [head, ...entries, ...(omitted > 0 ? [more(omitted)] : [])].join('\n\n')
  const { shown, omitted } = fitPrefix(
    isReport(digest)
      ? reportHtml(digest.report, digest.dashboardLink)
      : orderedEvents(digest).map(eventHtml),
    (part, left) => telegramTextLength(compose(part, left)) <= TELEGRAM_TEXT_MAX,
  )
  const body: Record<string, unknown> = {
    chat_id: channel.chatId,
    text: compose(shown, omitted),
    parse_mode: 'HTML',
    link_preview_options: { is_disabled: true },
  }
  if (channel.messageThreadId !== undefined) body.message_thread_id = channel.messageThreadId
  return {
    url: `${channel.apiUrl}/bot${channel.secrets.token}/sendMessage`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }
}

export const sendTelegram: ChannelSender<'telegram'> = (channel, digest, ctx) =>
  postToReceiver(renderTelegram(channel, digest), ctx)
