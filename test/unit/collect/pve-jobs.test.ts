// The PVE collector's backup jobs: both release shapes read alike, a refused /cluster/backup is
// a warning and unknown jobs (nothing else fails), and schedule-analyze is asked once per
// distinct schedule and then not again while its kept runs still reach past now.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type * as z from 'zod'
import type { PveFacts } from '../../../functions/collect/facts.ts'
import type { PveCollectContext } from '../../../functions/collect/pve-context.ts'
import { collectSchedules, readBackupJobs } from '../../../functions/collect/pve-jobs.ts'
import type { ProxmoxClient } from '../../../functions/proxmox/client.ts'
import { type RunningLab, startLab } from '../../lab/server.ts'
import { NOW } from '../../lab/test-helpers.ts'
import { collectSource, sourceConfigs, withoutTime } from './lab-collect.ts'

const labs: RunningLab[] = []
let nine: RunningLab
let eight: RunningLab
beforeAll(async () => {
  nine = await startLab({ preset: 'tiny', seed: 3, now: NOW, pveJobShapes: ['9.2'] })
  eight = await startLab({ preset: 'tiny', seed: 3, now: NOW, pveJobShapes: ['8.x'] })
  labs.push(nine, eight)
})
afterAll(() => Promise.all(labs.map((lab) => lab.close())))

const pveSources = (lab: RunningLab) => sourceConfigs(lab).filter((s) => s.kind === 'pve')

async function collectPveOf(lab: RunningLab, index: number, previous?: PveFacts, now = NOW) {
  const source = pveSources(lab)[index]
  if (!source) throw new Error('no source')
  return (await collectSource(lab, source, { now, ...(previous ? { previous } : {}) })) as PveFacts
}

