// Slack incoming webhook (docs.slack.dev "Sending messages using incoming webhooks"): Block
// Kit blocks with a top-level `text` as the notification's fallback. Limits: ≤ 50 blocks a
// message, a header's plain text ≤ 150 characters, a section's text ≤ 3,000 (Block Kit
// reference); `&`, `<`, `>` are escaped in mrkdwn so a name cannot inject a link or a mention.
// Slack answers 400 "invalid_blocks" beyond a limit, 404/410 for a removed channel (failed),
// 429/5xx (retried).
import type { ChannelOf } from '../../config/channels.ts'
import { type HttpRequest, postToReceiver } from '../delivery/http.ts'
import type { AlertEvent, Digest, ReportSummary } from '../message.ts'
import type { ChannelSender } from './channel.ts'
import { fitPrefix } from './fit.ts'
import {
  clip,
  detailText,
  digestTitle,
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

export const SLACK_LIMITS = { blocks: 50, header: 150, section: 3_000 } as const
/**
 * Far below 50 blocks on purpose: a digest is read on a phone, and messages with ~13,000
 * characters of block text are refused as msg_blocks_too_long although no documented limit is
 * reached (slackapi/bolt-js#2509).
 */
const MAX_EVENT_BLOCKS = 20
const MAX_BLOCK_TEXT = 10_000
const DETAIL_MAX = 500
const MARK = {
  critical: ':red_circle:',
  warning: ':large_orange_circle:',
  resolved: ':white_check_mark:',
  test: ':information_source:',
}

/** Slack's three control characters in mrkdwn and plain text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

const link = (url: string, label: string) => `<${escapeSlack(url)}|${escapeSlack(label)}>`

interface TextObject {
  type: 'plain_text' | 'mrkdwn'
  text: string
  emoji?: boolean
}

type Block =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text: TextObject }
  | { type: 'context'; elements: TextObject[] }

const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text })

function eventSection(event: AlertEvent): Block {
  const mark =
    event.kind === 'test'
      ? MARK.test
      : event.kind === 'resolved'
        ? MARK.resolved
        : MARK[event.severity]
  const lines = [
    `${mark} *${escapeSlack(eventLabel(event))}:* ${link(event.link, oneLine(event.subject.name))}`,
    escapeSlack(whatText(event)),
    `_${escapeSlack(sinceText(event))}_`,
  ]
  // As a quote, not a code block: a job log may hold the ``` that would end one.
  const detail = detailText(event, DETAIL_MAX)
  if (detail) lines.push(...detail.split('\n').map((line) => `> ${escapeSlack(line)}`))
  return { type: 'section', text: mrkdwn(clip(lines.join('\n'), SLACK_LIMITS.section)) }
}

/** A report in one section: its line, its parts as a list, the dashboard's link. */
function reportSection(report: ReportSummary, dashboard: string): Block {
  const tail = link(dashboard, REPORT_LINK_LABEL)
  const lines = [
    `*${escapeSlack(reportLine(report))}*`,
    ...reportItems(report).map((item) => `• ${escapeSlack(item)}`),
  ]
  return {
    type: 'section',
    text: mrkdwn(`${clip(lines.join('\n'), SLACK_LIMITS.section - tail.length - 1)}\n${tail}`),
  }
}

const blockText = (blocks: readonly Block[]) =>
  blocks.reduce(
    (sum, b) =>
      sum + ('text' in b ? b.text.text.length : b.elements.reduce((n, e) => n + e.text.length, 0)),
    0,
  )

export function renderSlack(channel: ChannelOf<'slack'>, digest: Digest): HttpRequest {
  const title = oneLine(digestTitle(digest))
  const head: Block[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: clip(title, SLACK_LIMITS.header), emoji: true },
    },
    { type: 'context', elements: [mrkdwn(escapeSlack(firingLine(digest)))] },
  ]
  const more = (omitted: number): Block => ({
    type: 'section',
    text: mrkdwn(`${moreText(omitted)}: ${link(digest.dashboardLink, 'open the alerts view')}`),
  })
  const { shown, omitted } = fitPrefix(
    isReport(digest)
      ? [reportSection(digest.report, digest.dashboardLink)]
      : orderedEvents(digest).map(eventSection),
    (part, left) => {
      const blocks = [...head, ...part, ...(left > 0 ? [more(left)] : [])]
      return blocks.length <= SLACK_LIMITS.blocks && blockText(blocks) <= MAX_BLOCK_TEXT
    },
    MAX_EVENT_BLOCKS,
  )
  const blocks = [...head, ...shown, ...(omitted > 0 ? [more(omitted)] : [])]
  // The notification's text, and what is shown where blocks cannot be.
  const headline = isReport(digest)
    ? `${title}: ${reportLine(digest.report)}`
    : `${title}. ${firingLine(digest)}`
  const text = escapeSlack(clip(headline, SLACK_LIMITS.section))
  return {
    url: channel.secrets.url,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ text, blocks }),
  }
}

export const sendSlack: ChannelSender<'slack'> = (channel, digest, ctx) =>
  postToReceiver(renderSlack(channel, digest), ctx)
