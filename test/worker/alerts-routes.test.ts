// /api/alerts through the Worker's routes, over a coordinator core and a lab of the test's own:
// the list from the read cache, acknowledge / unacknowledge / snooze behind the API token with
// validated bodies (404 for an unknown alert, 409 for acknowledging one that is not firing),
// the channels with their delivery logs, a channel's test message, and /metrics fed by both.
import { beforeAll, describe, expect, it } from 'vitest'
import * as z from 'zod/mini'
import {
  AlertActionResponseSchema,
  AlertsResponseSchema,
  ChannelsResponseSchema,
  ChannelTestResponseSchema,
} from '../../shared/schema/alerts.ts'
import { ApiErrorSchema } from '../../shared/schema/error.ts'
import { type AlertLab, API_TOKEN, createAlertLab } from './alerts-lab.ts'

const MISSED = 'missed:homelab/119'
const auth = { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' }
const post = (body?: unknown, headers: Record<string, string> = auth): RequestInit => ({
  method: 'POST',
  headers,
  ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
})
const path = (id: string, action: string) => `/api/alerts/${encodeURIComponent(id)}/${action}`

async function parsed<T extends z.core.$ZodType>(response: Response, schema: T) {
  return z.parse(schema, await response.json())
}

let lab: AlertLab

beforeAll(async () => {
  lab = createAlertLab()
  await lab.refresh()
})

describe('GET /api/alerts', () => {
  it('lists the alerts from the read cache, firing first, with counts', async () => {
    const response = await lab.request('/api/alerts')
    expect(response.status).toBe(200)
    expect(response.headers.get('etag')).toMatch(/^W\/"/)
    const body = await parsed(response, AlertsResponseSchema)
    const missed = body.alerts.find((a) => a.id === MISSED)
    expect(missed).toMatchObject({ state: 'firing', rule: 'missed', incidents: 1 })
    expect(missed?.subject.name).toContain('nightly-db')
    expect(missed?.link).toBe('https://pulse.example.com/?guest=homelab%2F119')
    expect(missed?.lastNotified).toBe(lab.now())
    const firing = body.alerts.filter((a) => a.state === 'firing')
    expect(body.firing.warning + body.firing.critical).toBe(firing.length)
    expect(body.alerts.slice(0, firing.length).every((a) => a.state === 'firing')).toBe(true)
    // Exactly what the coordinator holds.
    expect(body.alerts.map((a) => a.id).sort()).toEqual(lab.state.readAlerts().map((r) => r.id))
  })

  it('answers 304 to the ETag it gave', async () => {
    const first = await lab.request('/api/alerts')
    const tag = first.headers.get('etag') ?? ''
    const again = await lab.request('/api/alerts', { headers: { 'if-none-match': tag } })
    expect(again.status).toBe(304)
  })
})

describe('acknowledge, unacknowledge, snooze', () => {
  it('refuses every action without the API token (401)', async () => {
    for (const action of ['ack', 'unack', 'snooze']) {
      const none = await lab.request(path(MISSED, action), post({ until: null }, {}))
      expect(none.status).toBe(401)
      const wrong = await lab.request(
        path(MISSED, action),
        post({ until: null }, { authorization: 'Bearer not-the-token' }),
      )
      expect(wrong.status).toBe(401)
      ApiErrorSchema.parse(await wrong.json())
    }
    expect(lab.state.readAlerts().find((r) => r.id === MISSED)?.acknowledged).toBeNull()
  })

  it('validates bodies (400) and names the field, never echoing the value', async () => {
    const cases: [string, unknown][] = [
      ['ack', '{not json'],
      ['ack', { by: '' }],
      ['ack', { by: 'x'.repeat(65) }],
      ['snooze', {}],
      ['snooze', { until: 'tomorrow-secret-value' }],
      ['snooze', { until: 1.5 }],
    ]
    for (const [action, body] of cases) {
      const response = await lab.request(path(MISSED, action), post(body))
      expect(response.status, `${action} ${JSON.stringify(body)}`).toBe(400)
      const text = await response.text()
      expect(text).not.toContain('tomorrow-secret-value')
      expect(ApiErrorSchema.parse(JSON.parse(text)).error.code).toBe('bad_request')
    }
  })

  it('answers 404 for an unknown alert, 409 for acknowledging one that is not firing', async () => {
    const unknown = await lab.request(path('missed:homelab/4242', 'ack'), post({}))
    expect(unknown.status).toBe(404)
    expect((await unknown.json()) as unknown).toMatchObject({ error: { code: 'not_found' } })
    // A resolved alert: the skipped guest's backup arrives.
    const other = createAlertLab()
    await other.refresh()
    other.backup({ cluster: 'homelab', vmid: 119 })
    await other.advance(60)
    await other.refresh()
    expect(other.state.readAlerts().find((r) => r.id === MISSED)?.state).toBe('resolved')
    const conflict = await other.request(path(MISSED, 'ack'), post({ by: 'me' }))
    expect(conflict.status).toBe(409)
    expect((await conflict.json()) as unknown).toMatchObject({ error: { code: 'not_firing' } })
    // Snoozing or unacknowledging it is still fine.
    expect((await other.request(path(MISSED, 'unack'), post())).status).toBe(200)
  })

  it('acknowledges, and the list shows it at once (the coordinator republishes)', async () => {
    const response = await lab.request(path(MISSED, 'ack'), post({ by: 'ops' }))
    expect(response.status).toBe(200)
    const { alert } = await parsed(response, AlertActionResponseSchema)
    expect(alert.acknowledged).toEqual({ by: 'ops', at: lab.now() })
    const list = await parsed(await lab.request('/api/alerts'), AlertsResponseSchema)
    expect(list.alerts.find((a) => a.id === MISSED)?.acknowledged?.by).toBe('ops')
    // An empty body is an acknowledgement by nobody in particular.
    const unack = await lab.request(path(MISSED, 'unack'), post())
    expect((await parsed(unack, AlertActionResponseSchema)).alert.acknowledged).toBeNull()
    const anonymous = await lab.request(path(MISSED, 'ack'), { method: 'POST', headers: auth })
    expect((await parsed(anonymous, AlertActionResponseSchema)).alert.acknowledged?.by).toBeNull()
  })

  it('snoozes until a time and ends a snooze with null', async () => {
    const until = lab.now() + 3_600
    const snoozed = await lab.request(path(MISSED, 'snooze'), post({ until }))
    expect((await parsed(snoozed, AlertActionResponseSchema)).alert.snoozedUntil).toBe(until)
    const list = await parsed(await lab.request('/api/alerts'), AlertsResponseSchema)
    expect(list.alerts.find((a) => a.id === MISSED)?.snoozedUntil).toBe(until)
    const ended = await lab.request(path(MISSED, 'snooze'), post({ until: null }))
    expect((await parsed(ended, AlertActionResponseSchema)).alert.snoozedUntil).toBeNull()
  })

  it('takes the id unencoded too (its subject key holds a slash)', async () => {
    const response = await lab.request(`/api/alerts/${MISSED}/unack`, post())
    expect(response.status).toBe(200)
    expect((await parsed(response, AlertActionResponseSchema)).alert.id).toBe(MISSED)
  })
})

describe('channels', () => {
  it('lists each channel with its policy, what waits and its delivery log', async () => {
    const response = await lab.request('/api/alerts/channels')
    expect(response.status).toBe(200)
    const body = await parsed(response, ChannelsResponseSchema)
    expect(body.incomplete).toBe(false)
    expect(body.channels.map((c) => c.id)).toEqual([
      'ntfy',
      'discord',
      'slack',
      'teams',
      'telegram',
      'gotify',
      'pushover',
      'webhook',
      'apprise',
    ])
    for (const channel of body.channels) {
      expect(channel.pending).toBe(0)
      expect(channel.log[0]).toMatchObject({ channelId: channel.id, status: 'sent', attempt: 1 })
    }
  })

  it('sends a test message behind the token, logs it, and answers the attempt', async () => {
    expect((await lab.request('/api/alerts/channels/ntfy/test', post(undefined, {}))).status).toBe(
      401,
    )
    expect((await lab.request('/api/alerts/channels/nope/test', post())).status).toBe(404)
    const before = lab.receivers.ntfy.accepted.length
    const response = await lab.request('/api/alerts/channels/ntfy/test', post())
    expect(response.status).toBe(200)
    const { result } = await parsed(response, ChannelTestResponseSchema)
    expect(result).toMatchObject({ channelId: 'ntfy', status: 'sent', attempt: 1, error: null })
    expect(lab.receivers.ntfy.accepted.length).toBe(before + 1)
    expect(JSON.stringify(lab.receivers.ntfy.accepted.at(-1))).toContain('test message')
    const channels = await parsed(await lab.request('/api/alerts/channels'), ChannelsResponseSchema)
    expect(channels.channels.find((c) => c.id === 'ntfy')?.log[0]).toEqual(result)
  })

  it('reports a test the receiver refuses as failed, without retrying it', async () => {
    lab.receivers.discord.script({ status: 500, body: 'down for maintenance' })
    const response = await lab.request('/api/alerts/channels/discord/test', post())
    const { result } = await parsed(response, ChannelTestResponseSchema)
    expect(result).toMatchObject({ status: 'failed', httpStatus: 500, nextAttemptAt: null })
    expect(result.error).toContain('down for maintenance')
    const tests = () =>
      lab.receivers.discord.requests.filter((r) => r.body.includes('test message'))
    expect(tests().length).toBe(1)
    await lab.advance(3_600)
    expect(tests().length).toBe(1)
  })
})

describe('GET /metrics', () => {
  it('carries the refresh and notification counters and the firing alerts', async () => {
    const response = await lab.request('/metrics', { headers: auth })
    expect(response.status).toBe(200)
    const text = await response.text()
    const refreshes = Number(/^pulse_edge_refreshes_total (\d+)$/m.exec(text)?.[1])
    expect(refreshes).toBeGreaterThanOrEqual(1)
    const sent = Number(/^pulse_edge_notifications_sent_total (\d+)$/m.exec(text)?.[1])
    expect(sent).toBe(lab.core.counters().notificationsSent)
    expect(sent).toBeGreaterThanOrEqual(9)
    expect(text).toMatch(/^pulse_edge_guest_alert_firing\{[^}]*vmid="119"[^}]*\} 1$/m)
    expect(text).toMatch(/^pulse_edge_alerts_firing\{severity="warning"\} \d+$/m)
  })
})

describe('links in alerts', () => {
  it('without PULSE_PUBLIC_URL, point where the Worker was last reached', async () => {
    const own = createAlertLab({ vars: { PULSE_PUBLIC_URL: '' } })
    await own.refresh()
    const link = () => own.state.readAlerts().find((r) => r.id === MISSED)?.link
    // Only the cron so far: nothing says where the dashboard is.
    expect(link()).toBe('http://localhost:8787/?guest=homelab%2F119')
    // The page loads its status from its own address; the next evaluation links there.
    expect((await own.request('/api/status')).status).toBe(200)
    await own.advance(60)
    await own.refresh()
    expect(link()).toBe('https://pulse.example.com/?guest=homelab%2F119')
  })
})
