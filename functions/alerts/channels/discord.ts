// Discord webhook: Execute Webhook (discord.com/developers/docs/resources/webhook) with one
// embed per event, within the documented limits: content ≤ 2,000 characters, ≤ 10 embeds, an
// embed's title ≤ 256 and description ≤ 4,096, and ≤ 6,000 characters over all embeds' text
// ("Embed Limits"; beyond any of them Discord answers 400). `?wait=true`: otherwise "a message
// that is not saved does not return an error". Mentions are off (`allowed_mentions`), so a
// guest named "@everyone" pings no one; 429 with Retry-After / retry_after is honoured by the
// generic classification.
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

export const DISCORD_LIMITS = {
  content: 2_000,
  embeds: 10,
  title: 256,
  description: 4_096,
  embedTotal: 6_000,
} as const
/** A job's error text can be long; the dashboard has all of it. */
const DETAIL_MAX = 1_000
const COLOR = { critical: 0xd32f2f, warning: 0xf9a825, resolved: 0x2e7d32, test: 0x1976d2 }

interface Embed {
  title: string
  description: string
  color: number
  timestamp?: string
}

/** Discord markdown: a backslash makes these characters literal. */
export function escapeDiscord(text: string): string {
  return text.replace(/[\\*_~`|>[\]#<]/g, (c) => `\\${c}`)
}

function eventEmbed(event: AlertEvent): Embed {
  const lines = [escapeDiscord(whatText(event)), escapeDiscord(sinceText(event))]
  const detail = detailText(event, DETAIL_MAX)
  if (detail) lines.push(escapeDiscord(detail))
  // A link in the text, not the embed's url: Discord shows only the first of several
  // embeds with the same url, and two alerts of one guest share its link.
  lines.push(`[Open in Pulse Edge](${event.link})`)
  const color =
    event.kind === 'test'
      ? COLOR.test
      : event.kind === 'resolved'
        ? COLOR.resolved
        : COLOR[event.severity]
  return {
    title: clip(oneLine(`${eventLabel(event)}: ${event.subject.name}`), DISCORD_LIMITS.title),
    description: clip(lines.join('\n'), DISCORD_LIMITS.description),
    color,
    timestamp: new Date(event.at * 1000).toISOString(),
  }
}

/** A report in one embed: its line as the title, its parts as a list, the dashboard's link. */
function reportEmbed(report: ReportSummary, link: string): Embed {
  const list = reportItems(report).map((item) => `- ${escapeDiscord(item)}`)
  const tail = `[${REPORT_LINK_LABEL}](${link})`
  return {
    title: clip(reportLine(report), DISCORD_LIMITS.title),
    // Within the embed limits: the list is cut before the link, which always stays.
    description: `${clip(list.join('\n'), DISCORD_LIMITS.description - tail.length - 2)}\n\n${tail}`,
    color: COLOR.test,
    timestamp: new Date(report.scheduledAt * 1000).toISOString(),
  }
}

const embedChars = (embeds: readonly Embed[]) =>
  embeds.reduce((sum, e) => sum + e.title.length + e.description.length, 0)

function withQuery(url: string, key: string, value: string): string {
  const target = new URL(url)
  target.searchParams.set(key, value)
  return target.toString()
}

export function renderDiscord(channel: ChannelOf<'discord'>, digest: Digest): HttpRequest {
  const more = (omitted: number): Embed => ({
    title: moreText(omitted),
    description: `[Open the alerts view](${digest.dashboardLink})`,
    color: COLOR.test,
  })
  const all = isReport(digest)
    ? [reportEmbed(digest.report, digest.dashboardLink)]
    : orderedEvents(digest).map(eventEmbed)
  const { shown, omitted } = fitPrefix(all, (part, left) => {
    const embeds = left > 0 ? [...part, more(left)] : part
    return embeds.length <= DISCORD_LIMITS.embeds && embedChars(embeds) <= DISCORD_LIMITS.embedTotal
  })
  const embeds = omitted > 0 ? [...shown, more(omitted)] : shown
  const content = clip(
    `**${escapeDiscord(oneLine(digestTitle(digest)))}**\n${escapeDiscord(firingLine(digest))}`,
    DISCORD_LIMITS.content,
  )
  const body = {
    username: channel.username,
    content,
    embeds,
    allowed_mentions: { parse: [] },
  }
  return {
    url: withQuery(channel.secrets.url, 'wait', 'true'),
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }
}

export const sendDiscord: ChannelSender<'discord'> = (channel, digest, ctx) =>
  postToReceiver(renderDiscord(channel, digest), ctx)
