// The e-mail channel's message is a real MIME message: read back by a strict parser (CRLF,
// line lengths, encoded-words, base64 UTF-8 parts), with the digest's Message-ID and time,
// subject and sender outside ASCII encoded, text and HTML saying the same, markup escaped.
import { describe, expect, it } from 'vitest'
import { renderEmail } from '../../../../../functions/alerts/channels/email.ts'
import { rfc5322Date } from '../../../../../functions/alerts/channels/email-mime.ts'
import type { ChannelOf } from '../../../../../functions/config/channels.ts'
import { readConfig } from '../../../../../functions/config.ts'
import type { Env } from '../../../../../functions/env.ts'
import { parseMime } from '../../../../lab/receivers/mime.ts'
import { digestOf, guestEvent, HOSTILE_NAME, hostileEvent, manyEvents, NOW } from './fixtures.ts'

function emailChannel(options: Record<string, unknown> = {}): ChannelOf<'email'> {
  const config = readConfig({
    PULSE_ALERT_CHANNELS: JSON.stringify([
      {
        id: 'mail',
        type: 'email',
        from: 'pulse@alerts.example.com',
        to: 'me@example.org',
        ...options,
      },
    ]),
    PULSE_EMAIL: { send: () => undefined },
  } as unknown as Env)
  expect(config.issues).toEqual([])
  return config.channels[0] as ChannelOf<'email'>
}

const part = (mime: ReturnType<typeof parseMime>, type: string) =>
  mime.parts.find((p) => p.contentType === type)?.text ?? ''

describe('the e-mail message', () => {
  it('is a multipart/alternative MIME message with the digest id, time, subject and sender', () => {
    const event = guestEvent(3)
    const digest = digestOf([event], { messageId: `mail:${NOW}:9f86d081` })
    const raw = renderEmail(emailChannel(), digest)
    const mime = parseMime(raw)
    expect(mime.messageId).toBe(`<mail.${NOW}.9f86d081@alerts.example.com>`)
    expect(mime.date.getTime()).toBe(NOW * 1000)
    expect(mime.headers.get('date')).toBe(rfc5322Date(NOW))
    expect(mime.from).toEqual({ name: 'Pulse Edge', address: 'pulse@alerts.example.com' })
    expect(mime.to).toBe('me@example.org')
    expect(mime.headers.get('auto-submitted')).toBe('auto-generated')
    expect(mime.subject).toBe(`Resolved: ${event.subject.name}`)
    expect(mime.parts.map((p) => [p.contentType, p.charset])).toEqual([
      ['text/plain', 'utf-8'],
      ['text/html', 'utf-8'],
    ])
    for (const type of ['text/plain', 'text/html']) {
      const text = part(mime, type)
      expect(text).toContain('mail-3 (VM 103, cluster pve-a)')
      expect(text).toContain('newest backup is 43h old')
      expect(text).toContain(event.link)
    }
  })

  it('encodes a subject and a sender name outside ASCII, within the line lengths', () => {
    const event = guestEvent(2, {
      subject: {
        kind: 'guest',
        key: 'pve-a/102',
        name: 'Büro-Server „Zentrale“ 数据库 (VM 102, cluster pve-a) '.repeat(3),
      },
    })
    const raw = renderEmail(emailChannel({ fromName: 'Pulse Édge Überwachung' }), digestOf([event]))
    const mime = parseMime(raw)
    expect(mime.subject).toBe(`Still firing (warning): ${event.subject.name.trim()}`)
    expect(mime.from.name).toBe('Pulse Édge Überwachung')
    const head = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n')
    for (const line of head) expect(line.length).toBeLessThanOrEqual(line.includes('=?') ? 76 : 78)
  })

  it('escapes markup from Proxmox in the HTML part and keeps it as text in the plain part', () => {
    const mime = parseMime(renderEmail(emailChannel(), digestOf([hostileEvent()])))
    const html = part(mime, 'text/html')
    expect(html).not.toContain('<b>@everyone</b>')
    expect(html).toContain('&lt;b&gt;@everyone&lt;/b&gt;')
    expect(html).toContain('href="https://pulse.example.com/?view=jobs&amp;job=pve-a%2Fnightly"')
    expect(part(mime, 'text/plain')).toContain(HOSTILE_NAME)
  })

  it('keeps a long digest one message: 100 events, then "…and N more" with the alerts link', () => {
    const mime = parseMime(renderEmail(emailChannel(), digestOf(manyEvents(150))))
    const text = part(mime, 'text/plain')
    expect(text.match(/\?guest=pve-a%2F/g)).toHaveLength(100)
    expect(text).toContain('…and 50 more: https://pulse.example.com/?view=alerts')
    expect(
      parseMime(renderEmail(emailChannel(), digestOf(manyEvents(60)))).parts[0]?.text,
    ).not.toContain('more:')
  })

  it('is the same bytes for the same digest (a retry sends what the first attempt did)', () => {
    const digest = digestOf(manyEvents(5))
    expect(renderEmail(emailChannel(), digest)).toBe(renderEmail(emailChannel(), digest))
  })
})

describe('the order of events', () => {
  it('puts critical news first, then warnings, resolves last', () => {
    const events = [
      guestEvent(3, { kind: 'resolved', severity: 'critical' }),
      guestEvent(1, { kind: 'fired', severity: 'warning' }),
      guestEvent(2, { kind: 'repeat', severity: 'critical' }),
      guestEvent(4, { kind: 'escalated', severity: 'critical' }),
    ]
    const text = parseMime(renderEmail(emailChannel(), digestOf(events))).parts[0]?.text ?? ''
    const at = (vmid: number) => text.indexOf(`VM ${vmid},`)
    // Escalated critical, still-firing critical, new warning, then the resolve.
    const order = [104, 102, 101, 103].map(at)
    expect(order.every((position) => position > 0)).toBe(true)
    expect(order).toEqual([...order].sort((a, b) => a - b))
  })
})
