// Delivery against the receivers: Retry-After honoured (seconds, HTTP-date, Discord's and
// Telegram's retry_after), permanent failures not retried, network errors and timeouts
// retried, the backoff schedule and its end, retries held by quiet hours, and a failing
// channel that never affects another.
import { describe, expect, it } from 'vitest'
import { parseDailyWindow } from '../../../../../functions/alerts/daily-window.ts'
import {
  MAX_ATTEMPTS,
  nextAttemptAt,
  RETRY_SCHEDULE_SECONDS,
} from '../../../../../functions/alerts/delivery/backoff.ts'
import { classifyResponse } from '../../../../../functions/alerts/delivery/classify.ts'
import { logEntry } from '../../../../../functions/alerts/delivery/log-entry.ts'
import { sendAll, sendDigest } from '../../../../../functions/alerts/delivery/send.ts'
import type { ChannelConfig } from '../../../../../functions/config/channels.ts'
import { DeliveryLogEntrySchema } from '../../../../../shared/schema/alerts.ts'
import { discordRateLimited } from '../../../../lab/receivers/discord.ts'
import { createLabReceivers } from '../../../../lab/receivers/index.ts'
import { telegramRateLimited } from '../../../../lab/receivers/telegram.ts'
import {
  context,
  digestOf,
  guestEvent,
  labChannels,
  manyEvents,
  NOW,
  RECEIVERS_BASE,
} from './fixtures.ts'

const channels = labChannels()
const byType = <T extends ChannelConfig['type']>(type: T) =>
  channels.find((c) => c.type === type) as Extract<ChannelConfig, { type: T }>
const digest = digestOf(manyEvents(3))

describe('classifying an answer', () => {
  const h = (entries: Record<string, string> = {}) => new Headers(entries)
  it('reads 2xx as sent, 408/429/5xx as retry, any other status as a permanent failure', () => {
    expect(classifyResponse(202, h(), '', NOW)).toEqual({ status: 'sent', httpStatus: 202 })
    for (const status of [408, 429, 500, 502, 503, 504]) {
      expect(classifyResponse(status, h(), 'busy', NOW).status).toBe('retry')
    }
    for (const status of [301, 400, 401, 403, 404, 410, 413]) {
      expect(classifyResponse(status, h(), 'no', NOW)).toMatchObject({
        status: 'failed',
        httpStatus: status,
        error: `HTTP ${status}: no`,
      })
    }
  })

  it('takes Retry-After as seconds or as an HTTP-date, and the longer of header and body', () => {
    const at = (s: number) => new Date((NOW + s) * 1000).toUTCString()
    expect(classifyResponse(503, h({ 'retry-after': '120' }), '', NOW)).toMatchObject({
      retryAfterSeconds: 120,
    })
    expect(classifyResponse(503, h({ 'retry-after': at(90) }), '', NOW)).toMatchObject({
      retryAfterSeconds: 90,
    })
    expect(
      classifyResponse(429, h({ 'retry-after': '3' }), '{"retry_after": 64.57}', NOW),
    ).toMatchObject({ retryAfterSeconds: 65 })
    expect(
      classifyResponse(429, h(), '{"ok":false,"parameters":{"retry_after":7}}', NOW),
    ).toMatchObject({ retryAfterSeconds: 7 })
    expect(classifyResponse(429, h({ 'retry-after': 'soon' }), 'not json', NOW)).toMatchObject({
      retryAfterSeconds: null,
    })
  })

  it('keeps an error to one short line, cut only after the secrets are out', async () => {
    const slack = byType('slack')
    const secret = slack.secrets.url
    const segment = secret.split('/').at(-1) ?? ''
    // The secret's last segment straddles the 200th character of the error.
    const body = `line one\nline\ttwo ${'x'.repeat(162)}${segment} tail`
    const fetch = (async () => new Response(body, { status: 400 })) as typeof globalThis.fetch
    const { outcome } = await sendDigest(slack, digest, context(fetch))
    const error = outcome.status === 'failed' ? outcome.error : ''
    expect(error).toMatch(/^HTTP 400: line one line two x+/)
    expect(error.length).toBeLessThanOrEqual(200)
    expect(error).not.toContain(segment.slice(0, 8))
  })
})

describe('the backoff schedule', () => {
  it('waits 30 s, 2 min, 10 min, 1 h, then gives up', () => {
    const waits = Array.from({ length: MAX_ATTEMPTS }, (_, i) =>
      nextAttemptAt({ attempt: i + 1, now: NOW, retryAfterSeconds: null, quietHours: null }),
    ).map((at) => (at === null ? null : at - NOW))
    expect(waits).toEqual([...RETRY_SCHEDULE_SECONDS, null])
  })

  it('never retries sooner than the receiver asked, up to six hours', () => {
    expect(nextAttemptAt({ attempt: 1, now: NOW, retryAfterSeconds: 1337, quietHours: null })).toBe(
      NOW + 1337,
    )
    expect(nextAttemptAt({ attempt: 3, now: NOW, retryAfterSeconds: 5, quietHours: null })).toBe(
      NOW + 600,
    )
    expect(
      nextAttemptAt({ attempt: 1, now: NOW, retryAfterSeconds: 86_400 * 3, quietHours: null }),
    ).toBe(NOW + 6 * 3_600)
  })

  it('moves a retry that would fall in quiet hours to their end, in the channel time zone', () => {
    // NOW is 2026-11-18 11:06:40 UTC = 12:06:40 in Berlin (CET); the retry would be at 12:07:10.
    const quiet = parseDailyWindow('12:07-12:30 Europe/Berlin')
    const at = nextAttemptAt({ attempt: 1, now: NOW, retryAfterSeconds: null, quietHours: quiet })
    expect(new Date((at ?? 0) * 1000).toISOString()).toBe('2026-11-18T11:30:00.000Z')
    // Not moved when the retry falls outside them.
    const later = parseDailyWindow('13:00-14:00 Europe/Berlin')
    expect(
      nextAttemptAt({ attempt: 1, now: NOW, retryAfterSeconds: null, quietHours: later }),
    ).toBe(NOW + 30)
  })
})

