// The coordinator Durable Object as the only writer: many triggers at once from every entry
// point → one refresh per source at a time and at most one follow-up; a webhook-id accepted once
// even when two requests carry it at the same moment; a steady refresh writes no KV key; a new
// instance over the same storage serves the same state.
import {
  createExecutionContext,
  createMessageBatch,
  evictDurableObject,
  getQueueResult,
  runInDurableObject,
} from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import type { PveFacts } from '../../functions/collect/facts.ts'
import { createSqliteState } from '../../functions/coordinator/sqlite-state.ts'
import { signStandardWebhook } from '../../functions/hooks/standard-webhooks.ts'
import worker from '../../functions/index.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { type Status, StatusSchema } from '../../shared/schema/status.ts'
import {
  clearFaults,
  coordinatorStub,
  json,
  labStats,
  request,
  resetStats,
  setFaults,
  storedSchedule,
  testEnv,
  untilIdle,
} from './helpers.ts'

const SIGNING_KEY = new Uint8Array(32).fill(1)
const HOOK_SECRET = 'coordinator-test-hook-secret'
const SOURCES = ['homelab', 'office', 'pbs']

const status = async () => StatusSchema.parse(await json('/api/status'))

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

async function signed(body: string, id = `msg_${crypto.randomUUID()}`): Promise<RequestInit> {
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

async function cron() {
  const ctx = createExecutionContext()
  await worker.scheduled(
    { scheduledTime: Date.now(), cron: '*/15 * * * *', noRetry() {} },
    testEnv,
    ctx,
  )
  await getQueueResult(createMessageBatch('x', []), ctx)
}

/** Refreshes of each source: every pass asks a PVE cluster's /cluster/status once. */
const passesOf = (stats: Awaited<ReturnType<typeof labStats>>, source: string) =>
  stats.byEndpoint[`pve/${source} GET /cluster/status`] ?? 0

beforeAll(async () => {
  await clearFaults()
  // The first refresh, then until the older job logs are read and nothing changes.
  await cron()
  await untilIdle()
})

describe('the coordinator serializes every trigger', () => {
  it('many triggers at once from cron, webhooks, manual refresh and queue → one refresh per source at a time, one follow-up', async () => {
    await resetStats()
    // The first answer of each pass is slow, so every other trigger arrives while it runs.
    await setFaults([
      { kind: 'slow', source: 'pve/homelab', path: '/cluster/status', delayMs: 400 },
      { kind: 'slow', source: 'pve/office', path: '/cluster/status', delayMs: 400 },
    ])
    try {
      const first = await request('/hooks/proxmox', vzdump('pve1'))
      expect(first.status).toBe(202)
      const storm = await Promise.all([
        cron(),
        ...Array.from({ length: 6 }, () => request('/hooks/proxmox', vzdump('pve1'))),
        ...Array.from({ length: 3 }, async () =>
          request('/hooks/refresh', await signed('{"source":"homelab"}')),
        ),
        request('/api/refresh', { method: 'POST' }),
        queueMessages(['homelab', 'office', 'pbs']),
      ])
      expect(storm.length).toBe(12)
      await untilIdle()
    } finally {
      await clearFaults()
    }
    const stats = await labStats()
    // However many triggers: the running pass plus exactly one follow-up of each source.
    expect(passesOf(stats, 'homelab')).toBeGreaterThanOrEqual(1)
    expect(passesOf(stats, 'homelab')).toBeLessThanOrEqual(2)
    expect(passesOf(stats, 'office')).toBeLessThanOrEqual(2)
    const after = await status()
    expect(after.sources.map((s) => [s.id, s.stale, s.lastError])).toEqual(
      SOURCES.map((id) => [id, false, null]),
    )
    const schedule = await storedSchedule()
    expect(Object.values(schedule.sources).every((s) => !s.running && !s.pending)).toBe(true)
  })

  it('accepts a webhook-id once when two requests carry it at the same moment', async () => {
    const id = `msg_${crypto.randomUUID()}`
    const [a, b] = await Promise.all([
      request('/hooks/refresh', await signed('{"source":"pbs"}', id)),
      request('/hooks/refresh', await signed('{"source":"pbs"}', id)),
    ])
    expect([a?.status, b?.status].sort()).toEqual([202, 409])
    // And every time after.
    const again = await request('/hooks/refresh', await signed('{"source":"pbs"}', id))
    expect(again.status).toBe(409)
    await untilIdle()
  })

  it('never lets facts of an older collection replace newer ones', async () => {
    await runInDurableObject(coordinatorStub(), (_instance, state) => {
      const store = createSqliteState(state.storage)
      const stored = store.readFacts('homelab')
      expect(stored).not.toBeNull()
      const facts = stored?.facts as PveFacts
      const newer = { ...facts, warnings: ['newer'] }
      const older = { ...facts, warnings: ['older'] }
      const seq = store.nextSeq()
      expect(store.writeFacts(newer, seq + 1)).toBe(true)
      // A collection that started earlier (lower sequence) and finished later.
      expect(store.writeFacts(older, seq)).toBe(false)
      expect(store.readFacts('homelab')?.facts.warnings).toEqual(['newer'])
      // Restore what was there.
      store.writeFacts(facts, store.nextSeq())
    })
  })

  it('keeps parsed facts only while they are what the row holds', async () => {
    await runInDurableObject(coordinatorStub(), (_instance, state) => {
      const mine = createSqliteState(state.storage)
      const other = createSqliteState(state.storage)
      const facts = mine.readFacts('homelab')?.facts as PveFacts
      expect(facts).toBeDefined()
      // Held: the same parse is handed out again.
      expect(mine.readFacts('homelab')?.facts).toBe(facts)
      // Another writer over the same storage: the row's seq moved, so it is parsed again.
      expect(
        other.writeFacts({ ...facts, warnings: ['from another instance'] }, other.nextSeq()),
      ).toBe(true)
      expect(mine.readFacts('homelab')?.facts.warnings).toEqual(['from another instance'])
      expect(mine.allFacts().find((s) => s.facts.sourceId === 'homelab')?.facts.warnings).toEqual([
        'from another instance',
      ])
      // A write whose transaction rolls back is not served from what was held.
      expect(() =>
        mine.transaction(() => {
          mine.writeFacts({ ...facts, warnings: ['rolled back'] }, mine.nextSeq())
          throw new Error('the pass failed')
        }),
      ).toThrow('the pass failed')
      expect(mine.readFacts('homelab')?.facts.warnings).toEqual(['from another instance'])
      expect(other.readFacts('homelab')?.facts.warnings).toEqual(['from another instance'])
      // Restore what was there.
      mine.writeFacts(facts, mine.nextSeq())
    })
  })
})

describe('state lives in the coordinator; KV is only the read cache', () => {
  it('writes no KV key on a steady refresh', async () => {
    const reports: { kvWrites: number; kvDeletes: number }[] = []
    for (let run = 0; run < 6; run++) {
      const response = await request('/api/refresh', { method: 'POST' })
      if (response.status === 429) {
        // The manual rate limit; a webhook-started refresh has none with the interval at 0.
        await request('/hooks/refresh', await signed(''))
        await untilIdle()
        continue
      }
      reports.push((await response.json()) as { kvWrites: number; kvDeletes: number })
    }
    // The status of the last pass says what it wrote.
    const last = (await status()).lastRefresh
    expect(last?.kvWrites).toBe(0)
    const keys = (await testEnv.PULSE_KV.list()).keys.map((k) => k.name)
    // Only the read cache (index, records, jobs, storage, alerts): no status, facts, hook keys
    // or alert state (records, outboxes, deliveries live in the coordinator).
    const cacheKey = /^(index\/v1|jobs\/v1|storage\/v1|alerts\/v1|guest\/v1\/.+|orphan\/v1\/.+)$/
    expect(keys).toContain('alerts/v1')
    expect(keys.filter((k) => !cacheKey.test(k))).toEqual([])
    const before = await Promise.all(keys.map((k) => testEnv.PULSE_KV.get(k)))
    await request('/hooks/refresh', await signed(''))
    await untilIdle()
    const after = await Promise.all(keys.map((k) => testEnv.PULSE_KV.get(k)))
    expect(after).toEqual(before)
    expect((await status()).lastRefresh?.kvWrites).toBe(0)
  })

  it('serves the same state from a new instance over the same storage', async () => {
    const before: Status = await status()
    const guests = GuestIndexSchema.parse(await json('/api/guests'))
    await evictDurableObject(coordinatorStub())
    const after = await status()
    expect(after.sources).toEqual(before.sources)
    expect(after.lastRefresh).toEqual(before.lastRefresh)
    expect(GuestIndexSchema.parse(await json('/api/guests'))).toEqual(guests)
    // And it keeps working: a trigger after the restart refreshes.
    const hook = await request('/hooks/refresh', await signed('{"source":"office"}'))
    expect(hook.status).toBe(202)
    await untilIdle()
    const office = (await status()).sources.find((s) => s.id === 'office')
    expect(office?.lastAttempt).toBeGreaterThanOrEqual(before.lastRefresh?.startedAt ?? 0)
    // (Eviction waits for in-flight work; the client clears its timeout timers, so it is quick.)
  }, 20_000)
})
