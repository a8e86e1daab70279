// PBS health through the Worker: /api/storage lists every datastore of the lab with usage,
// PBS's estimate, backend, mount state and GC; /api/jobs lists the verify / prune / sync / GC
// jobs with their states classified; /api/status names the store held at its last good data
// (the removable one, not mounted); a guest whose newest snapshot failed verification says so.
import { beforeAll, describe, expect, it } from 'vitest'
import { GuestRecordSchema } from '../../shared/schema/guest.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { JobsIndexSchema } from '../../shared/schema/jobs.ts'
import { StatusSchema } from '../../shared/schema/status.ts'
import { StorageIndexSchema } from '../../shared/schema/storage.ts'
import { call, clearFaults, labEnv, labModel } from './lab.ts'
import { refresh } from './local-coordinator.ts'

const testEnv = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
const { now, facts } = labModel()
const health = facts.pbsHealth

async function read<T>(path: string, schema: { parse(value: unknown): T }): Promise<T> {
  const response = await call(testEnv, path)
  expect(response.status).toBe(200)
  return schema.parse(await response.json())
}

beforeAll(async () => {
  await clearFaults()
  const report = await refresh(testEnv, { now, reason: 'test', subrequestBudget: 1000 })
  expect(report.sources.map((s) => s.lastError)).toEqual([null, null, null])
})

describe('/api/storage', () => {
  it('lists each PBS datastore with usage, estimate, backend, mount and GC', async () => {
    const { datastores } = await read('/api/storage', StorageIndexSchema)
    const byStore = new Map(datastores.map((d) => [d.store, d]))
    expect([...byStore.keys()].sort()).toEqual(['offsite', 'store1', health.removableStore].sort())
    const main = byStore.get(health.filling.store)
    expect(main).toMatchObject({
      key: `pbs/${health.filling.store}`,
      estimatedFull: health.filling.estimatedFull,
      backend: 'filesystem',
      mountStatus: 'nonremovable',
      maintenance: null,
      held: null,
      error: null,
      gc: expect.objectContaining({ outcome: 'ok', lastRunState: 'OK', schedule: 'daily' }),
    })
    expect(main?.total).toBe((main?.used ?? 0) + (main?.avail ?? 0))
    expect(main?.used).toBeGreaterThan(0)

    // The S3 store's usage is flat: PBS's estimate lies in the past, so no full date.
    const s3 = byStore.get(health.s3Store ?? '')
    expect(s3).toMatchObject({ backend: 's3', estimatedFull: null })
    expect(s3?.gc?.outcome).toBe('running')

    expect(byStore.get(health.removableStore)).toMatchObject({
      mountStatus: 'notmounted',
      total: null,
      error: `datastore '${health.removableStore}' is not mounted`,
      held: { reason: 'removable datastore not mounted', since: now },
      gc: null,
    })
  })
})

describe('/api/jobs', () => {
  it('lists the PBS jobs with each form of last-run-state classified', async () => {
    const { pbs } = await read('/api/jobs', JobsIndexSchema)
    const byKey = new Map(pbs.map((j) => [j.key, j]))
    const failed = health.failedJob
    expect(byKey.get(`pbs/${failed.kind}/${failed.id}`)).toMatchObject({
      store: failed.store,
      outcome: 'failed',
      lastRunState: failed.state,
      error: failed.state,
    })
    const warned = health.warningJob
    expect(byKey.get(`pbs/${warned.kind}/${warned.id}`)).toMatchObject({
      outcome: 'warning',
      warnings: warned.warnings,
      error: null,
    })
    expect(pbs.filter((j) => j.kind === 'gc').map((j) => j.store)).toEqual(['offsite', 'store1'])
    const disabled = pbs.find((j) => j.kind === 'prune' && j.nextRun === null)
    expect(disabled?.outcome).toBe('never')
    expect(pbs.some((j) => j.outcome === 'ok' && j.kind === 'verify')).toBe(true)
  })
})

describe('/api/status', () => {
  it('names the held store, its reason and since when, instead of plain "fresh"', async () => {
    const status = await read('/api/status', StatusSchema)
    const pbs = status.sources.find((s) => s.kind === 'pbs')
    expect(pbs?.held).toEqual([
      {
        unit: `datastore:${health.removableStore}`,
        reason: 'removable datastore not mounted',
        since: now,
      },
    ])
    // Held by mode, not failing: no warning and no error about it.
    expect(pbs?.warnings.filter((w) => w.includes(health.removableStore))).toEqual([])
    expect(pbs?.lastError).toBeNull()
  })
})

describe('verification per guest', () => {
  it('shows a guest whose newest snapshot failed verification, and its newest verified time', async () => {
    const v = facts.latestVerificationFailed
    const record = await read(`/api/guests/${v.cluster}/${v.vmid}`, GuestRecordSchema)
    expect(record.verification).toEqual({ latest: 'failed', latestVerified: v.latestVerified })
    expect(record.backups.find((b) => b.kind === 'pbs' && b.time === v.time)?.verification).toBe(
      'failed',
    )
    const index = await read('/api/guests', GuestIndexSchema)
    const summary = index.guests.find((g) => g.key === `${v.cluster}/${v.vmid}`)
    expect(summary?.verification).toEqual(record.verification)
    const never = index.guests.find(
      (g) => g.key === `${facts.neverBackedUp.cluster}/${facts.neverBackedUp.vmid}`,
    )
    expect(never?.verification).toBeNull()
  })
})
