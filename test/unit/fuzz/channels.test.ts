// Property: whatever Proxmox names a guest or writes in a job log (markup of every receiver,
// control characters, emoji, any script, very long text) and however many events a digest
// holds, every channel's message is accepted by its receiver (documented format and limits),
// stays one request, and shows or counts every event.
import fc from 'fast-check'
import { expect, it } from 'vitest'
import { sendDigest } from '../../../functions/alerts/delivery/send.ts'
import type { AlertEvent } from '../../../functions/alerts/message.ts'
import { createLabReceivers } from '../../lab/receivers/index.ts'
import {
  context,
  digestOf,
  guestEvent,
  labChannels,
  NOW,
  RECEIVERS_BASE,
} from '../functions/alerts/channels/fixtures.ts'

const channels = labChannels()
const receivers = createLabReceivers(RECEIVERS_BASE, { now: () => NOW })

const MARKUP = [
  '<',
  '>',
  '&',
  '"',
  '*',
  '_',
  '~',
  '`',
  '|',
  '[',
  ']',
  '(',
  ')',
  '#',
  '@everyone',
  '<!channel>',
  '</b>',
  '&amp;',
  '\\',
  '\n',
  '\u0000',
  '\u202e',
  '😀',
  'Ü',
  '数据',
  ' ',
]
const wild = (max: number) =>
  fc
    .array(fc.oneof(fc.constantFrom(...MARKUP), fc.string({ unit: 'grapheme', maxLength: 8 })), {
      maxLength: max,
    })
    .map((parts) => parts.join(''))

const eventArb = (i: number) =>
  fc
    .record({ name: wild(40), summary: wild(60), detail: fc.option(wild(400), { nil: undefined }) })
    .map(({ name, summary, detail }): AlertEvent => {
      const base = guestEvent(i)
      return {
        ...base,
        subject: { ...base.subject, name: name || 'x' },
        summary: summary || 'y',
        ...(detail === undefined ? {} : { detail }),
      }
    })

it('every channel delivers any digest its receiver accepts, as one message that accounts for every event', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc
        .integer({ min: 1, max: 70 })
        .chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => eventArb(i)))),
      async (events) => {
        for (const channel of channels) {
          receivers.reset()
          const result = await sendDigest(
            channel,
            digestOf(events, { channelId: channel.id }),
            context(receivers.fetch),
          )
          const receiver = receivers.all.find((r) => r.name === channel.type)
          expect(receiver?.rejected, channel.type).toEqual([])
          expect(result.outcome.status, channel.type).toBe('sent')
          expect(receiver?.requests).toHaveLength(1)
          const payload = JSON.stringify(receiver?.accepted[0])
          const shown = events.filter((e) => payload.includes(e.link)).length
          const more = Number(/…and (\d+) more/.exec(payload)?.[1] ?? 0)
          expect(shown + more, channel.type).toBe(events.length)
        }
      },
    ),
    { numRuns: 60 },
  )
})
