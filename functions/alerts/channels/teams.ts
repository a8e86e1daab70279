// Microsoft Teams through a Workflows webhook ("When a Teams webhook request is received"):
// the body is the message envelope the trigger expects, `{"type":"message","attachments":[{
// "contentType":"application/vnd.microsoft.card.adaptive","content":<Adaptive Card>}]}`
// (learn.microsoft.com, "Create incoming webhooks with Workflows"; Workflows take Adaptive
// Cards only, not the connectors' MessageCard). Adaptive Card 1.4, which Teams renders; a
// message is limited to 28 KB ("When the size exceeds 28 KB, you receive an error"). The
// trigger answers 202 Accepted once the flow is queued.
import type { ChannelOf } from '../../config/channels.ts'
import { type HttpRequest, postToReceiver } from '../delivery/http.ts'
import type { AlertEvent, Digest, ReportSummary } from '../message.ts'
import type { ChannelSender } from './channel.ts'
import { byteLength, fitPrefix } from './fit.ts'
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

/**
 * Under the documented 28 KB with room to spare: payloads close to it have been refused in
 * practice, and the flow wraps the card before posting it.
 */
export const TEAMS_MAX_BYTES = 20_000
const MAX_EVENTS = 25
const DETAIL_MAX = 500

type Element = Record<string, unknown>

/** Adaptive Cards' TextBlock reads a subset of Markdown; these would be taken as markup. */
export function escapeTeams(text: string): string {
  return text.replace(/[\\*_~`[\]#>]/g, (c) => `\\${c}`)
}

function eventContainer(event: AlertEvent): Element {
  const color =
    event.kind === 'resolved'
      ? 'Good'
      : event.kind === 'test'
        ? 'Accent'
        : event.severity === 'critical'
          ? 'Attention'
          : 'Warning'
  const items: Element[] = [
    {
      type: 'TextBlock',
      text: escapeTeams(oneLine(`${eventLabel(event)}: ${event.subject.name}`)),
      weight: 'Bolder',
      color,
      wrap: true,
    },
    { type: 'TextBlock', text: escapeTeams(whatText(event)), wrap: true, spacing: 'None' },
    {
      type: 'TextBlock',
      text: escapeTeams(sinceText(event)),
      isSubtle: true,
      size: 'Small',
      wrap: true,
      spacing: 'None',
    },
  ]
  const detail = detailText(event, DETAIL_MAX)
  if (detail) {
    items.push({
      type: 'TextBlock',
      text: escapeTeams(detail),
      fontType: 'Monospace',
      size: 'Small',
      wrap: true,
    })
  }
  items.push({
    type: 'TextBlock',
    text: `[Open in Pulse Edge](${event.link})`,
    wrap: true,
    spacing: 'None',
  })
  return {
    type: 'Container',
    separator: true,
    // A TextBlock needs text: a summary Proxmox left blank has no block.
    items: items.filter((item) => item.type !== 'TextBlock' || item.text !== ''),
    selectAction: { type: 'Action.OpenUrl', url: event.link },
  }
}

/** A report in one container: its line, one block per part, the dashboard's link. */
function reportContainer(report: ReportSummary, link: string): Element {
  return {
    type: 'Container',
    separator: true,
    items: [
      { type: 'TextBlock', text: escapeTeams(reportLine(report)), weight: 'Bolder', wrap: true },
      ...reportItems(report).map((item) => ({
        type: 'TextBlock',
        text: escapeTeams(`• ${item}`),
        wrap: true,
        spacing: 'None',
      })),
      { type: 'TextBlock', text: `[${REPORT_LINK_LABEL}](${link})`, wrap: true },
    ],
    selectAction: { type: 'Action.OpenUrl', url: link },
  }
}

function envelope(card: Element): string {
  return JSON.stringify({
    type: 'message',
    attachments: [
      { contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null, content: card },
    ],
  })
}

export function renderTeams(channel: ChannelOf<'teams'>, digest: Digest): HttpRequest {
  const title = oneLine(digestTitle(digest))
  const card = (events: readonly Element[], omitted: number): Element => ({
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    type: 'AdaptiveCard',
    version: '1.4',
    msteams: { width: 'Full' },
    body: [
      {
        type: 'TextBlock',
        text: escapeTeams(clip(title, 200)),
        size: 'Medium',
        weight: 'Bolder',
        wrap: true,
      },
      {
        type: 'TextBlock',
        text: escapeTeams(firingLine(digest)),
        isSubtle: true,
        wrap: true,
        spacing: 'None',
      },
      ...events,
      ...(omitted > 0
        ? [
            {
              type: 'TextBlock',
              text: `${moreText(omitted)}: [open the alerts view](${digest.dashboardLink})`,
              wrap: true,
              separator: true,
            },
          ]
        : []),
    ],
    actions: [
      {
        type: 'Action.OpenUrl',
        title: isReport(digest) ? REPORT_LINK_LABEL : 'Open alerts',
        url: digest.dashboardLink,
      },
    ],
  })
  const { shown, omitted } = fitPrefix(
    isReport(digest)
      ? [reportContainer(digest.report, digest.dashboardLink)]
      : orderedEvents(digest).map(eventContainer),
    (part, left) => byteLength(envelope(card(part, left))) <= TEAMS_MAX_BYTES,
    MAX_EVENTS,
  )
  return {
    url: channel.secrets.url,
    headers: { 'content-type': 'application/json' },
    body: envelope(card(shown, omitted)),
  }
}

export const sendTeams: ChannelSender<'teams'> = (channel, digest, ctx) =>
  postToReceiver(renderTeams(channel, digest), ctx)
