// A PBS datastore PBS refuses to read (offline maintenance, a removable store not mounted) is
// held: none of its calls are made, its last good snapshots stay, and it is marked held with the
// reason and since when it was first seen so, across passes; once it is back, listing resumes.
// A store in read-only maintenance is still listed. Job lists fail one by one, a refusal (403)
// as a warning naming the privilege, never failing the source.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PbsFacts } from '../../../functions/collect/facts.ts'
import { collectPbs } from '../../../functions/collect/pbs.ts'
import { PBS_HEALTH_UNIT } from '../../../functions/collect/pbs-health.ts'
import { createRequestBudget } from '../../../functions/proxmox/budget.ts'
import { createProxmoxClient } from '../../../functions/proxmox/client.ts'
import { createLimiter } from '../../../functions/proxmox/limit.ts'
import { type RunningLab, startLab } from '../../lab/server.ts'
import { NOW } from '../../lab/test-helpers.ts'
import { sourceConfigs } from './lab-collect.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'demo', seed: 1, now: NOW })
})
afterAll(() => lab.close())

/** One collection of the lab's PBS, with the API paths it asked. */
async function collect(
  now: number,
  previous?: PbsFacts,
  options: { budget?: number; continuation?: boolean } = {},
) {
  const source = sourceConfigs(lab).find((s) => s.kind === 'pbs')
  if (!source) throw new Error('no pbs source')
  const paths: string[] = []
  const recording: typeof fetch = (input, init) => {
    const url = new URL(typeof input === 'string' ? input : (input as Request).url)
    paths.push(decodeURIComponent(url.pathname.replace(/^.*\/api2\/json/, '')))
    return fetch(input, init)
  }
  const host = new URL(source.url).hostname
  const facts = await collectPbs({
    client: createProxmoxClient(source, {
      fetch: recording,
      budget: createRequestBudget(options.budget ?? 1e9),
      limit: createLimiter(),
    }),
    now,
    previous,
    host,
    serverNames: [host],
    continuation: options.continuation ?? false,
  })
  return { facts, paths }
}

const inStore = (facts: PbsFacts, store: string) => ({
  snapshots: facts.snapshots.filter((s) => s.datastore === store),
  groups: facts.groups.filter((g) => g.datastore === store),
})
const asked = (paths: string[], store: string) =>
  paths.filter((p) => p.startsWith(`/admin/datastore/${store}/`))

describe('held PBS datastores', () => {
  it('skips an offline store, keeps its snapshots held since first seen, resumes when back', async () => {
    const { removableStore } = lab.model.facts.pbsHealth
    const first = await collect(NOW)
    expect(inStore(first.facts, 'store1').snapshots.length).toBeGreaterThan(0)
    expect(first.facts.datastores.find((d) => d.store === 'store1')?.held).toBeUndefined()
    // The removable store is not mounted: held from the first pass, never asked.
    expect(first.facts.datastores.find((d) => d.store === removableStore)?.held).toEqual({
      mode: 'notmounted',
      reason: 'removable datastore not mounted',
      since: NOW,
    })
    expect(asked(first.paths, removableStore)).toEqual([])

    lab.setFaults([
      {
        kind: 'datastore-unavailable',
        source: 'pbs/pbs',
        datastore: 'store1',
        message: 'disk swap',
      },
    ])
    let held: PbsFacts
    try {
      const during = await collect(NOW + 60, first.facts)
      expect(asked(during.paths, 'store1')).toEqual([])
      expect(inStore(during.facts, 'store1')).toEqual(inStore(first.facts, 'store1'))
      const store1 = during.facts.datastores.find((d) => d.store === 'store1')
      expect(store1?.held).toEqual({
        mode: 'maintenance:offline',
        reason: 'offline maintenance: disk swap',
        since: NOW + 60,
      })
      expect(store1?.maintenance).toEqual({
        type: 'offline',
        message: 'disk swap',
        since: NOW + 60,
      })
      expect(store1?.namespaces).toEqual(
        first.facts.datastores.find((d) => d.store === 'store1')?.namespaces,
      )
      // No failing call, so no error text about it.
      expect(during.facts.warnings.filter((w) => w.includes('store1'))).toEqual([])
      // The other stores refresh as usual.
      expect(asked(during.paths, 'offsite').length).toBeGreaterThan(0)

      const later = await collect(NOW + 120, during.facts)
      expect(asked(later.paths, 'store1')).toEqual([])
      expect(later.facts.datastores.find((d) => d.store === 'store1')?.held?.since).toBe(NOW + 60)
      expect(later.facts.datastores.find((d) => d.store === removableStore)?.held?.since).toBe(NOW)
      // PBS's /admin/gc skips a store it cannot look up: the last GC seen is kept.
      const gc = (facts: PbsFacts) =>
        facts.jobs?.find((j) => j.kind === 'gc' && j.store === 'store1')
      expect(gc(later.facts)).toEqual(gc(first.facts))
      held = later.facts
    } finally {
      lab.clearFaults()
    }

    const back = await collect(NOW + 180, held)
    expect(asked(back.paths, 'store1')).toContain('/admin/datastore/store1/snapshots')
    const store1 = back.facts.datastores.find((d) => d.store === 'store1')
    expect(store1?.held).toBeUndefined()
    expect(store1?.maintenance).toBeUndefined()
  })

  it('still lists a store in read-only maintenance', async () => {
    const store = lab.model.pbs[0]?.datastores.find((d) => d.store === 'store1')
    if (!store) throw new Error('no store1')
    store.maintenance = { type: 'read-only', message: 'moving to new disks' }
    try {
      const { facts, paths } = await collect(NOW)
      expect(asked(paths, 'store1')).toContain('/admin/datastore/store1/snapshots')
      const fact = facts.datastores.find((d) => d.store === 'store1')
      expect(fact?.held).toBeUndefined()
      expect(fact?.maintenance).toEqual({
        type: 'read-only',
        message: 'moving to new disks',
        since: NOW,
      })
    } finally {
      delete store.maintenance
    }
  })
})

