// Apprise API (github.com/caronc/apprise-api): POST /notify/{KEY} for a saved configuration,
// or the stateless POST /notify (the server's APPRISE_STATELESS_URLS), JSON `body` (required),
// `title`, `type` (info, success, warning, failure), `format` and `tag` ("," is OR). Answers
// (README "API Response Codes"): 200 sent; 204 no configuration for the key (nothing was
// sent: failed); 424 an upstream service failed (retried); 400, 431 refused (failed).
import type { ChannelOf } from '../../config/channels.ts'
import { type HttpRequest, postToReceiver } from '../delivery/http.ts'
import { failed, retry } from '../delivery/outcome.ts'
import type { Digest } from '../message.ts'
import type { ChannelSender } from './channel.ts'
import { plainDigest } from './plain-digest.ts'
import { clip, digestLevel, digestTitle, isReport, isTestDigest, oneLine } from './text.ts'

/** Apprise passes the body on to services with their own limits; it splits or cuts for each. */
export const APPRISE_BODY_MAX = 4_000
const TYPE = { critical: 'failure', warning: 'warning', resolved: 'success' } as const

export function renderApprise(channel: ChannelOf<'apprise'>, digest: Digest): HttpRequest {
  const body: Record<string, string> = {
    title: clip(oneLine(digestTitle(digest)), 250),
    body: plainDigest(digest, { limit: APPRISE_BODY_MAX }),
    // A report is information, whatever it says (the alerts carry the urgency).
    type: isTestDigest(digest) || isReport(digest) ? 'info' : TYPE[digestLevel(digest)],
    format: 'text',
  }
  if (channel.tags.length > 0) body.tag = channel.tags.join(', ')
  const path = channel.key === undefined ? '/notify' : `/notify/${channel.key}`
  return {
    url: `${channel.url}${path}`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  }
}

export const sendApprise: ChannelSender<'apprise'> = (channel, digest, ctx) =>
  postToReceiver(renderApprise(channel, digest), ctx, (status) => {
    if (status === 204) return failed('HTTP 204: no Apprise configuration under this key', 204)
    if (status === 424) return retry('HTTP 424: a service behind Apprise failed', 424)
    return undefined
  })
