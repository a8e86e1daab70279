// A scheduled report through every channel to its simulated receiver, which checks the
// receiver's documented format and limits: accepted, one message, with the title, the one-line
// summary, every part and the dashboard's link; a report with very many parts still fits; the
// webhook's payload is `type: "report"` with the figures; the e-mail's subject names the report.
import { beforeEach, describe, expect, it } from 'vitest'
import { renderEmail } from '../../../../../functions/alerts/channels/email.ts'
import { sendDigest } from '../../../../../functions/alerts/delivery/send.ts'
import type { Digest } from '../../../../../functions/alerts/message.ts'
import type { ChannelConfig, ChannelOf } from '../../../../../functions/config/channels.ts'
import { readConfig } from '../../../../../functions/config.ts'
import type { Env } from '../../../../../functions/env.ts'
import { type FleetReport, fleetReport } from '../../../../../functions/reports/fleet-report.ts'
import { reportDigest } from '../../../../../functions/reports/report-digest.ts'
import { createLabReceivers } from '../../../../lab/receivers/index.ts'
import { parseMime } from '../../../../lab/receivers/mime.ts'
import type { Receiver } from '../../../../lab/receivers/receiver.ts'
import { BASE, context, labChannels, NOW, RECEIVERS_BASE } from './fixtures.ts'

const receivers = createLabReceivers(RECEIVERS_BASE, { now: () => NOW })
const channels = labChannels()
const receiverOf = (channel: ChannelConfig) =>
  receivers.all.find((r) => r.name === channel.type) as Receiver
const DASHBOARD = `${BASE}/`

beforeEach(() => receivers.reset())

const REPORT: FleetReport = {
  text: '42 of 45 guests fresh · 2 missed a scheduled backup · 2 jobs failed · store1 full in 23 days',
  parts: [
    '42 of 45 guests fresh',
    '2 missed a scheduled backup',
    '2 jobs failed',
    'store1 full in 23 days',
  ],
  guests: 45,
  fresh: 42,
  missed: 2,
  never: 0,
  failedJobs: ['pve-a/backup-nightly', 'pbs-main/verify-store1'],
  stores: [{ key: 'pbs-main/store1', name: 'store1', estimatedFull: NOW + 23 * 86_400, days: 23 }],
}

function digestFor(channelId: string, report: FleetReport | null = REPORT): Digest {
  return reportDigest({
    channelId,
    every: 'daily',
    scheduledAt: NOW - 60,
    now: NOW,
    report,
    dashboardLink: DASHBOARD,
    firing: { warning: 2, critical: 1 },
  })
}

describe.each(channels.map((c) => [c.type, c] as const))('%s', (_type, channel) => {
  it('delivers a report: title, the one line, each part, the failed jobs and the dashboard link', async () => {
    const result = await sendDigest(channel, digestFor(channel.id), context(receivers.fetch))
    const receiver = receiverOf(channel)
    expect(receiver.rejected).toEqual([])
    expect(result.outcome).toMatchObject({ status: 'sent' })
    expect(receiver.accepted).toHaveLength(1)
    const payload = JSON.stringify(receiver.accepted[0])
    // Markup escaping may put a backslash before a character; the words stay.
    const plain = payload.replace(/\\\\/g, '')
    expect(plain).toContain('Pulse Edge daily report')
    for (const part of REPORT.parts) expect(plain).toContain(part)
    expect(plain).toContain('pve-a/backup-nightly')
    expect(payload).toContain(DASHBOARD)
  })

  it('delivers a report with two hundred stores filling up as one message within the limits', async () => {
    const stores = Array.from(
      { length: 200 },
      (_, i) => `datastore-with-a-long-name-${i} full in ${i + 2} days`,
    )
    const big = {
      ...REPORT,
      parts: [...REPORT.parts, ...stores],
      text: [...REPORT.parts, ...stores].join(' · '),
    }
    const result = await sendDigest(channel, digestFor(channel.id, big), context(receivers.fetch))
    expect(receiverOf(channel).rejected).toEqual([])
    expect(result.outcome).toMatchObject({ status: 'sent' })
    expect(receiverOf(channel).requests).toHaveLength(1)
  })

  it('delivers a report before anything was collected, saying so', async () => {
    const result = await sendDigest(channel, digestFor(channel.id, null), context(receivers.fetch))
    expect(result.outcome).toMatchObject({ status: 'sent' })
    expect(JSON.stringify(receiverOf(channel).accepted[0])).toContain('no data collected yet')
  })
})

it('the webhook carries the report as type "report" with its figures, its id the channel and time', async () => {
  const channel = channels.find((c) => c.type === 'webhook') as ChannelConfig
  await sendDigest(channel, digestFor(channel.id), context(receivers.fetch))
  const [message] = receivers.webhook.accepted as { type: string; data: Record<string, unknown> }[]
  expect(message?.type).toBe('report')
  expect(message?.data).toMatchObject({
    messageId: `webhook:report:${NOW - 60}`,
    channelId: 'webhook',
    every: 'daily',
    scheduledAt: NOW - 60,
    title: 'Pulse Edge daily report',
    text: REPORT.text,
    parts: REPORT.parts,
    guests: 45,
    fresh: 42,
    missed: 2,
    never: 0,
    failedJobs: REPORT.failedJobs,
    stores: REPORT.stores,
    hasData: true,
    firing: { warning: 2, critical: 1 },
    dashboardLink: DASHBOARD,
  })
  expect(receivers.webhook.requests[0]?.headers['webhook-id']).toBe(`webhook:report:${NOW - 60}`)
})

it('ntfy and apprise send a report quietly, as information', async () => {
  for (const type of ['ntfy', 'apprise'] as const) {
    const channel = channels.find((c) => c.type === type) as ChannelConfig
    await sendDigest(channel, digestFor(channel.id), context(receivers.fetch))
  }
  expect(receivers.ntfy.accepted[0]).toMatchObject({
    priority: 2,
    tags: ['bar_chart', 'floppy_disk'],
  })
  expect(receivers.apprise.accepted[0]).toMatchObject({ type: 'info' })
})

it('the e-mail has the report as its subject and lists the parts in both parts', () => {
  const config = readConfig({
    PULSE_ALERT_CHANNELS: JSON.stringify([
      { id: 'mail', type: 'email', from: 'pulse@alerts.example.com', to: 'me@example.org' },
    ]),
    PULSE_EMAIL: { send: () => undefined },
  } as unknown as Env)
  const channel = config.channels[0] as ChannelOf<'email'>
  const mime = parseMime(renderEmail(channel, digestFor('mail')))
  expect(mime.subject).toBe(`Pulse Edge daily report: ${REPORT.text}`)
  expect(mime.messageId).toBe(`<mail.report.${NOW - 60}@alerts.example.com>`)
  for (const type of ['text/plain', 'text/html']) {
    const text = mime.parts.find((p) => p.contentType === type)?.text ?? ''
    for (const part of REPORT.parts) expect(text).toContain(part)
    expect(text).toContain(DASHBOARD)
  }
})

it('a report made by fleetReport from nothing names no guests', () => {
  const report = fleetReport({
    guests: [],
    jobs: { pve: [], pbs: [] },
    storage: { storages: [], datastores: [] },
    now: NOW,
    thresholds: { freshHours: 24, staleHours: 48 },
  })
  expect(digestFor('x', report).report?.text).toBe('no guests')
})
