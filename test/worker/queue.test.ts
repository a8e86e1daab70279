// The Queues fan-out inside workerd: the cron sends one message per source, the consumer asks
// the coordinator to refresh that source in its invocation; work the budget deferred continues
// in the coordinator's alarm; what can never succeed is dropped and what might is retried.
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import type { Env } from '../../functions/env.ts'
import worker from '../../functions/index.ts'
import type { RefreshMessage } from '../../functions/queue.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { StatusSchema } from '../../shared/schema/status.ts'
import { call, labEnv, labModel } from './lab.ts'
import { runAlarms, withLocalCoordinator } from './local-coordinator.ts'

const { facts } = labModel()

function fakeQueue() {
  const sent: RefreshMessage[] = []
  const queue = {
    async send(body: RefreshMessage) {
      sent.push(body)
    },
    async sendBatch(messages: Iterable<{ body: RefreshMessage }>) {
      for (const m of messages) sent.push(m.body)
    },
  } as unknown as Queue<RefreshMessage>
  return { queue, sent }
}

let nextId = 0
async function consume(env: Env, bodies: unknown[]) {
  const batch = createMessageBatch(
    'pulse-edge-refresh',
    bodies.map((body) => ({ id: `m${nextId++}`, timestamp: Date.now(), attempts: 1, body })),
  )
  const ctx = createExecutionContext()
  await worker.queue(batch, withLocalCoordinator(env))
  return { result: await getQueueResult(batch, ctx), ids: batch.messages.map((m) => m.id) }
}

async function lastRefresh(env: Env) {
  return StatusSchema.parse(await (await call(env, '/api/status')).json()).lastRefresh
}

async function index(env: Env) {
  return GuestIndexSchema.parse(await (await call(env, '/api/guests')).json())
}

describe('refresh through Cloudflare Queues', () => {
  it('fans the cron out into one message per source, and refreshes nothing itself', async () => {
    const { queue, sent } = fakeQueue()
    const env = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
    env.PULSE_QUEUE = queue
    const before = await lastRefresh(env)
    const ctx = createExecutionContext()
    await worker.scheduled(
      { scheduledTime: Date.UTC(2026, 10, 26, 12), cron: '*/15 * * * *', noRetry() {} },
      withLocalCoordinator(env),
      ctx,
    )
    await getQueueResult(createMessageBatch('x', []), ctx)
    expect(sent.map((m) => m.sourceId).sort()).toEqual(['homelab', 'office', 'pbs'])
    expect(new Set(sent.map((m) => m.requestedAt))).toEqual(
      new Set([Date.UTC(2026, 10, 26, 12) / 1000]),
    )
    expect(await lastRefresh(env)).toEqual(before)
  })

  it('refreshes each source in its own message, ending with the same data as one big refresh', async () => {
    const env = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
    const bodies = ['homelab', 'office', 'pbs'].map((sourceId) => ({
      sourceId,
      reason: 'schedule',
      requestedAt: 1,
    }))
    for (const body of bodies) {
      const { result, ids } = await consume(env, [body])
      expect(result.explicitAcks).toEqual(ids)
      expect(result.retryMessages).toEqual([])
    }
    const g = facts.designGuest
    const guest = (await index(env)).guests.find((x) => x.key === `${g.cluster}/${g.vmid}`)
    expect(guest?.latestTimes).toMatchObject({ pve: g.pveBackupTime, pbs: g.pbsBackupTime })
    const status = StatusSchema.parse(await (await call(env, '/api/status')).json())
    expect(status.sources.every((s) => s.lastSuccess !== null && s.lastError === null)).toBe(true)
  })

  it('continues a source that needs more than one invocation in the coordinator, not the queue', async () => {
    const { queue, sent } = fakeQueue()
    const env = labEnv({ PULSE_SUBREQUEST_BUDGET: '25' })
    env.PULSE_QUEUE = queue
    await consume(env, [{ sourceId: 'homelab', reason: 'schedule', requestedAt: 1 }])
    const first = StatusSchema.parse(await (await call(env, '/api/status')).json())
    expect(first.sources.find((s) => s.id === 'homelab')?.deferred).toBeGreaterThan(0)
    expect(first.progress?.left).toBeGreaterThan(0)
    // Each alarm is an invocation with its own budget; nothing goes back through the queue.
    const passes = await runAlarms(env, 40)
    expect(passes).toBeGreaterThan(0)
    expect(passes).toBeLessThan(40)
    expect(sent).toEqual([])
    const status = StatusSchema.parse(await (await call(env, '/api/status')).json())
    const homelab = status.sources.find((s) => s.id === 'homelab')
    expect(homelab?.deferred).toBe(0)
    expect(homelab?.lastError).toBeNull()
    expect(status.progress).toBeNull()
    const g = facts.designGuest
    const guest = (await index(env)).guests.find((x) => x.key === `${g.cluster}/${g.vmid}`)
    expect(guest?.latestTimes.pve).toBe(g.pveBackupTime)
  })

  it('drops malformed messages and unknown sources instead of retrying them forever', async () => {
    const env = labEnv()
    const before = await lastRefresh(env)
    const { result, ids } = await consume(env, [
      { sourceId: 'nope', reason: 'schedule', requestedAt: 1 },
      'not json at all',
      { sourceId: 'homelab' },
    ])
    expect(result.explicitAcks).toEqual(ids)
    expect(result.retryMessages).toEqual([])
    expect(await lastRefresh(env)).toEqual(before)
  })

  it('retries a message whose refresh could not store its result', async () => {
    const base = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
    const kv = base.PULSE_KV
    const broken = new Proxy(kv, {
      get(target, prop) {
        if (prop === 'put') return () => Promise.reject(new Error('KV write failed'))
        const value = Reflect.get(target, prop)
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const env = { ...base, PULSE_KV: broken }
    const { result, ids } = await consume(env, [
      { sourceId: 'office', reason: 'schedule', requestedAt: 1 },
    ])
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(ids)
    expect(result.explicitAcks).toEqual([])
  })
})
