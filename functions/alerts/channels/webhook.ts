// A generic JSON webhook signed the Standard Webhooks way (the scheme /hooks/refresh verifies,
// hooks/standard-webhooks.ts): `webhook-id` is the digest's messageId, the same on every retry
// so a receiver can drop a repeat; `webhook-timestamp` is the attempt's time (a retry is signed
// anew, within the receivers' 5-minute tolerance); `webhook-signature` one `v1,` entry per
// secret. The payload follows the spec's recommended shape: {type, timestamp, data}, with the
// whole digest as data (README "Webhook" documents it); a scheduled report is `type: "report"`
// with the report's figures as data (ReportWebhookData). 410 Gone: the receiver wants no more
// (failed, as any other 4xx).

import type { ChannelOf } from '../../config/channels.ts'
import { parseSigningSecrets, standardWebhookSignature } from '../../hooks/standard-webhooks.ts'
import { type HttpRequest, postToReceiver } from '../delivery/http.ts'
import type { Digest, ReportSummary } from '../message.ts'
import type { ChannelSender } from './channel.ts'
import { digestTitle, firingLine, isReport, isTestDigest } from './text.ts'

/** The spec: ids must not be user-controlled or hold a "." (it delimits the signed content). */
export function webhookId(messageId: string): string {
  return messageId.replace(/[^A-Za-z0-9_:-]/g, '_')
}

/** The `data` of a `type: "report"` webhook (README "Webhook (Standard Webhooks)"). */
export interface ReportWebhookData extends ReportSummary {
  messageId: string
  channelId: string
  /** Epoch seconds the report was made (`scheduledAt`: the time it is for). */
  at: number
  /** `Pulse Edge daily report`. */
  title: string
  /** `Now firing: 1 critical.` */
  headline: string
  firing: Digest['firing']
  dashboardLink: string
}

export function webhookPayload(digest: Digest): string {
  if (isReport(digest)) {
    const data: ReportWebhookData = {
      messageId: digest.messageId,
      channelId: digest.channelId,
      at: digest.at,
      title: digestTitle(digest),
      headline: firingLine(digest),
      ...digest.report,
      firing: digest.firing,
      dashboardLink: digest.dashboardLink,
    }
    return JSON.stringify({
      type: 'report',
      timestamp: new Date(digest.at * 1000).toISOString(),
      data,
    })
  }
  return JSON.stringify({
    type: isTestDigest(digest) ? 'alerts.test' : 'alerts.digest',
    timestamp: new Date(digest.at * 1000).toISOString(),
    data: {
      ...digest,
      title: digestTitle(digest),
      headline: firingLine(digest),
    },
  })
}

export async function renderWebhook(
  channel: ChannelOf<'webhook'>,
  digest: Digest,
  now: number,
): Promise<HttpRequest> {
  const keys = parseSigningSecrets(channel.secrets.secret)
  // Checked when the configuration was read (config/channels.ts); a channel without keys is
  // never built.
  if (!keys) throw new Error('the signing secret cannot be read')
  const id = webhookId(digest.messageId)
  const body = webhookPayload(digest)
  return {
    url: channel.secrets.url,
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(now),
      'webhook-signature': await standardWebhookSignature(keys, id, now, body),
    },
    body,
  }
}

export const sendWebhook: ChannelSender<'webhook'> = async (channel, digest, ctx) =>
  postToReceiver(await renderWebhook(channel, digest, ctx.now), ctx)