describe('sending to a receiver that refuses', () => {
  it('honours a Discord 429: retry after its Retry-After, then the message gets through once', async () => {
    const receivers = createLabReceivers(RECEIVERS_BASE, { now: () => NOW })
    const discord = byType('discord')
    receivers.discord.script(discordRateLimited(64.57))
    const first = await sendDigest(discord, digest, context(receivers.fetch))
    expect(first.outcome).toMatchObject({ status: 'retry', httpStatus: 429, retryAfterSeconds: 65 })
    const entry = logEntry(first, 1, discord.policy, digest)
    expect(entry).toMatchObject({ status: 'retry', attempt: 1, nextAttemptAt: NOW + 65 })
    const second = await sendDigest(
      discord,
      digest,
      context(receivers.fetch, entry.nextAttemptAt ?? 0),
    )
    expect(second.outcome.status).toBe('sent')
    expect(receivers.discord.requests).toHaveLength(2)
    expect(receivers.discord.accepted).toHaveLength(1)
  })

  it("honours Telegram's parameters.retry_after", async () => {
    const receivers = createLabReceivers(RECEIVERS_BASE)
    receivers.telegram.script(telegramRateLimited(30))
    const result = await sendDigest(byType('telegram'), digest, context(receivers.fetch))
    expect(result.outcome).toMatchObject({ status: 'retry', retryAfterSeconds: 30 })
  })

  it('does not retry a 400, and gives up (logged) after the last attempt of a 500', async () => {
    const receivers = createLabReceivers(RECEIVERS_BASE)
    const gotify = byType('gotify')
    receivers.gotify.script({ status: 400, body: '{"error":"Bad Request"}' })
    const refused = await sendDigest(gotify, digest, context(receivers.fetch))
    expect(logEntry(refused, 1, gotify.policy, digest)).toMatchObject({
      status: 'failed',
      httpStatus: 400,
      nextAttemptAt: null,
    })
    receivers.gotify.script({ status: 500, body: 'down' })
    const down = await sendDigest(gotify, digest, context(receivers.fetch))
    const last = logEntry(down, MAX_ATTEMPTS, gotify.policy, digest)
    expect(last).toMatchObject({
      status: 'gave-up',
      attempt: MAX_ATTEMPTS,
      httpStatus: 500,
      error: 'HTTP 500: down',
      nextAttemptAt: null,
    })
    expect(DeliveryLogEntrySchema.parse(last)).toEqual(last)
  })

  it('retries an Apprise 424 and fails on its 204 (nothing configured under the key)', async () => {
    const receivers = createLabReceivers(RECEIVERS_BASE)
    receivers.apprise.script({ status: 424 }, { status: 204 })
    const apprise = byType('apprise')
    expect((await sendDigest(apprise, digest, context(receivers.fetch))).outcome.status).toBe(
      'retry',
    )
    expect((await sendDigest(apprise, digest, context(receivers.fetch))).outcome.status).toBe(
      'failed',
    )
  })

  it('retries after a network error and after a timeout', async () => {
    const unreachable = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch
    const result = await sendDigest(byType('slack'), digest, context(unreachable))
    expect(result.outcome).toMatchObject({
      status: 'retry',
      error: 'could not reach the receiver: TypeError: fetch failed',
    })
    const receivers = createLabReceivers(RECEIVERS_BASE)
    receivers.slack.script({ status: 200, body: 'ok', delayMs: 500 })
    const slow = await sendDigest(byType('slack'), digest, {
      ...context(receivers.fetch),
      timeoutMs: 50,
    })
    expect(slow.outcome).toMatchObject({ status: 'retry', error: 'no answer within 50 ms' })
  })
})

describe('sendAll', () => {
  it('delivers to every other channel when one fails, throws, or hangs', async () => {
    const receivers = createLabReceivers(RECEIVERS_BASE, { now: () => NOW })
    receivers.discord.script({ status: 500 })
    receivers.teams.script({ status: 202, delayMs: 300 })
    const broken = { ...byType('ntfy'), secrets: { url: 'not a url' } } as ChannelConfig
    const targets = [broken, ...channels.filter((c) => c.type !== 'ntfy')].map((channel) => ({
      channel,
      digest: digestOf([guestEvent(1)], { channelId: channel.id }),
    }))
    const results = await sendAll(targets, { ...context(receivers.fetch), timeoutMs: 100 })
    const status = Object.fromEntries(results.map((r) => [r.channelId, r.outcome.status]))
    expect(status).toEqual({
      ntfy: 'failed',
      discord: 'retry',
      teams: 'retry',
      slack: 'sent',
      telegram: 'sent',
      gotify: 'sent',
      pushover: 'sent',
      webhook: 'sent',
      apprise: 'sent',
    })
    expect(results[0]?.outcome).toMatchObject({
      error: expect.stringMatching(/^could not build the message/),
    })
  })
})
