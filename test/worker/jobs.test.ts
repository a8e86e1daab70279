// Backup jobs through the whole pipeline, inside workerd: the lab's PVE jobs in /api/jobs with
// what they cover and how their last run went, and each guest's due / missed state in its
// record and in the index.
import { beforeAll, describe, expect, it } from 'vitest'
import { ageStatus, getFilteredAge } from '../../shared/age.ts'
import { GuestRecordSchema } from '../../shared/schema/guest.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { JobsIndexSchema, type PveBackupJob } from '../../shared/schema/jobs.ts'
import { call, labEnv, labModel } from './lab.ts'
import { refresh } from './local-coordinator.ts'

const testEnv = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
const { now, facts } = labModel()
const jobs = facts.jobs

async function readJobs(): Promise<PveBackupJob[]> {
  const response = await call(testEnv, '/api/jobs')
  expect(response.status).toBe(200)
  return JobsIndexSchema.parse(await response.json()).pve
}

async function readGuest(cluster: string, vmid: number) {
  const response = await call(testEnv, `/api/guests/${cluster}/${vmid}`)
  expect(response.status).toBe(200)
  return GuestRecordSchema.parse(await response.json())
}

function jobOf(list: PveBackupJob[], cluster: string, id: string): PveBackupJob {
  const job = list.find((j) => j.key === `${cluster}/${id}`)
  if (!job) throw new Error(`no job ${cluster}/${id} in ${list.map((j) => j.key).join(', ')}`)
  return job
}

beforeAll(async () => {
  const report = await refresh(testEnv, { now, reason: 'test', subrequestBudget: 1000 })
  expect(report.sources.map((s) => s.lastError)).toEqual([null, null, null])
})

describe('/api/jobs', () => {
  it('lists the failed weekly run with the guest that failed and its error, and what it covers', async () => {
    const f = jobs.failedRun
    const job = jobOf(await readJobs(), f.cluster, f.job)
    expect(job.covers).toEqual([`${f.cluster}/${f.okVmid}`, `${f.cluster}/${f.failedVmid}`])
    expect(job.lastRun).toMatchObject({
      upid: f.upid,
      outcome: 'failed',
      status: 'job errors',
      matchedByTime: true,
      failed: [
        {
          vmid: f.failedVmid,
          key: `${f.cluster}/${f.failedVmid}`,
          error: facts.failedTask.reason,
        },
      ],
    })
    expect(job.typicalDuration).toBe((job.lastRun?.end ?? 0) - (job.lastRun?.start ?? 0))
  })

  it("resolves the pool job to the pool's guests, and shows the disabled job covering none", async () => {
    const list = await readJobs()
    const pool = jobOf(list, jobs.pool.cluster, jobs.pool.job)
    expect(pool.selection).toMatchObject({ mode: 'pool', pool: jobs.pool.pool })
    expect(pool.covers).toEqual(jobs.pool.members.map((v) => `${jobs.pool.cluster}/${v}`))
    const disabled = jobOf(list, jobs.disabled.cluster, jobs.disabled.job)
    expect([disabled.enabled, disabled.covers, disabled.nextRun]).toEqual([false, [], null])
  })

  it('gives every enabled job its previous and next scheduled run around now', async () => {
    const enabled = (await readJobs()).filter((j) => j.enabled)
    expect(enabled.length).toBeGreaterThan(4)
    for (const job of enabled) {
      expect(job.previousRun, job.key).not.toBeNull()
      expect(job.previousRun ?? now + 1).toBeLessThanOrEqual(now)
      expect(job.nextRun ?? 0).toBeGreaterThan(now)
    }
  })
})

describe('due and missed on the guest', () => {
  it('the weekly-only guest is ok on day 3, though the age thresholds call it overdue', async () => {
    const f = jobs.weeklyOnly
    const record = await readGuest(f.cluster, f.vmid)
    expect(ageStatus(getFilteredAge(record, 'all', now))).toBe('overdue')
    expect(record.schedule).toMatchObject({
      state: 'ok',
      jobs: [`${f.cluster}/${f.job}`],
      previousRun: f.previousRun,
      missedSince: null,
    })
    const index = GuestIndexSchema.parse(await (await call(testEnv, '/api/guests')).json())
    const summary = index.guests.find((g) => g.key === `${f.cluster}/${f.vmid}`)
    expect(summary?.schedule?.state).toBe('ok')
  })

  it('the guest whose daily run was skipped is missed since its deadline', async () => {
    const f = jobs.skippedNightly
    const record = await readGuest(f.cluster, f.vmid)
    expect(record.schedule).toMatchObject({ state: 'missed', previousRun: f.skippedRun })
    expect(record.schedule?.missedSince).toBe(record.schedule?.deadline)
    expect(record.schedule?.missedSince ?? now).toBeLessThan(now)
  })

  it('of the failed run, the guest that failed is missed and the other is ok', async () => {
    const f = jobs.failedRun
    expect((await readGuest(f.cluster, f.failedVmid)).schedule?.state).toBe('missed')
    expect((await readGuest(f.cluster, f.okVmid)).schedule?.state).toBe('ok')
  })

  it('carries PVE tags and pool on the record', async () => {
    const f = jobs.pool
    const member = f.members[0] as number
    const record = await readGuest(f.cluster, member)
    expect(record.pool).toBe(f.pool)
    expect(record.tags).toContain('prod')
  })
})