describe('PBS job lists', () => {
  it('turns a refused job list into a warning naming the privilege and keeps its jobs', async () => {
    const first = await collect(NOW)
    const verify = (facts: PbsFacts) => facts.jobs?.filter((j) => j.kind === 'verify') ?? []
    expect(verify(first.facts).length).toBeGreaterThan(0)
    lab.setFaults([
      {
        kind: 'http-error',
        source: 'pbs/pbs',
        path: '/admin/verify',
        status: 403,
        message: 'permission check failed',
      },
    ])
    try {
      const refused = await collect(NOW + 60, first.facts)
      expect(refused.facts.warnings).toContain(
        'pbs: /admin/verify refused (403): needs Datastore.Audit or Datastore.Verify on /datastore/{store}',
      )
      expect(verify(refused.facts)).toEqual(verify(first.facts))
      // The other lists and the snapshots are untouched.
      expect(refused.facts.jobs?.filter((j) => j.kind !== 'verify')).toEqual(
        first.facts.jobs?.filter((j) => j.kind !== 'verify'),
      )
      expect(refused.facts.snapshots).toEqual(first.facts.snapshots)
    } finally {
      lab.clearFaults()
    }
  })

  it('defers the health calls when the budget ends after the listings, and does only them next', async () => {
    const healthPaths = [
      '/status/datastore-usage',
      '/admin/verify',
      '/admin/prune',
      '/admin/sync',
      '/admin/gc',
    ]
    const full = await collect(NOW)
    // The group comments are asked on the first pass only (kept for an hour).
    const commentCalls = full.paths.filter((p) => p.endsWith('/groups')).length
    expect(commentCalls).toBeGreaterThan(0)
    const listingCalls = full.paths.filter(
      (p) => !healthPaths.includes(p) && !p.endsWith('/groups'),
    ).length
    expect(full.paths.length).toBe(listingCalls + commentCalls + healthPaths.length)

    const short = await collect(NOW + 60, full.facts, { budget: listingCalls })
    expect(short.facts.deferred).toEqual([PBS_HEALTH_UNIT])
    expect(short.facts.snapshots).toEqual(full.facts.snapshots)
    // What could not be asked is kept from the previous pass, not dropped.
    expect(short.facts.jobs).toEqual(full.facts.jobs)
    expect(short.facts.usage).toEqual(full.facts.usage)

    const rest = await collect(NOW + 61, short.facts, { continuation: true })
    expect(rest.paths.sort()).toEqual([...healthPaths].sort())
    expect(rest.facts.deferred).toEqual([])
    expect(rest.facts.jobs).toEqual(full.facts.jobs)
  })

  it('reads every job of the lab with its state as sent', async () => {
    const { facts } = await collect(NOW)
    const server = lab.model.pbs[0]
    if (!server) throw new Error('no server')
    for (const job of server.jobs ?? []) {
      const fact = facts.jobs?.find((j) => j.kind === job.kind && j.id === job.id)
      expect(fact?.store).toBe(job.store)
      expect(fact?.lastRunState).toBe(job.lastRun?.state)
      expect(fact?.lastRunEnd).toBe(job.lastRun?.end)
      expect(fact?.nextRun).toBe(job.disable ? undefined : job.nextRun)
    }
    // One GC entry per store PBS can look up (the unmounted removable one it cannot).
    expect(facts.jobs?.filter((j) => j.kind === 'gc').map((j) => j.store)).toEqual(
      server.datastores
        .filter((d) => !d.removable)
        .map((d) => d.store)
        .sort(),
    )
  })
})