describe('backup jobs from /cluster/backup', () => {
  it('reads the 8.x and the 9.2 shapes into the same facts', async () => {
    for (const index of [0, 1]) {
      const a = await collectPveOf(nine, index)
      const b = await collectPveOf(eight, index)
      expect(a.backupJobs?.length).toBeGreaterThan(1)
      expect(b.backupJobs).toEqual(a.backupJobs)
      expect(b.warnings).toEqual(a.warnings)
    }
    const office = await collectPveOf(eight, 1)
    expect(office.backupJobs?.find((j) => j.id.endsWith(':1'))).toMatchObject({
      schedule: 'sun 01:00',
      enabled: true,
      all: false,
    })
  })

  it('a refused /cluster/backup (no Sys.Audit) is a warning naming it, jobs unknown, the rest kept', async () => {
    const good = await collectPveOf(nine, 0)
    nine.setFaults([
      { kind: 'http-error', source: 'pve/homelab', path: '/cluster/backup', status: 403 },
    ])
    try {
      const refused = await collectPveOf(nine, 0)
      expect(refused.backupJobs).toBeNull()
      expect(refused.schedules).toEqual([])
      expect(refused.warnings).toEqual([
        expect.stringMatching(/\/cluster\/backup: permission denied \(403\).*Sys\.Audit on \//),
      ])
      const {
        backupJobs: _a,
        schedules: _b,
        warnings: _c,
        ...rest
      } = withoutTime(refused) as PveFacts
      const { backupJobs: _d, schedules: _e, warnings: _f, ...same } = withoutTime(good) as PveFacts
      expect(rest).toEqual(same)
    } finally {
      nine.clearFaults()
    }
  })

  it('asks schedule-analyze once per distinct enabled schedule, then not while the runs reach past now', async () => {
    nine.resetCounts()
    const cold = await collectPveOf(nine, 0)
    const key = 'pve/homelab GET /cluster/jobs/schedule-analyze'
    const distinct = new Set(
      (cold.backupJobs ?? []).filter((j) => j.enabled && j.schedule).map((j) => j.schedule),
    )
    expect(nine.requestCounts().byEndpoint[key]).toBe(distinct.size)
    expect(cold.schedules?.map((s) => s.schedule)).toEqual([...distinct].sort())
    for (const entry of cold.schedules ?? []) {
      expect(entry.runs.some((r) => r <= NOW)).toBe(true)
      expect(entry.runs.some((r) => r > NOW)).toBe(true)
    }
    nine.resetCounts()
    const steady = await collectPveOf(nine, 0, cold, NOW + 3600)
    expect(nine.requestCounts().byEndpoint[key]).toBeUndefined()
    expect(steady.schedules).toEqual(cold.schedules)
    // A schedule whose kept runs all lie before now is asked for again; the others are not.
    const first = cold.schedules?.[0]
    if (!first) throw new Error('no schedule')
    const stale = structuredClone(cold)
    stale.schedules = (stale.schedules ?? []).map((s) =>
      s.schedule === first.schedule ? { ...s, runs: s.runs.filter((r) => r <= NOW) } : s,
    )
    nine.resetCounts()
    const refreshed = await collectPveOf(nine, 0, stale, NOW + 60)
    expect(nine.requestCounts().byEndpoint[key]).toBe(1)
    expect(refreshed.schedules?.find((s) => s.schedule === first.schedule)?.runs).toEqual(
      first.runs,
    )
  })
})

/** A client answering from a table of paths (for shapes the lab does not serve). */
function fakeContext(answers: (path: string, query: Record<string, unknown>) => unknown) {
  const calls: { path: string; query: Record<string, unknown> }[] = []
  const client: ProxmoxClient = {
    sourceId: 'fake',
    get: async <T extends z.ZodType>(path: string, schema: T, query?: object) => {
      const q = { ...(query ?? {}) } as Record<string, unknown>
      calls.push({ path, query: q })
      return schema.parse(answers(path, q)) as z.output<T>
    },
  }
  const ctx: PveCollectContext = {
    client,
    now: NOW,
    previous: undefined,
    directPbsServers: new Set(),
  }
  return { ctx, calls }
}

describe('job and schedule answers the lab does not send', () => {
  it("turns a legacy job with only starttime/dow into PVE's schedule and reads perl-bools and lists", async () => {
    const { ctx } = fakeContext(() => [
      { id: 'a:1', starttime: '02:30', dow: 'mon,tue,wed,thu,fri,sat,sun', vmid: '100, 101;102' },
      { id: 'a:2', starttime: '03:00', dow: 'sat', all: '1', exclude: 100, enabled: '0' },
      { id: 'b', schedule: 'daily', 'prune-backups': 7, fleecing: ['odd'] },
      { id: 'replication', type: 'replication', schedule: '*/15' },
    ])
    const trouble = { warnings: [], deferred: [] }
    const jobs = await readBackupJobs(ctx, trouble)
    expect(jobs).toEqual([
      {
        id: 'a:1',
        enabled: true,
        schedule: '02:30',
        all: false,
        vmids: [100, 101, 102],
        exclude: [],
      },
      { id: 'a:2', enabled: false, schedule: 'sat 03:00', all: true, vmids: [], exclude: [100] },
      { id: 'b', enabled: true, schedule: 'daily', all: false, vmids: [], exclude: [] },
    ])
    expect(trouble.warnings).toEqual([])
  })

  it('asks again from closer to now when 100 runs from two weeks back end before now', async () => {
    const minute = 60
    const { ctx, calls } = fakeContext((_path, query) => {
      const start = Number(query.starttime)
      return Array.from({ length: 100 }, (_, i) => ({ timestamp: start + (i + 1) * 5 * minute }))
    })
    const trouble = { warnings: [], deferred: [] }
    const [entry] = await collectSchedules(
      ctx,
      [{ id: 'often', enabled: true, schedule: '*/5', all: true, vmids: [], exclude: [] }],
      undefined,
      trouble,
    )
    expect(calls.map((c) => [c.path, c.query.iterations])).toEqual([
      ['/cluster/jobs/schedule-analyze', 100],
      ['/cluster/jobs/schedule-analyze', 100],
    ])
    expect(entry?.runs.some((r) => r <= NOW)).toBe(true)
    expect(entry?.runs.some((r) => r > NOW)).toBe(true)
  })
})
