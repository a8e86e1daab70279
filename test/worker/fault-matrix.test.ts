// The fault matrix: each fault is injected during a refresh that follows a good one, and four
// outcomes are checked by name, so `npm run faults` can print them as a table:
//   kept data     every guest and every backup of the good run is still served
//   error shown   /api/status names the failing source, stale, with the reason (or the warning)
//   others fresh  every other source is fresh, without error
//   recovered     once the fault is gone, the next refresh serves fresh data again
import { beforeAll, describe, expect, it } from 'vitest'
import type { Env } from '../../functions/env.ts'
import { type GuestRecord, GuestRecordSchema } from '../../shared/schema/guest.ts'
import { type GuestIndex, GuestIndexSchema } from '../../shared/schema/index.ts'
import { type Status, StatusSchema } from '../../shared/schema/status.ts'
import type { LabFault } from '../lab/faults.ts'
import { failingWrites, freshKv, KV_WRITE_FAILURE } from './kv.ts'
import { call, clearFaults, labEnv, labModel, setFaults } from './lab.ts'
import { type RefreshOptions, refresh } from './local-coordinator.ts'

const { now, facts } = labModel()
const offlineNode = facts.migratedGuest.previousNode
/** Client timeout of the PVE sources: the timeout row's slow answer is measured against it. */
const TIMEOUT_MS = 1000
/**
 * The budget row slows every PBS answer below its datastore list by 1.5 s: each is well
 * within PBS's client timeout (5 s), yet the first alone exceeds a 1 s budget, which the PVE
 * sources (under 0.2 s here) meet easily. The margins are wide because other work on a
 * shared machine can delay any one answer by a few hundred milliseconds.
 */
const SOURCE_BUDGET_MS = 1000
const PBS_TIMEOUT_MS = 5000

const sources = JSON.parse(labEnv().PULSE_SOURCES ?? '[]').map((s: { kind: string }) => ({
  ...s,
  timeoutMs: s.kind === 'pbs' ? PBS_TIMEOUT_MS : TIMEOUT_MS,
}))
const testEnv: Env = {
  ...labEnv({ PULSE_SUBREQUEST_BUDGET: '1000', PULSE_SOURCES: JSON.stringify(sources) }),
  PULSE_KV: freshKv(),
}

interface Row {
  fault: string
  inject?: LabFault[]
  /** The source whose status must show it; none for a KV failure. */
  source?: string
  /** The source fails (stale, with this error kind and text) or only warns. */
  shows: { error: string; text?: string } | { warning: string } | { storeError: string }
  env?: (env: Env) => Env
  options?: Partial<RefreshOptions>
}

/** Upstream answers with one more guest snapshot in every snapshot list than the lab has. */
const withNewSnapshot: typeof fetch = async (input, init) => {
  const response = await fetch(input, init)
  const url = new URL(input instanceof Request ? input.url : String(input))
  if (!response.ok || !url.pathname.endsWith('/snapshot')) return response
  const envelope = (await response.json()) as { data: unknown[] }
  envelope.data.push({ name: 'kv-fault', snaptime: tick - 30, description: '' })
  return new Response(JSON.stringify(envelope), response)
}

const FAULT_ROWS: Row[] = [
  {
    fault: 'node offline',
    inject: [{ kind: 'node-offline', source: 'pve/homelab', node: offlineNode }],
    source: 'homelab',
    shows: { warning: `node ${offlineNode} is offline` },
  },
  {
    // workerd logs "uncaught exception ... Network connection lost" for the dropped
    // connection although the client handles the rejection: expected noise.
    fault: 'PBS down (connection lost)',
    inject: [{ kind: 'source-down', source: 'pbs/pbs' }],
    source: 'pbs',
    shows: { error: 'unreachable', text: 'cannot connect' },
  },
  {
    fault: 'PBS down behind its tunnel (530)',
    inject: [{ kind: 'source-down', source: 'pbs/pbs', via: 'tunnel' }],
    source: 'pbs',
    shows: { error: 'unreachable', text: 'not reachable through the tunnel or proxy' },
  },
  {
    fault: '401 token rejected',
    inject: [{ kind: 'bad-token', source: 'pve/office' }],
    source: 'office',
    shows: { error: 'auth', text: '(401)' },
  },
  {
    fault: '500 with message',
    inject: [
      {
        kind: 'http-error',
        source: 'pve/office',
        path: '/cluster/resources',
        status: 500,
        message: 'cfs-lock timeout',
      },
    ],
    source: 'office',
    shows: { error: 'http', text: 'HTTP 500: cfs-lock timeout' },
  },
  {
    fault: '500 without message',
    inject: [{ kind: 'http-error', source: 'pve/homelab', path: '/cluster/status', status: 500 }],
    source: 'homelab',
    shows: { error: 'http', text: 'HTTP 500: Internal Server Error' },
  },
  {
    fault: 'timeout (slower than client timeout)',
    inject: [{ kind: 'slow', source: 'pve/homelab', path: '/cluster/status', delayMs: 3000 }],
    source: 'homelab',
    shows: { error: 'timeout', text: `no answer within ${TIMEOUT_MS} ms` },
  },
  {
    fault: 'slower than the per-source budget',
    inject: [{ kind: 'slow', source: 'pbs/pbs', path: '/admin/datastore/*', delayMs: 1500 }],
    source: 'pbs',
    shows: { error: 'timeout', text: `collection took longer than ${SOURCE_BUDGET_MS} ms` },
    options: { sourceTimeBudgetMs: SOURCE_BUDGET_MS },
  },
  {
    fault: 'malformed JSON',
    inject: [{ kind: 'malformed-json', source: 'pbs/pbs', path: '/admin/datastore' }],
    source: 'pbs',
    shows: { error: 'invalid-response', text: 'not valid JSON' },
  },
  {
    fault: 'truncated JSON',
    inject: [{ kind: 'truncated-json', source: 'pve/office', path: '/cluster/resources' }],
    source: 'office',
    shows: { error: 'invalid-response', text: 'not valid JSON' },
  },
  {
    fault: 'KV write failure',
    env: (env) => ({ ...env, PULSE_KV: failingWrites(env.PULSE_KV) }),
    shows: { storeError: KV_WRITE_FAILURE },
    // A steady refresh writes nothing; a new guest snapshot upstream gives it something to write.
    options: { fetch: withNewSnapshot },
  },
]

