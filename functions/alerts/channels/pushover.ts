// Pushover: POST https://api.pushover.net/1/messages.json (pushover.net/api), form-encoded
// `token`, `user`, `message` (≤ 1,024 characters), `title` (≤ 250), `url` (≤ 512) with
// `url_title` (≤ 100), `priority` -2…2 and `timestamp`. Emergency priority (2) requires
// `retry` (≥ 30 s) and `expire`. Answers: 200 {"status":1}, 4xx {"status":0,"errors":[…]}
// ("do not retry"), 429 over the monthly limit, 5xx (retry).
import type { ChannelOf } from '../../config/channels.ts'
import { type HttpRequest, postToReceiver } from '../delivery/http.ts'
import type { Digest } from '../message.ts'
import type { ChannelSender } from './channel.ts'
import { plainDigest } from './plain-digest.ts'
import { clip, digestLevel, digestTitle, isReport, oneLine, REPORT_LINK_LABEL } from './text.ts'

export const PUSHOVER_LIMITS = { message: 1_024, title: 250, url: 512, urlTitle: 100 } as const
/** Emergency messages repeat every 5 minutes for an hour until acknowledged. */
const EMERGENCY = { retry: 300, expire: 3_600 }
/** A compact entry: the link is the message's `url` (the alerts view) or each event's. */
const DETAIL_MAX = 120

export function renderPushover(channel: ChannelOf<'pushover'>, digest: Digest): HttpRequest {
  const [only] = digest.events
  const single = digest.events.length === 1 && only
  const url = single ? only.link : digest.dashboardLink
  const priority = channel.priority[digestLevel(digest)]
  const form = new URLSearchParams({
    token: channel.secrets.token,
    user: channel.secrets.user,
    title: clip(oneLine(digestTitle(digest)), PUSHOVER_LIMITS.title),
    message: plainDigest(digest, { limit: PUSHOVER_LIMITS.message, detailLimit: DETAIL_MAX }),
    priority: String(priority),
    timestamp: String(digest.at),
  })
  if (url.length <= PUSHOVER_LIMITS.url) {
    form.set('url', url)
    form.set(
      'url_title',
      single ? 'Open in Pulse Edge' : isReport(digest) ? REPORT_LINK_LABEL : 'Open the alerts view',
    )
  }
  if (priority === 2) {
    form.set('retry', String(EMERGENCY.retry))
    form.set('expire', String(EMERGENCY.expire))
  }
  if (channel.device) form.set('device', channel.device)
  return {
    url: `${channel.apiUrl}/1/messages.json`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
  }
}

export const sendPushover: ChannelSender<'pushover'> = (channel, digest, ctx) =>
  postToReceiver(renderPushover(channel, digest), ctx)
