// Gotify: POST <server>/message with the application token in X-Gotify-Key (gotify.net/docs
// "Push messages"); `message` is required, `title` and `priority` optional, and `extras`
// carry the click URL ("client::notification" → click.url, gotify.net/docs/msgextras). Plain
// text: Gotify documents no length limit, so ours is what a phone notification shows well.
import type { ChannelOf } from '../../config/channels.ts'
import { type HttpRequest, postToReceiver } from '../delivery/http.ts'
import type { Digest } from '../message.ts'
import type { ChannelSender } from './channel.ts'
import { plainDigest } from './plain-digest.ts'
import { clip, digestLevel, digestTitle, oneLine } from './text.ts'

export const GOTIFY_MESSAGE_MAX = 4_000
const TITLE_MAX = 250

export function renderGotify(channel: ChannelOf<'gotify'>, digest: Digest): HttpRequest {
  const [only] = digest.events
  const click = digest.events.length === 1 && only ? only.link : digest.dashboardLink
  return {
    url: `${channel.url}/message`,
    headers: { 'content-type': 'application/json', 'x-gotify-key': channel.secrets.token },
    body: JSON.stringify({
      title: clip(oneLine(digestTitle(digest)), TITLE_MAX),
      message: plainDigest(digest, { limit: GOTIFY_MESSAGE_MAX }),
      priority: channel.priority[digestLevel(digest)],
      extras: {
        'client::display': { contentType: 'text/plain' },
        'client::notification': { click: { url: click } },
      },
    }),
  }
}

export const sendGotify: ChannelSender<'gotify'> = (channel, digest, ctx) =>
  postToReceiver(renderGotify(channel, digest), ctx)