interface Served {
  status: Status
  index: GuestIndex
  records: Map<string, GuestRecord>
}

async function read(env: Env): Promise<Served> {
  const status = StatusSchema.parse(await (await call(env, '/api/status')).json())
  const index = GuestIndexSchema.parse(await (await call(env, '/api/guests')).json())
  const records = new Map<string, GuestRecord>()
  await Promise.all(
    index.guests.map(async (guest) => {
      const response = await call(env, `/api/guests/${guest.cluster}/${guest.guestId}`)
      if (response.ok) records.set(guest.key, GuestRecordSchema.parse(await response.json()))
    }),
  )
  return { status, index, records }
}

let tick = now

async function refreshAt(env: Env, options: Partial<RefreshOptions> = {}) {
  tick += 60
  await refresh(env, { now: tick, reason: 'test', subrequestBudget: 1000, ...options })
  return tick
}

const backupId = (b: GuestRecord['backups'][number]) =>
  `${b.kind} ${b.location} ${b.name} ${b.node ?? ''} ${b.time}`

beforeAll(async () => {
  await clearFaults()
  // The first runs also read older task logs a few per run; settle before comparing runs.
  for (let run = 0; run < 10; run++) {
    tick += 60
    const report = await refresh(testEnv, { now: tick, reason: 'test', subrequestBudget: 1000 })
    if (report.kvWrites === 0) break
  }
})

describe.each(FAULT_ROWS)('$fault', (row) => {
  let good: Served
  let during: Served
  let after: Served
  let faultAt = 0
  let recoveredAt = 0

  beforeAll(async () => {
    await clearFaults()
    // The previous row's recovery (or the settling runs) was a good refresh; only when it was
    // not is another one needed before the fault.
    good = await read(testEnv)
    const fresh = good.status.sources.every((s) => !s.stale && s.lastError === null)
    if (!fresh || good.status.storeError) {
      await refreshAt(testEnv)
      good = await read(testEnv)
    }
    const faulty = row.env ? row.env(testEnv) : testEnv
    await setFaults(row.inject ?? [])
    try {
      faultAt = await refreshAt(faulty, row.options)
      during = await read(faulty)
    } finally {
      await clearFaults()
    }
    recoveredAt = await refreshAt(testEnv)
    after = await read(testEnv)
  })

  it('kept data', () => {
    expect(during.index.guests.map((g) => g.key)).toEqual(good.index.guests.map((g) => g.key))
    expect(during.index.orphans).toEqual(good.index.orphans)
    for (const [key, record] of good.records) {
      const kept = during.records.get(key)
      expect(kept?.latestTimes, key).toEqual(record.latestTimes)
      const have = new Set(kept?.backups.map(backupId))
      expect(
        record.backups.map(backupId).filter((b) => !have.has(b)),
        key,
      ).toEqual([])
    }
  })

  it('error shown', () => {
    const { shows } = row
    if ('storeError' in shows) {
      expect(during.status.storeError?.message).toContain(shows.storeError)
      expect(during.status.storeError?.at).toBe(faultAt)
      return
    }
    const source = during.status.sources.find((s) => s.id === row.source)
    if ('warning' in shows) {
      expect(source?.warnings).toContain(shows.warning)
      expect(source?.lastSuccess).toBe(faultAt)
      return
    }
    expect([source?.stale, source?.lastError?.kind]).toEqual([true, shows.error])
    expect(source?.lastError?.message).toContain(shows.text ?? '')
    expect(source?.lastSuccess).toBeLessThan(faultAt)
  })

  it('others fresh', () => {
    const others = during.status.sources.filter((s) => s.id !== row.source)
    expect(others.length).toBeGreaterThan(0)
    for (const s of others) {
      expect([s.id, s.stale, s.lastError]).toEqual([s.id, false, null])
      // Status lives in the coordinator: even with KV writes failing it says what happened.
      expect(s.lastSuccess).toBe(faultAt)
    }
  })

  it('recovered', () => {
    for (const s of after.status.sources) {
      expect([s.id, s.stale, s.lastError, s.lastSuccess]).toEqual([s.id, false, null, recoveredAt])
    }
    expect(after.status.storeError ?? null).toBeNull()
    // A schedule's state (ok → due) may change between the good run and this one, minutes
    // apart, when a job's scheduled time falls between them: that is time passing, not the
    // fault. Everything else, the jobs that cover each guest included, must be as it was.
    expect(withoutScheduleState(after.index.guests)).toEqual(
      withoutScheduleState(good.index.guests),
    )
    expect(after.index.orphans).toEqual(good.index.orphans)
    expect(after.index.ambiguous).toEqual(good.index.ambiguous)
    expect(withoutScheduleState([...after.records.values()])).toEqual(
      withoutScheduleState([...good.records.values()]),
    )
  })
})

function withoutScheduleState<T extends { key: string; schedule?: { jobs: string[] } | null }>(
  guests: readonly T[],
): unknown[] {
  return [...guests]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map(({ schedule, ...rest }) => ({ ...rest, scheduleJobs: schedule?.jobs ?? null }))
}
