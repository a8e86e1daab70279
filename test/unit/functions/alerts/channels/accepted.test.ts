// Every HTTP channel against its simulated receiver, which checks the receiver's documented
// format and limits: one event, sixty events (cut to what fits, "…and N more" and a link, still
// one message), a hostile subject, and a test message are all accepted, and each message names
// the subject and links to it.
import { beforeEach, describe, expect, it } from 'vitest'
import { sendDigest } from '../../../../../functions/alerts/delivery/send.ts'
import type { ChannelConfig } from '../../../../../functions/config/channels.ts'
import { createLabReceivers } from '../../../../lab/receivers/index.ts'
import type { Receiver } from '../../../../lab/receivers/receiver.ts'
import {
  ALERTS_LINK,
  context,
  digestOf,
  guestEvent,
  HOSTILE_NAME,
  hostileEvent,
  labChannels,
  manyEvents,
  NOW,
  RECEIVERS_BASE,
  testDigest,
} from './fixtures.ts'

const receivers = createLabReceivers(RECEIVERS_BASE, { now: () => NOW })
const channels = labChannels()
const receiverOf = (channel: ChannelConfig) =>
  receivers.all.find((r) => r.name === channel.type) as Receiver

beforeEach(() => receivers.reset())

async function deliver(channel: ChannelConfig, events = manyEvents(1)) {
  const digest = digestOf(events, { channelId: channel.id })
  const result = await sendDigest(channel, digest, context(receivers.fetch))
  const receiver = receiverOf(channel)
  return { result, receiver, payload: JSON.stringify(receiver.accepted[0] ?? null) }
}

/** How many of the events a message shows, by their links; and its "…and N more". */
function shownAndMore(payload: string, events: { link: string }[]) {
  const shown = events.filter((e) => payload.includes(e.link)).length
  const more = /…and (\d+) more/.exec(payload)
  return { shown, more: more ? Number(more[1]) : 0 }
}

it('configures one channel of every HTTP type from the lab settings', () => {
  expect(channels.map((c) => c.type).sort()).toEqual(
    [
      'apprise',
      'discord',
      'gotify',
      'ntfy',
      'pushover',
      'slack',
      'teams',
      'telegram',
      'webhook',
    ].sort(),
  )
})

describe.each(channels.map((c) => [c.type, c] as const))('%s', (_type, channel) => {
  it('delivers one event that names the subject, what is wrong and links to it', async () => {
    const event = guestEvent(3)
    const { result, receiver, payload } = await deliver(channel, [event])
    expect(receiver.rejected).toEqual([])
    expect(result.outcome).toMatchObject({ status: 'sent' })
    expect(receiver.accepted).toHaveLength(1)
    expect(payload).toContain(`${event.subject.name.split(' ')[0]}`)
    expect(payload).toContain('VM 103')
    expect(payload).toContain('cluster pve-a')
    expect(payload).toContain('newest backup is 43h old')
    expect(payload).toContain(event.link)
  })

  it('delivers sixty events as one message within the limits, the rest counted with a link', async () => {
    const events = manyEvents(60)
    const { result, receiver, payload } = await deliver(channel, events)
    expect(receiver.rejected).toEqual([])
    expect(result.outcome).toMatchObject({ status: 'sent' })
    expect(receiver.requests).toHaveLength(1)
    const { shown, more } = shownAndMore(payload, events)
    expect(shown).toBeGreaterThan(0)
    expect(shown + more).toBe(60)
    if (more > 0) expect(payload).toContain(ALERTS_LINK)
  })

  it('delivers a subject whose name is markup, as text', async () => {
    const { result, receiver } = await deliver(channel, [hostileEvent(), ...manyEvents(2)])
    expect(receiver.rejected).toEqual([])
    expect(result.outcome).toMatchObject({ status: 'sent' })
  })

  it('delivers a test message', async () => {
    const digest = { ...testDigest(), channelId: channel.id }
    const result = await sendDigest(channel, digest, context(receivers.fetch))
    expect(receiverOf(channel).rejected).toEqual([])
    expect(result.outcome).toMatchObject({ status: 'sent' })
  })
})

it('keeps the hostile name from becoming markup where the receiver reads markup', async () => {
  const byType = new Map(channels.map((c) => [c.type, c]))
  const accepted: Record<string, unknown> = {}
  for (const type of ['discord', 'slack', 'telegram'] as const) {
    const channel = byType.get(type) as ChannelConfig
    receivers.reset()
    await deliver(channel, [hostileEvent()])
    accepted[type] = receiverOf(channel).accepted[0]
  }
  // Discord: mentions parse nothing; markdown characters are escaped.
  const discord = accepted.discord as {
    allowed_mentions: unknown
    embeds: { title: string; description: string }[]
  }
  expect(discord.allowed_mentions).toEqual({ parse: [] })
  expect(discord.embeds[0]?.description).toContain('weekly \\<all\\>')
  // Slack parses mrkdwn: there <, > and & are entities, so <!channel> is text, not a mention.
  const slack = accepted.slack as { blocks: { text?: { type: string; text: string } }[] }
  const mrkdwn = slack.blocks.flatMap((b) => (b.text?.type === 'mrkdwn' ? [b.text.text] : []))
  expect(mrkdwn.join('\n')).toContain('&lt;!channel&gt;')
  expect(mrkdwn.join('\n')).not.toContain('<!channel>')
  // Telegram: the reader sees the name as written (the receiver parsed the HTML back).
  const telegram = accepted.telegram as { visibleText: string }
  expect(telegram.visibleText).toContain(HOSTILE_NAME)
  // No control character reaches any receiver.
  expect(JSON.stringify(accepted)).not.toMatch(/\\u000[07]/)
})
