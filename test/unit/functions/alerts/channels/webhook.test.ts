// The webhook channel signs the Standard Webhooks way, checked with the Worker's own inbound
// verifier: the id is the digest's messageId on every attempt, the timestamp the attempt's,
// one signature per secret (rotation), and no "." in the id.
import { describe, expect, it } from 'vitest'
import { renderWebhook, webhookId } from '../../../../../functions/alerts/channels/webhook.ts'
import type { ChannelOf } from '../../../../../functions/config/channels.ts'
import {
  parseSigningSecrets,
  verifyStandardWebhook,
} from '../../../../../functions/hooks/standard-webhooks.ts'
import { digestOf, labChannels, manyEvents, NOW, testDigest } from './fixtures.ts'

const OLD = `whsec_${btoa('old-signing-key-0123456789abcdef')}`
const NEW = `whsec_${btoa('new-signing-key-0123456789abcdef')}`
const channel = labChannels({ PULSE_CHANNEL_WEBHOOK_SECRET: `${OLD} ${NEW}` }).find(
  (c) => c.type === 'webhook',
) as ChannelOf<'webhook'>
const digest = digestOf(manyEvents(4), { messageId: `hook:${NOW}:9f86d081`, channelId: 'webhook' })

const verify = (request: Awaited<ReturnType<typeof renderWebhook>>, secret: string, now: number) =>
  verifyStandardWebhook(
    {
      id: request.headers['webhook-id'],
      timestamp: request.headers['webhook-timestamp'],
      signature: request.headers['webhook-signature'],
    },
    request.body,
    parseSigningSecrets(secret) ?? [],
    now,
  )

describe('the webhook channel', () => {
  it('signs with every secret, so a receiver holding either one verifies it', async () => {
    const request = await renderWebhook(channel, digest, NOW)
    expect(request.headers['webhook-signature']?.split(' ')).toHaveLength(2)
    expect(await verify(request, OLD, NOW)).toEqual({
      ok: true,
      id: `hook:${NOW}:9f86d081`,
      timestamp: NOW,
    })
    expect(await verify(request, NEW, NOW + 60)).toMatchObject({ ok: true })
    expect(
      await verify(request, `whsec_${btoa('some-other-key-0123456789abcdef0')}`, NOW),
    ).toMatchObject({ ok: false })
  })

  it('keeps the id on a retry and signs the retry with its own time', async () => {
    const first = await renderWebhook(channel, digest, NOW)
    const retry = await renderWebhook(channel, digest, NOW + 600)
    expect(retry.headers['webhook-id']).toBe(first.headers['webhook-id'])
    expect(retry.headers['webhook-timestamp']).toBe(String(NOW + 600))
    expect(retry.body).toBe(first.body)
    // The first attempt's signature would be stale by then; the retry's is fresh.
    expect(await verify(first, NEW, NOW + 600)).toMatchObject({ ok: false })
    expect(await verify(retry, NEW, NOW + 600)).toMatchObject({ ok: true })
  })

  it('sends the digest as {type, timestamp, data}', async () => {
    const body = JSON.parse((await renderWebhook(channel, digest, NOW)).body)
    expect(body).toMatchObject({
      type: 'alerts.digest',
      timestamp: new Date(NOW * 1000).toISOString(),
    })
    expect(body.data).toMatchObject({
      messageId: digest.messageId,
      events: digest.events,
      firing: digest.firing,
      dashboardLink: digest.dashboardLink,
    })
    expect(JSON.parse((await renderWebhook(channel, testDigest(), NOW)).body).type).toBe(
      'alerts.test',
    )
  })

  it('never puts a "." in the id (it delimits the signed content)', () => {
    expect(webhookId('a.b:c d/é')).toBe('a_b:c_d__')
  })
})
