// The simulated receivers refuse what the real services refuse (so a channel test that
// passes against them means something), answer in each service's error shape, and can be told
// to answer 429 / 500 / slowly.
import { describe, expect, it } from 'vitest'
import { signStandardWebhook } from '../../../functions/hooks/standard-webhooks.ts'
import { discordRateLimited } from './discord.ts'
import { createLabReceivers, LAB_RECEIVER_SECRETS as S } from './index.ts'
import { parseTelegramHtml } from './telegram.ts'

const BASE = 'http://receivers.lab'
const NOW = 1_795_000_000
const lab = () => createLabReceivers(BASE, { now: () => NOW })

const post = (
  r: ReturnType<typeof lab>,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) =>
  r.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })

const discordPath = `/discord/api/webhooks/${S.discordId}/${S.discordToken}?wait=true`

describe('discord', () => {
  it('accepts a message at the limits and refuses one over any of them with 50035', async () => {
    const r = lab()
    const embed = { title: 'x'.repeat(256), description: 'y'.repeat(300) }
    expect(
      (await post(r, discordPath, { content: 'c'.repeat(2000), embeds: Array(10).fill(embed) }))
        .status,
    ).toBe(200)
    for (const body of [
      { content: 'c'.repeat(2001) },
      { embeds: Array(11).fill({ title: 't' }) },
      { embeds: [{ title: 't'.repeat(257) }] },
      { embeds: [{ description: 'd'.repeat(4097) }] },
      { embeds: Array(2).fill({ description: 'd'.repeat(3001) }) },
      { embeds: [{ fields: [{ name: 'n', value: 'v'.repeat(1025) }] }] },
    ]) {
      const response = await post(r, discordPath, body)
      expect(response.status).toBe(400)
      expect(await response.json()).toMatchObject({ code: 50035, message: 'Invalid Form Body' })
    }
    expect((await post(r, discordPath, {})).status).toBe(400)
    expect(r.discord.accepted).toHaveLength(1)
  })

  it('refuses an unknown token with 401 and answers 204 without ?wait=true', async () => {
    const r = lab()
    expect(
      (await post(r, `/discord/api/webhooks/${S.discordId}/wrong`, { content: 'x' })).status,
    ).toBe(401)
    expect((await post(r, discordPath.replace('?wait=true', ''), { content: 'x' })).status).toBe(
      204,
    )
  })

  it('can answer 429 with Retry-After and retry_after, then validate again', async () => {
    const r = lab()
    r.discord.script(discordRateLimited(2.5))
    const limited = await post(r, discordPath, { content: 'x' })
    expect(limited.status).toBe(429)
    expect(limited.headers.get('retry-after')).toBe('3')
    expect(await limited.json()).toMatchObject({ retry_after: 2.5 })
    expect((await post(r, discordPath, { content: 'x' })).status).toBe(200)
  })
})

describe('slack', () => {
  const path = `/slack${S.slackPath}`
  it('refuses over-long blocks, too many blocks and bare markup with invalid_blocks', async () => {
    const r = lab()
    const section = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } })
    expect(
      await (
        await post(r, path, {
          text: 'ok',
          blocks: [section('fine &amp; <https://x.example|link>')],
        })
      ).text(),
    ).toBe('ok')
    for (const blocks of [
      [section('x'.repeat(3001))],
      Array(51).fill(section('x')),
      [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }],
      [section('<!channel> hello')],
      [section('a & b')],
    ]) {
      const response = await post(r, path, { text: 'x', blocks })
      expect(response.status).toBe(400)
      expect(await response.text()).toMatch(/^invalid_blocks/)
    }
    expect((await post(r, '/slack/services/T/B/wrong', { text: 'x' })).status).toBe(403)
  })
})

