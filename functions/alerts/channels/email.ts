// E-mail through Cloudflare Email Routing's `send_email` binding: a raw MIME message (email-
// mime.ts) in an EmailMessage from `cloudflare:email` (developers.cloudflare.com/email-routing/
// email-workers/send-email-workers). The recipient must be a verified address of the account.
// Locally, Miniflare's binding parses the message (postal-mime) and refuses one without a
// Message-ID or whose From differs from the envelope. Long digests keep one message: the first
// MAX_EVENTS events and "…and N more".
import type { ChannelOf } from '../../config/channels.ts'
import { retry, sent } from '../delivery/outcome.ts'
import type { AlertEvent, Digest, ReportSummary } from '../message.ts'
import type { ChannelSender } from './channel.ts'
import { buildMime } from './email-mime.ts'
import {
  clip,
  detailText,
  digestTitle,
  escapeHtml,
  eventLabel,
  eventText,
  firingLine,
  isReport,
  moreText,
  oneLine,
  orderedEvents,
  REPORT_LINK_LABEL,
  reportItems,
  reportLine,
  reportSubject,
  sinceText,
  whatText,
} from './text.ts'

const MAX_EVENTS = 100
const SUBJECT_MAX = 200
const DETAIL_MAX = 2_000
const COLOR = { critical: '#c62828', warning: '#b26a00', resolved: '#2e7d32', test: '#1565c0' }

function eventHtml(event: AlertEvent): string {
  const color =
    event.kind === 'test'
      ? COLOR.test
      : event.kind === 'resolved'
        ? COLOR.resolved
        : COLOR[event.severity]
  const text = detailText(event, DETAIL_MAX)
  const detail = text
    ? `<pre style="white-space:pre-wrap;font-size:12px;margin:4px 0">${escapeHtml(text)}</pre>`
    : ''
  return [
    `<div style="border-left:4px solid ${color};padding:4px 10px;margin:12px 0">`,
    `<div><strong style="color:${color}">${escapeHtml(eventLabel(event))}:</strong> <a href="${escapeHtml(event.link)}">${escapeHtml(oneLine(event.subject.name))}</a></div>`,
    `<div>${escapeHtml(whatText(event))}</div>`,
    `<div style="color:#666;font-size:13px">${escapeHtml(sinceText(event))}</div>`,
    detail,
    '</div>',
  ].join('')
}

/** A report: the subject names its line; the body lists its parts and links the dashboard. */
function renderReportEmail(
  channel: ChannelOf<'email'>,
  digest: Digest & { report: ReportSummary },
): string {
  const { report } = digest
  const items = reportItems(report)
  const text = [
    digestTitle(digest),
    reportLine(report),
    items.map((item) => `- ${item}`).join('\n'),
    firingLine(digest),
    `${REPORT_LINK_LABEL}: ${digest.dashboardLink}`,
  ].join('\n\n')
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    `<h2 style="margin:0 0 4px">${escapeHtml(digestTitle(digest))}</h2>`,
    `<p style="margin:0 0 8px"><strong>${escapeHtml(reportLine(report))}</strong></p>`,
    `<ul>${items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`,
    `<p style="margin:0;color:#444">${escapeHtml(firingLine(digest))}</p>`,
    `<p><a href="${escapeHtml(digest.dashboardLink)}">${REPORT_LINK_LABEL}</a></p>`,
    '</body></html>',
  ].join('\n')
  return buildMime({
    from: { name: channel.fromName, address: channel.from },
    to: channel.to,
    subject: clip(reportSubject(digest), SUBJECT_MAX),
    messageId: digest.messageId,
    date: digest.at,
    text,
    html,
  })
}

export function renderEmail(channel: ChannelOf<'email'>, digest: Digest): string {
  if (isReport(digest)) return renderReportEmail(channel, digest)
  const events = orderedEvents(digest)
  const shown = events.slice(0, MAX_EVENTS)
  const omitted = events.length - shown.length
  const title = clip(oneLine(digestTitle(digest)), SUBJECT_MAX)
  const more = `${moreText(omitted)}: ${digest.dashboardLink}`
  const text = [
    title,
    firingLine(digest),
    ...shown.map((event) => eventText(event, DETAIL_MAX)),
    ...(omitted > 0 ? [more] : []),
    `All alerts: ${digest.dashboardLink}`,
  ].join('\n\n')
  const html = [
    '<!doctype html><html><body style="font-family:sans-serif;line-height:1.4">',
    `<h2 style="margin:0 0 4px">${escapeHtml(title)}</h2>`,
    `<p style="margin:0;color:#444">${escapeHtml(firingLine(digest))}</p>`,
    ...shown.map(eventHtml),
    omitted > 0
      ? `<p>${escapeHtml(moreText(omitted))}: <a href="${escapeHtml(digest.dashboardLink)}">open the alerts view</a></p>`
      : '',
    `<p style="color:#666;font-size:13px"><a href="${escapeHtml(digest.dashboardLink)}">All alerts in Pulse Edge</a></p>`,
    '</body></html>',
  ].join('\n')
  return buildMime({
    from: { name: channel.fromName, address: channel.from },
    to: channel.to,
    subject: title,
    messageId: digest.messageId,
    date: digest.at,
    text,
    html,
  })
}

interface SendEmailBinding {
  send(message: EmailMessage): Promise<unknown>
}

export const sendEmail: ChannelSender<'email'> = async (channel, digest, ctx) => {
  const binding = (ctx.env as unknown as Record<string, SendEmailBinding | undefined>)[
    channel.binding
  ]
  if (!binding || typeof binding.send !== 'function') {
    return retry(`the send_email binding ${channel.binding} is not bound`)
  }
  // Imported here, not at the top: only workerd has this module, and the other channels'
  // code and tests run in Node too.
  const { EmailMessage } = await import('cloudflare:email')
  try {
    await binding.send(new EmailMessage(channel.from, channel.to, renderEmail(channel, digest)))
    return sent()
  } catch (error) {
    // The binding's errors carry no status; an unverified address stays one until fixed, and
    // the retries give up after the last attempt with this error in the log.
    return retry(`send_email refused: ${error instanceof Error ? error.message : String(error)}`)
  }
}
