// The receivers over loopback, as `wrangler dev` and end-to-end tests reach them: every HTTP
// channel configured from the server's own settings delivers through a real fetch, and the
// control API scripts answers and reports what arrived.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { sendDigest } from '../../../functions/alerts/delivery/send.ts'
import { readConfig } from '../../../functions/config.ts'
import type { Env } from '../../../functions/env.ts'
import { digestOf, manyEvents } from '../../unit/functions/alerts/channels/fixtures.ts'
import { type RunningReceivers, startReceiverServer } from './server.ts'

let server: RunningReceivers

beforeAll(async () => {
  server = await startReceiverServer()
})
afterAll(() => server.close())

it('takes a real delivery for every channel configured from its settings', async () => {
  const config = readConfig(server.vars as unknown as Env)
  expect(config.issues).toEqual([])
  const now = Math.floor(Date.now() / 1000)
  for (const channel of config.channels) {
    const digest = digestOf(manyEvents(12), { channelId: channel.id, at: now })
    const result = await sendDigest(channel, digest, { fetch, now, env: {} as Env })
    expect(result.outcome, channel.type).toMatchObject({ status: 'sent' })
  }
  for (const receiver of server.receivers.all) {
    expect(receiver.rejected, receiver.name).toEqual([])
    expect(receiver.accepted, receiver.name).toHaveLength(1)
  }
})

it('scripts answers and reports requests through the control API', async () => {
  const control = `${server.url}/_receivers`
  await fetch(`${control}/reset`, { method: 'POST' })
  await fetch(`${control}/gotify/script`, {
    method: 'POST',
    body: JSON.stringify([{ status: 429, headers: { 'retry-after': '7' } }]),
  })
  const config = readConfig(server.vars as unknown as Env)
  const gotify = config.channels.find((c) => c.type === 'gotify')
  if (!gotify) throw new Error('no gotify channel')
  const now = Math.floor(Date.now() / 1000)
  const result = await sendDigest(gotify, digestOf(manyEvents(1), { at: now }), {
    fetch,
    now,
    env: {} as Env,
  })
  expect(result.outcome).toMatchObject({ status: 'retry', retryAfterSeconds: 7 })
  const report = (await (await fetch(`${control}/gotify`)).json()) as {
    requests: unknown[]
    accepted: unknown[]
  }
  expect(report.requests).toHaveLength(1)
  expect(report.accepted).toHaveLength(0)
})