describe('teams', () => {
  const path = `/teams${S.teamsPath}`
  const card = (body: unknown[]) => ({
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        content: { type: 'AdaptiveCard', version: '1.4', body },
      },
    ],
  })
  it('accepts an Adaptive Card in the message envelope with 202 and refuses other shapes', async () => {
    const r = lab()
    expect((await post(r, path, card([{ type: 'TextBlock', text: 'hi' }]))).status).toBe(202)
    expect((await post(r, path, { type: 'AdaptiveCard', version: '1.4', body: [] })).status).toBe(
      400,
    )
    expect((await post(r, path, { '@type': 'MessageCard', text: 'legacy' })).status).toBe(400)
    expect((await post(r, path, card([{ type: 'Marquee', text: 'x' }]))).status).toBe(400)
    expect(
      (await post(r, path, card([{ type: 'TextBlock', text: 'x'.repeat(29_000) }]))).status,
    ).toBe(413)
    expect((await post(r, '/teams/workflows/other', card([]))).status).toBe(401)
  })
})

describe('telegram', () => {
  const path = `/telegram/bot${S.telegramToken}/sendMessage`
  it('counts the text after HTML parsing: 4,096 visible characters pass, 4,097 do not', async () => {
    const r = lab()
    const padded = (n: number) => `<b>${'x'.repeat(n)}</b>`
    expect(
      (await post(r, path, { chat_id: 1, text: padded(4096), parse_mode: 'HTML' })).status,
    ).toBe(200)
    const over = await post(r, path, { chat_id: 1, text: padded(4097), parse_mode: 'HTML' })
    expect(over.status).toBe(400)
    expect(await over.json()).toMatchObject({
      ok: false,
      error_code: 400,
      description: 'Bad Request: message is too long',
    })
  })

  it("refuses HTML it can't parse: a bare <, an unknown tag or entity, an unclosed tag", () => {
    expect(parseTelegramHtml('a &lt; b <a href="https://x">l</a>')).toEqual({ text: 'a < b l' })
    for (const bad of [
      'a < b',
      '<div>x</div>',
      '&nbsp;',
      '<b>open',
      '<a>no href</a>',
      '<b><i>x</b></i>',
    ]) {
      expect(parseTelegramHtml(bad)).toHaveProperty('error')
    }
  })

  it('refuses a wrong token with 401 and an empty text', async () => {
    const r = lab()
    expect(
      (await post(r, '/telegram/bot1:wrong/sendMessage', { chat_id: 1, text: 'x' })).status,
    ).toBe(401)
    expect((await post(r, path, { chat_id: 1, text: '' })).status).toBe(400)
  })
})

describe('ntfy', () => {
  const auth = { authorization: `Bearer ${S.ntfyToken}` }
  it('takes JSON at the root within 4,096 message bytes, with its token', async () => {
    const r = lab()
    expect(
      (
        await post(
          r,
          '/ntfy/',
          { topic: S.ntfyTopic, message: 'é'.repeat(2048), priority: 5 },
          auth,
        )
      ).status,
    ).toBe(200)
    expect(
      (await post(r, '/ntfy/', { topic: S.ntfyTopic, message: 'é'.repeat(2049) }, auth)).status,
    ).toBe(400)
    expect(
      (await post(r, '/ntfy/', { topic: S.ntfyTopic, message: 'x', priority: 6 }, auth)).status,
    ).toBe(400)
    expect(
      (await post(r, `/ntfy/${S.ntfyTopic}`, { topic: S.ntfyTopic, message: 'x' }, auth)).status,
    ).toBe(400)
    expect((await post(r, '/ntfy/', { topic: 'bad topic', message: 'x' }, auth)).status).toBe(400)
    expect((await post(r, '/ntfy/', { topic: S.ntfyTopic, message: 'x' })).status).toBe(403)
  })
})

describe('pushover', () => {
  const form = (fields: Record<string, string>) =>
    r0().fetch(`${BASE}/pushover/1/messages.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: S.pushoverToken,
        user: S.pushoverUser,
        message: 'm',
        ...fields,
      }).toString(),
    })
  let shared: ReturnType<typeof lab> | undefined
  const r0 = () => {
    shared ??= lab()
    return shared
  }
  it('holds message, title and url to their limits and emergency priority to retry/expire', async () => {
    expect((await form({ message: 'm'.repeat(1024), title: 't'.repeat(250) })).status).toBe(200)
    expect((await form({ message: 'm'.repeat(1025) })).status).toBe(400)
    expect((await form({ title: 't'.repeat(251) })).status).toBe(400)
    expect((await form({ url: `https://x.example/${'u'.repeat(500)}` })).status).toBe(400)
    expect((await form({ priority: '2' })).status).toBe(400)
    expect((await form({ priority: '2', retry: '60', expire: '3600' })).status).toBe(200)
    expect((await form({ token: 'wrong' })).status).toBe(400)
    expect(await (await form({ message: '' })).json()).toMatchObject({
      status: 0,
      errors: ['message cannot be blank'],
    })
  })
})

