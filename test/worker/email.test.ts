// The e-mail channel through Miniflare's real send_email binding in workerd: the binding
// parses the raw message (postal-mime) and refuses one it cannot read, without a Message-ID,
// or whose From differs from the envelope; a destination outside the binding's allowed list
// is refused and becomes a retry with the binding's words. The same bytes, read by the lab's
// strict MIME reader, are a well-formed multipart message.
import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import { renderEmail } from '../../functions/alerts/channels/email.ts'
import { sendDigest } from '../../functions/alerts/delivery/send.ts'
import type { AlertEvent, Digest } from '../../functions/alerts/message.ts'
import { type ChannelOf, readConfig } from '../../functions/config.ts'
import type { Env } from '../../functions/env.ts'
import { parseMime } from '../lab/receivers/mime.ts'

const NOW = Math.floor(Date.now() / 1000)

function event(i: number): AlertEvent {
  return {
    eventId: `age-all:pve-a/${100 + i}#1:fired`,
    alertId: `age-all:pve-a/${100 + i}`,
    kind: 'fired',
    rule: 'age-all',
    severity: i % 2 ? 'warning' : 'critical',
    subject: {
      kind: 'guest',
      key: `pve-a/${100 + i}`,
      name: `Büro-db${i} (VM ${100 + i}, cluster pve-a)`,
    },
    summary: `newest backup is ${40 + i}h old (critical after 72h)`,
    since: NOW - (40 + i) * 3_600,
    at: NOW,
    link: `https://pulse.example.com/?guest=pve-a%2F${100 + i}`,
  }
}

const digest = (n: number): Digest => ({
  messageId: `mail:${NOW}:0badc0de`,
  channelId: 'mail',
  at: NOW,
  events: Array.from({ length: n }, (_, i) => event(i)),
  dashboardLink: 'https://pulse.example.com/?view=alerts',
  firing: { warning: n, critical: 0 },
})

function mailChannel(binding: string, to: string): ChannelOf<'email'> {
  const config = readConfig({
    ...env,
    PULSE_ALERT_CHANNELS: JSON.stringify([
      { id: 'mail', type: 'email', binding, from: 'pulse@alerts.example.com', to },
    ]),
  } as Env)
  expect(config.issues).toEqual([])
  return config.channels[0] as ChannelOf<'email'>
}

const ctx = { fetch, now: NOW, env: env as Env }

describe('the e-mail channel in workerd', () => {
  it.each([1, 60])('hands the binding a MIME message it accepts, with %i events', async (n) => {
    const channel = mailChannel('PULSE_EMAIL', 'me@example.org')
    const result = await sendDigest(channel, digest(n), ctx)
    expect(result.outcome).toEqual({ status: 'sent', httpStatus: null })
    const mime = parseMime(renderEmail(channel, digest(n)))
    expect(mime.parts.map((p) => p.contentType)).toEqual(['text/plain', 'text/html'])
    expect(mime.parts[0]?.text).toContain('Büro-db0 (VM 100, cluster pve-a)')
  })

  it('turns a refusal of the binding into a retry that names the reason', async () => {
    const channel = mailChannel('PULSE_EMAIL_ONLY_ME', 'someone-else@example.org')
    const result = await sendDigest(channel, digest(1), ctx)
    expect(result.outcome).toMatchObject({
      status: 'retry',
      error: expect.stringMatching(/^send_email refused: .*not allowed/),
    })
  })

  it('is refused by the binding when the From header does not match the envelope', async () => {
    // What Miniflare checks, so a broken renderer would show here.
    const { EmailMessage } = await import('cloudflare:email')
    const raw = renderEmail(mailChannel('PULSE_EMAIL', 'me@example.org'), digest(1))
    const binding = (env as unknown as { PULSE_EMAIL: SendEmail }).PULSE_EMAIL
    const refusal = (message: EmailMessage) =>
      binding.send(message).then(
        () => 'accepted',
        (error: unknown) => String(error),
      )
    expect(
      await refusal(new EmailMessage('other@alerts.example.com', 'me@example.org', raw)),
    ).toMatch(/From: header does not match/)
    expect(
      await refusal(
        new EmailMessage('pulse@alerts.example.com', 'me@example.org', 'not a mime message'),
      ),
    ).not.toBe('accepted')
  })
})
