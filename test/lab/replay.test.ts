// The lab's past, replayed through the ordinary refresh pass (what `npm run dev` does for a
// year): the clock stepped day by day, the coordinator refreshing at each step with its `now`
// set to it. History then reaches back past what storage keeps: backups prune took are there,
// marked pruned with when they were last seen; every day has its backups in the activity.
import { describe, expect, it } from 'vitest'
import { benchCoordinator } from '../../bench/coordinator.ts'
import { createMemoryKv } from '../../bench/memory-kv.ts'
import type { Env } from '../../functions/env.ts'
import { activity, guestHistory } from '../../functions/history/queries.ts'
import { backupStorageKeys } from '../../functions/normalize/storage-usage.ts'
import { labWorkerVars } from '../../scripts/lab-env.ts'
import { generateLab } from './generate.ts'
import { labAt } from './replay.ts'
import { startLab } from './server.ts'

const DAY = 86_400

describe('the lab as of a past moment', () => {
  const model = generateLab({ preset: 'tiny', seed: 5, now: 1_749_366_000, replayDays: 10 })

  it('is the lab itself at its own now, the past pruned away', () => {
    const plain = generateLab({ preset: 'tiny', seed: 5, now: 1_749_366_000 })
    const now = labAt(model, null)
    expect(now.clusters.map((c) => c.archives)).toEqual(plain.clusters.map((c) => c.archives))
    expect(now.clusters.map((c) => c.tasks)).toEqual(plain.clusters.map((c) => c.tasks))
    expect(now.pbs[0]?.datastores.map((d) => d.groups)).toEqual(
      plain.pbs[0]?.datastores.map((d) => d.groups),
    )
    expect(model.past?.replayDays).toBe(10)
  })

  it('shows only what was made by then and still kept then', () => {
    const at = model.now - 8 * DAY
    const then = labAt(model, at)
    const times = [
      ...then.clusters.flatMap((c) => c.archives.map((a) => a.time)),
      ...(then.pbs[0]?.datastores ?? []).flatMap((d) =>
        d.groups.flatMap((g) => g.snapshots.map((s) => s.time)),
      ),
    ]
    expect(times.length).toBeGreaterThan(0)
    expect(Math.max(...times)).toBeLessThanOrEqual(at)
    // Generated history older than `days` is pruned (scenario backups may be older on purpose).
    const past = Object.values(model.past?.clusters ?? {}).flatMap((c) => c.archives)
    const shown = new Set(then.clusters.flatMap((c) => c.archives))
    expect(past.filter((a) => shown.has(a)).every((a) => a.time >= at - model.days * DAY)).toBe(
      true,
    )
    expect(then.clusters.flatMap((c) => c.tasks).every((t) => (t.endtime ?? Infinity) <= at)).toBe(
      true,
    )
    expect(then.clusters.flatMap((c) => c.guests).some((g) => g.lock === 'backup')).toBe(false)
  })
})

describe('replaying the past through the refresh pass', () => {
  it('records a history longer than storage keeps, pruned backups with when they were last seen', async () => {
    const lab = await startLab({ preset: 'tiny', seed: 5, replayDays: 10 })
    try {
      const env = {
        ...labWorkerVars(lab.model, lab.sources, { PULSE_SUBREQUEST_BUDGET: '100000' }),
        PULSE_KV: createMemoryKv().namespace,
      } as unknown as Env
      const coordinator = benchCoordinator(env)
      const { now, days } = lab.model
      const steps: number[] = []
      for (let back = days + 10; back >= 1; back--) steps.push(now - back * DAY)
      for (const at of steps) {
        lab.setClock(at)
        const report = await coordinator.refresh({ now: at })
        expect(
          report.sources.every((s) => s.lastError === null),
          String(at),
        ).toBe(true)
      }
      lab.setClock(null)
      await coordinator.refresh({ now })
      const state = coordinator.state

      // A guest of the nightly job: history from the first replayed day, the old ones pruned.
      const size = state.historySize()
      expect(size.backups).toBeGreaterThan(0)
      const keys = new Set(state.newestBackups().map((b) => b.key))
      const key = [...keys].find((k) => {
        const h = guestHistory(state, {
          key: k,
          now,
          days: null,
          retentionDays: 400,
          lastPass: now,
        })
        return (h?.summary.pruned ?? 0) > 0
      })
      expect(key).toBeDefined()
      const history = guestHistory(state, {
        key: key ?? '',
        now,
        days: null,
        retentionDays: 400,
        lastPass: now,
      })
      const pruned = history?.backups.filter((b) => b.pruned) ?? []
      const kept = history?.backups.filter((b) => !b.pruned && b.kind !== 'snapshot') ?? []
      expect(Math.min(...pruned.map((b) => b.time))).toBeLessThan(now - days * DAY)
      for (const b of pruned) {
        // Seen from the step after it was made until prune took it, `days` later.
        expect(b.lastSeen).toBeGreaterThanOrEqual(b.time)
        expect(b.lastSeen).toBeLessThan(now)
        expect(b.lastSeen - b.time).toBeLessThanOrEqual((days + 1) * DAY)
      }
      expect(kept.every((b) => b.time >= now - (days + 1) * DAY)).toBe(true)
      expect(history?.runs.length).toBeGreaterThan(days)

      // Every replayed day has backups in the activity chart.
      const chart = activity(state, { now, days: 7, timeZone: 'UTC' })
      expect(chart.series.filter((d) => d.pbs.ok + d.pve.ok > 0).length).toBeGreaterThanOrEqual(6)
      // Storage usage over the whole span, a sample each replayed day, growing towards now.
      const pve = state.allFacts().flatMap(({ facts }) => (facts.kind === 'pve' ? [facts] : []))
      const [storage] = backupStorageKeys(pve)
      const samples = state.usageSamples([storage ?? ''], 0)
      expect(new Set(samples.map((s) => Math.floor(s.at / DAY))).size).toBeGreaterThanOrEqual(
        steps.length,
      )
      expect(samples[0]?.at).toBe(steps[0])
      expect(samples.at(-1)?.used ?? 0).toBeGreaterThanOrEqual(samples[0]?.used ?? 0)
    } finally {
      await lab.close()
    }
  }, 120_000)
})

describe('a lab that replayed its past, as `npm run dev` starts it', () => {
  it('serves a backup made through /_lab/backup afterwards (its view of now follows the model)', async () => {
    const lab = await startLab({ preset: 'demo', seed: 5, replayDays: 3 })
    try {
      // A replay step, then back to now: the view of now is made again from the model.
      lab.setClock(lab.model.now - DAY)
      lab.setClock(null)
      const pbs = lab.sources.find((s) => s.kind === 'pbs')
      if (!pbs) throw new Error('the demo lab has a PBS')
      const snapshots = async () => {
        const response = await fetch(
          `${pbs.url}/api2/json/admin/datastore/store1/snapshots?ns=homelab&backup-type=vm&backup-id=119`,
          { headers: { authorization: `PBSAPIToken=${pbs.tokenId}:${pbs.tokenSecret}` } },
        )
        expect(response.status).toBe(200)
        const body = (await response.json()) as { data: { 'backup-time': number }[] }
        return body.data.map((s) => s['backup-time'])
      }
      expect(await snapshots()).not.toContain(lab.model.now)
      const made = await fetch(`${lab.url}/_lab/backup`, {
        method: 'POST',
        body: JSON.stringify({ cluster: 'homelab', vmid: 119 }),
      })
      expect(made.status).toBe(200)
      expect(await snapshots()).toContain(lab.model.now)
    } finally {
      await lab.close()
    }
  })
})
