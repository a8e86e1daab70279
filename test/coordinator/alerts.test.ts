// Alerts in the real coordinator Durable Object (SQLite), through the Worker's own handlers, to
// the lab's receivers over loopback: the same evaluation triggered from many places at once
// (cron, Proxmox webhooks, signed webhooks, a manual refresh, queue messages) sends each event
// once; an acknowledgement survives the object's eviction; SQLite keeps alert state as the
// store contract says.
import {
  createExecutionContext,
  createMessageBatch,
  evictDurableObject,
  getQueueResult,
  runInDurableObject,
} from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { createSqliteState } from '../../functions/coordinator/sqlite-state.ts'
import { signStandardWebhook } from '../../functions/hooks/standard-webhooks.ts'
import worker from '../../functions/index.ts'
import {
  AlertActionResponseSchema,
  AlertsResponseSchema,
  ChannelsResponseSchema,
} from '../../shared/schema/alerts.ts'
import { checkAlertStore } from '../unit/functions/coordinator/alert-store-contract.ts'
import {
  clearFaults,
  coordinatorStub,
  json,
  labUrl,
  pendingDeliveries,
  receiver,
  request,
  resetReceivers,
  testEnv,
  untilDelivered,
} from './helpers.ts'

const SIGNING_KEY = new Uint8Array(32).fill(1)
const HOOK_SECRET = 'coordinator-test-hook-secret'
const MISSED = 'missed:homelab/119'
const CHANNELS = [
  'ntfy',
  'discord',
  'slack',
  'teams',
  'telegram',
  'gotify',
  'pushover',
  'webhook',
  'apprise',
]

function vzdump(hostname: string): RequestInit {
  return {
    method: 'POST',
    headers: { authorization: `Bearer ${HOOK_SECRET}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      title: 'vzdump backup status',
      severity: 'info',
      timestamp: Math.floor(Date.now() / 1000),
      fields: { hostname, type: 'vzdump' },
      message: 'ok',
    }),
  }
}

async function signed(body: string): Promise<RequestInit> {
  const id = `msg_${crypto.randomUUID()}`
  const timestamp = Math.floor(Date.now() / 1000)
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': await signStandardWebhook(SIGNING_KEY, id, timestamp, body),
    },
    body,
  }
}

async function cron() {
  const ctx = createExecutionContext()
  await worker.scheduled(
    { scheduledTime: Date.now(), cron: '*/15 * * * *', noRetry() {} },
    testEnv,
    ctx,
  )
  await getQueueResult(createMessageBatch('x', []), ctx)
}

async function queueMessages(sourceIds: string[]) {
  const batch = createMessageBatch(
    'pulse-edge-refresh',
    sourceIds.map((sourceId, i) => ({
      id: `q${i}-${crypto.randomUUID()}`,
      timestamp: new Date(),
      attempts: 1,
      body: { sourceId, reason: 'schedule', requestedAt: Math.floor(Date.now() / 1000) },
    })),
  )
  const ctx = createExecutionContext()
  await worker.queue(batch, testEnv)
  return getQueueResult(batch, ctx)
}

/** Every trigger there is, at once, as many isolates would send them. */
async function storm(): Promise<void> {
  await Promise.all([
    cron(),
    ...Array.from({ length: 6 }, () => request('/hooks/proxmox', vzdump('pve1'))),
    ...Array.from({ length: 3 }, async () => request('/hooks/refresh', await signed(''))),
    request('/api/refresh', { method: 'POST' }),
    request('/api/alerts', {}),
    queueMessages(['homelab', 'office', 'pbs']),
  ])
  await untilDelivered()
}

interface WebhookMessage {
  data: { messageId: string; events: { eventId: string; alertId: string; kind: string }[] }
}

const alerts = async () => AlertsResponseSchema.parse(await json('/api/alerts'))

beforeAll(async () => {
  await clearFaults()
  await cron()
  await untilDelivered()
})

describe('alerts in the Durable Object', () => {
  it('sends each event once when the same evaluation is triggered from many places at once', async () => {
    expect((await alerts()).alerts.find((a) => a.id === MISSED)?.state).toBe('firing')
    await resetReceivers()
    // The skipped guest's backup arrives; then every trigger at once, twice over.
    const backup = await fetch(`${labUrl}/_lab/backup`, {
      method: 'POST',
      body: JSON.stringify({ cluster: 'homelab', vmid: 119 }),
    })
    expect(backup.status).toBe(200)
    await storm()
    await storm()
    for (const name of CHANNELS) {
      const got = await receiver(name)
      expect(got.rejected, name).toEqual([])
      expect(got.accepted.length, name).toBe(1)
    }
    const webhook = await receiver('webhook')
    // One request, one digest: the resolve of the skipped guest, once.
    expect(webhook.requests).toHaveLength(1)
    const [message] = webhook.accepted as WebhookMessage[]
    expect(message?.data.events.map((e) => [e.alertId, e.kind])).toEqual([[MISSED, 'resolved']])
    expect((await alerts()).alerts.find((a) => a.id === MISSED)).toMatchObject({
      state: 'resolved',
      resolution: 'ok',
    })
    expect(await pendingDeliveries()).toBe(0)
  }, 60_000)

  it('keeps an acknowledgement across eviction and refreshes', async () => {
    const firing = (await alerts()).alerts.find((a) => a.state === 'firing')
    expect(firing).toBeDefined()
    const id = firing?.id ?? ''
    const ack = await request(`/api/alerts/${encodeURIComponent(id)}/ack`, {
      method: 'POST',
      body: JSON.stringify({ by: 'ops' }),
    })
    expect(ack.status).toBe(200)
    expect(AlertActionResponseSchema.parse(await ack.json()).alert.acknowledged?.by).toBe('ops')
    await evictDurableObject(coordinatorStub())
    const stored = await runInDurableObject(coordinatorStub(), (_instance, state) =>
      createSqliteState(state.storage)
        .readAlerts()
        .find((r) => r.id === id),
    )
    expect(stored?.acknowledged?.by).toBe('ops')
    await storm()
    expect((await alerts()).alerts.find((a) => a.id === id)?.acknowledged?.by).toBe('ops')
    const channels = ChannelsResponseSchema.parse(await json('/api/alerts/channels'))
    expect(channels.channels.map((c) => c.id)).toEqual(CHANNELS)
    expect(channels.channels.every((c) => c.log[0]?.status === 'sent')).toBe(true)
  }, 60_000)

  it('keeps alert state in SQLite as the store contract says', async () => {
    const ns = testEnv.PULSE_COORDINATOR
    await runInDurableObject(ns.get(ns.idFromName('alert-store-contract')), (_instance, state) => {
      checkAlertStore(createSqliteState(state.storage))
    })
  })
})
