// ntfy: "publish as JSON" to the server's root with the topic in the body (docs.ntfy.sh/publish
// "Publish as JSON"), title, priority 1-5, tags (emoji short codes shown before the title),
// a click URL and a "view" action to the alerts view; an access token goes as Bearer
// ("Access tokens"). The message stays within the server's default 4,096-byte message limit
// ("Limitations"): a longer one would arrive as an attachment, not a notification.
import type { ChannelOf } from '../../config/channels.ts'
import { type HttpRequest, postToReceiver } from '../delivery/http.ts'
import type { Digest } from '../message.ts'
import type { ChannelSender } from './channel.ts'
import { byteLength } from './fit.ts'
import { plainDigest } from './plain-digest.ts'
import { clip, digestLevel, digestTitle, isReport, oneLine, REPORT_LINK_LABEL } from './text.ts'

export const NTFY_MESSAGE_BYTES = 4_096
/** JSON publishing reads at most twice the message limit ("2x to account for JSON format overhead", server.go). */
const NTFY_JSON_BYTES = 2 * NTFY_MESSAGE_BYTES
/** ntfy documents no title limit; a notification shows about one line of it. */
const TITLE_MAX = 250
const LEVEL_TAG = { critical: 'rotating_light', warning: 'warning', resolved: 'white_check_mark' }
/** A scheduled report's tag (an emoji short code, like the levels'). */
const REPORT_TAG = 'bar_chart'

/** `https://ntfy.sh/mytopic` → root `https://ntfy.sh/` and topic `mytopic`. */
export function splitTopicUrl(topicUrl: string): { root: string; topic: string } {
  const url = new URL(topicUrl)
  const segments = url.pathname.split('/').filter(Boolean)
  const topic = segments.pop() ?? ''
  url.pathname = `/${segments.map((s) => `${s}/`).join('')}`
  url.search = ''
  url.hash = ''
  return { root: url.toString(), topic: decodeURIComponent(topic) }
}

export function renderNtfy(channel: ChannelOf<'ntfy'>, digest: Digest): HttpRequest {
  const { root, topic } = splitTopicUrl(channel.secrets.url)
  const level = digestLevel(digest)
  const [only] = digest.events
  const report = isReport(digest)
  const compose = (limit: number) =>
    JSON.stringify({
      topic,
      title: clip(oneLine(digestTitle(digest)), TITLE_MAX),
      message: plainDigest(digest, { limit, measure: byteLength }),
      priority: channel.priority[level],
      tags: [report ? REPORT_TAG : LEVEL_TAG[level], ...channel.tags],
      click: digest.events.length === 1 && only ? only.link : digest.dashboardLink,
      actions: [
        {
          action: 'view',
          label: report ? REPORT_LINK_LABEL : 'Open alerts',
          url: digest.dashboardLink,
          clear: true,
        },
      ],
    })
  // Escaping (line breaks, quotes, control characters) can make the JSON outgrow its own
  // limit before the message reaches its: then the message gets less room.
  let limit = NTFY_MESSAGE_BYTES
  let body = compose(limit)
  while (byteLength(body) > NTFY_JSON_BYTES && limit > 512) {
    limit -= 512
    body = compose(limit)
  }
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (channel.secrets.token) headers.authorization = `Bearer ${channel.secrets.token}`
  return { url: root, headers, body }
}

export const sendNtfy: ChannelSender<'ntfy'> = (channel, digest, ctx) =>
  postToReceiver(renderNtfy(channel, digest), ctx)
