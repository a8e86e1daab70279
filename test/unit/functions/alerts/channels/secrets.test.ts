// No channel secret ever leaves delivery: a receiver (or the network layer) that echoes the
// URL it was called on, the headers and the body back in its error must not get any of it
// into the outcome, the delivery log or a log line. Every secret of every channel type.
import { afterEach, describe, expect, it, vi } from 'vitest'
import { logEntry } from '../../../../../functions/alerts/delivery/log-entry.ts'
import { sendDigest } from '../../../../../functions/alerts/delivery/send.ts'
import { channelSecretValues } from '../../../../../functions/config/channels.ts'
import { LAB_RECEIVER_SECRETS } from '../../../../lab/receivers/index.ts'
import { context, digestOf, labChannels, manyEvents } from './fixtures.ts'

const channels = labChannels()
const digest = digestOf(manyEvents(2))

/** Every secret ingredient, whole and in the parts a receiver might echo alone. */
const SECRET_PARTS = [
  ...Object.entries(LAB_RECEIVER_SECRETS)
    .filter(([name]) => name !== 'appriseKey')
    .map(([, value]) => value),
  LAB_RECEIVER_SECRETS.telegramToken.split(':')[1] ?? '',
  LAB_RECEIVER_SECRETS.webhookSecret.slice('whsec_'.length),
  'labSlackSecret0a1b2c3d4e5',
  'labTeamsSig0a1b2c3d4e5f6a7b8c9',
  'pulse-lab-0a1b2c3d',
]

function echo(request: Request, body: string): string {
  const lines: string[] = []
  request.headers.forEach((value, key) => {
    lines.push(`${key}: ${value}`)
  })
  const headers = lines.join('; ')
  return `${request.method} ${request.url} ${headers} ${decodeURIComponent(request.url)} ${body}`
}

/** Answers `status` with everything it got, as some receivers do in their errors. */
function echoingFetch(status: number, headers: Record<string, string> = {}): typeof fetch {
  return (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init)
    return new Response(echo(request, await request.text()), { status, headers })
  }) as typeof fetch
}

/** A network layer whose error message carries the request, as Node's can. */
const throwingFetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
  const request = new Request(input, init)
  throw new TypeError(`fetch failed for ${echo(request, await request.text())}`)
}) as typeof fetch

afterEach(() => vi.restoreAllMocks())

it('covers a secret of every channel type that has one', () => {
  const withSecrets = channels.filter((c) => channelSecretValues(c).length > 0).map((c) => c.type)
  expect(withSecrets.sort()).toEqual(
    ['discord', 'gotify', 'ntfy', 'pushover', 'slack', 'teams', 'telegram', 'webhook'].sort(),
  )
  for (const channel of channels) {
    for (const value of channelSecretValues(channel)) {
      expect(SECRET_PARTS.some((part) => value.includes(part))).toBe(true)
    }
  }
})

describe.each(channels.map((c) => [c.type, c] as const))('%s', (_type, channel) => {
  it.each([
    ['a 400 echoing the request', echoingFetch(400)],
    ['a 500 echoing the request', echoingFetch(500)],
    ['a 429 echoing the request', echoingFetch(429, { 'retry-after': '5' })],
    ['a network error carrying the request', throwingFetch],
  ])(
    'keeps every secret out of the outcome, the log entry and the console after %s',
    async (_what, fetch) => {
      const logged: unknown[] = []
      for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
        vi.spyOn(console, method).mockImplementation((...args: unknown[]) => void logged.push(args))
      }
      const result = await sendDigest(channel, digest, context(fetch))
      expect(result.outcome.status).not.toBe('sent')
      const entry = logEntry(result, 1, channel.policy, digest)
      const seen = JSON.stringify({ result, entry, logged })
      // The log still says what went wrong.
      expect(entry.error).toMatch(/^(HTTP \d{3}: |could not reach the receiver: )/)
      expect(entry.error?.length).toBeLessThanOrEqual(200)
      for (const part of SECRET_PARTS) expect(seen).not.toContain(part)
      for (const value of channelSecretValues(channel)) {
        expect(seen).not.toContain(value)
        expect(seen).not.toContain(encodeURIComponent(value))
      }
    },
  )
})