describe('gotify and apprise', () => {
  it('gotify wants its key and a message', async () => {
    const r = lab()
    expect(
      (
        await post(
          r,
          '/gotify/message',
          { message: 'hi', priority: 5 },
          { 'x-gotify-key': S.gotifyToken },
        )
      ).status,
    ).toBe(200)
    expect(
      (await post(r, '/gotify/message', { message: 'hi' }, { 'x-gotify-key': 'nope' })).status,
    ).toBe(401)
    expect(
      (await post(r, '/gotify/message', { title: 'no message' }, { 'x-gotify-key': S.gotifyToken }))
        .status,
    ).toBe(400)
  })

  it('apprise answers 204 for a key it does not know and 400 without a body', async () => {
    const r = lab()
    expect(
      (await post(r, `/apprise/notify/${S.appriseKey}`, { body: 'x', type: 'failure' })).status,
    ).toBe(200)
    expect((await post(r, '/apprise/notify/unknown-key', { body: 'x' })).status).toBe(204)
    expect((await post(r, `/apprise/notify/${S.appriseKey}`, { title: 'x' })).status).toBe(400)
    expect(
      (await post(r, `/apprise/notify/${S.appriseKey}`, { body: 'x', type: 'panic' })).status,
    ).toBe(400)
  })
})

describe('standard webhooks', () => {
  const keyOf = (secret: string) =>
    Uint8Array.from(atob(secret.slice('whsec_'.length)), (c) => c.charCodeAt(0))
  it('accepts a message signed with the secret once, refuses a bad or stale signature', async () => {
    const r = lab()
    const body = JSON.stringify({
      type: 'alerts.digest',
      timestamp: '2026-11-18T00:00:00Z',
      data: {},
    })
    const headers = async (id: string, ts: number, key = keyOf(S.webhookSecret)) => ({
      'webhook-id': id,
      'webhook-timestamp': String(ts),
      'webhook-signature': await signStandardWebhook(key, id, ts, body),
    })
    const path = `/webhook${S.webhookPath}`
    expect((await post(r, path, body, await headers('msg_1', NOW))).status).toBe(200)
    expect((await post(r, path, body, await headers('msg_1', NOW))).status).toBe(200)
    expect(r.webhook.accepted).toHaveLength(1)
    expect(r.webhook.duplicates).toEqual(['msg_1'])
    expect((await post(r, path, body, await headers('msg_2', NOW - 301))).status).toBe(401)
    expect(
      (await post(r, path, body, await headers('msg_3', NOW, new Uint8Array(32)))).status,
    ).toBe(401)
  })
})

it('answers scripted 500s and slow answers before validating again', async () => {
  const r = lab()
  r.gotify.script({ status: 500, body: 'boom' }, { status: 200, body: '{}', delayMs: 30 })
  const headers = { 'x-gotify-key': S.gotifyToken }
  expect((await post(r, '/gotify/message', { message: 'x' }, headers)).status).toBe(500)
  const started = Date.now()
  expect((await post(r, '/gotify/message', { message: 'x' }, headers)).status).toBe(200)
  expect(Date.now() - started).toBeGreaterThanOrEqual(25)
  expect((await post(r, '/gotify/message', { nope: 1 }, headers)).status).toBe(400)
  expect(r.gotify.requests).toHaveLength(3)
})

it('fails like a network error for a URL no receiver serves', async () => {
  await expect(lab().fetch(`${BASE}/nowhere/x`, { method: 'POST' })).rejects.toThrow(TypeError)
})
