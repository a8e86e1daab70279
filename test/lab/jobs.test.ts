// The lab's backup jobs as PVE serves them: both release shapes of /cluster/backup,
// schedule-analyze answers in PVE's shape and the node's zone, and a task history that
// follows the schedules (with the scenario's weekly-only guest and skipped run).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SchemaNode, validateSchema } from './schema-validate.ts'
import { type RunningLab, startLab } from './server.ts'
import { data, get, NOW, source } from './test-helpers.ts'
import { localParts } from './time-zone.ts'

type Job = Record<string, unknown> & { id: string; schedule: string; enabled: number }
type Run = { timestamp: number; utc: string }

/** The return schema of GET /cluster/jobs/schedule-analyze (pve-manager Jobs.pm). */
const SCHEDULE_ANALYZE_RETURNS: SchemaNode = {
  type: 'array',
  items: {
    type: 'object',
    properties: { timestamp: { type: 'integer' }, utc: { type: 'string' } },
  },
}

let lab: RunningLab
let eight: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'demo', seed: 1, now: NOW })
  eight = await startLab({ preset: 'demo', seed: 1, now: NOW, pveJobShapes: ['8.x'] })
})
afterAll(() => Promise.all([lab.close(), eight.close()]))

const analyze = (l: RunningLab, schedule: string, starttime: number, iterations = 100) =>
  data<Run[]>(
    source(l, 'pve/homelab'),
    `/cluster/jobs/schedule-analyze?schedule=${encodeURIComponent(schedule)}&starttime=${starttime}&iterations=${iterations}`,
  )

describe('lab backup jobs', () => {
  it('serves 9.2 option objects and 8.x property strings, and legacy starttime/dow only in 8.x', async () => {
    const nine = await data<Job[]>(source(lab, 'pve/homelab'), '/cluster/backup')
    const old = await data<Job[]>(source(eight, 'pve/homelab'), '/cluster/backup')
    const nightly9 = nine.find((j) => j.fleecing !== undefined)
    const nightly8 = old.find((j) => j.id === nightly9?.id)
    expect([nightly9?.fleecing, nightly8?.fleecing]).toEqual([
      { enabled: 1, storage: 'local-lvm' },
      'enabled=1,storage=local-lvm',
    ])
    const legacy = await data<Job[]>(source(lab, 'pve/office'), '/cluster/backup')
    expect(legacy.find((j) => j.dow !== undefined)).toMatchObject({
      schedule: 'sun 01:00',
      starttime: '01:00',
      dow: 'sun',
    })
    expect(nine.some((j) => j.dow !== undefined || j.starttime !== undefined)).toBe(false)
    // A disabled job still has a next-run (PVE computes it for every scheduled job).
    expect(nine.find((j) => j.enabled === 0)?.['next-run']).toEqual(expect.any(Number))
  })

  it("answers schedule-analyze in PVE's shape, strictly after starttime, in the node zone", async () => {
    const runs = await analyze(lab, 'mon..fri 12:30', NOW, 10)
    expect(validateSchema(SCHEDULE_ANALYZE_RETURNS, runs)).toEqual([])
    expect(runs).toHaveLength(10)
    for (const run of runs) {
      const p = localParts(run.timestamp, 'Europe/Berlin')
      expect([p.hour, p.minute, p.weekday >= 1 && p.weekday <= 5]).toEqual([12, 30, true])
      expect(run.timestamp).toBeGreaterThan(NOW)
    }
    expect(runs[0]?.utc).toMatch(/^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \d{4}$/)
    const again = await analyze(lab, 'mon..fri 12:30', runs[0]?.timestamp ?? 0, 1)
    expect(again[0]?.timestamp).toBe(runs[1]?.timestamp)
    const bad = await get(
      source(lab, 'pve/homelab'),
      '/cluster/jobs/schedule-analyze?schedule=whenever&iterations=101',
    )
    expect(bad.status).toBe(400)
  })

  it('runs the weekly job at its scheduled time, three days ago, with the weekly-only guest', async () => {
    const f = lab.model.facts.jobs.weeklyOnly
    const jobs = await data<Job[]>(source(lab, 'pve/homelab'), '/cluster/backup')
    const weekly = jobs.find((j) => j.id === f.job) as Job
    const runs = await analyze(lab, weekly.schedule, NOW - 14 * 86400)
    expect(runs.filter((r) => r.timestamp <= NOW).at(-1)?.timestamp).toBe(f.previousRun)
    expect(NOW - f.previousRun).toBeGreaterThan(3 * 86400)
    expect(NOW - f.previousRun).toBeLessThan(4 * 86400)
    const task = lab.model.clusters[0]?.tasks.find(
      (t) => t.starttime === f.previousRun && t.guests.some((g) => g.vmid === f.vmid),
    )
    expect(task?.status).toBe('OK')
    expect(String(weekly.vmid).split(',')).toContain(String(f.vmid))
  })

  it('has no run of the skipped job at its newest scheduled time, but one a day before', () => {
    const f = lab.model.facts.jobs.skippedNightly
    const tasks = (lab.model.clusters[0]?.tasks ?? []).filter((t) =>
      t.guests.some((g) => g.vmid === f.vmid),
    )
    expect(NOW - f.skippedRun).toBeGreaterThanOrEqual(6 * 3600)
    expect(tasks.some((t) => t.starttime === f.skippedRun)).toBe(false)
    expect(tasks.some((t) => t.starttime === f.skippedRun - 86400)).toBe(true)
  })

  it("puts the pool job's guests in the pool, on their resource entries and as a pool entry", async () => {
    const f = lab.model.facts.jobs.pool
    expect(f.members.length).toBeGreaterThan(0)
    const resources = await data(source(lab, 'pve/homelab'), '/cluster/resources')
    const inPool = resources
      .filter((r) => (r.type === 'qemu' || r.type === 'lxc') && r.pool === f.pool)
      .map((r) => r.vmid)
    expect(inPool.sort()).toEqual([...f.members].sort())
    expect(resources).toContainEqual({ id: `/pool/${f.pool}`, pool: f.pool, type: 'pool' })
  })
})
