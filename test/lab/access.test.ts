// Token privileges in the lab as the real servers apply them: /access/permissions in each
// product's shape, the endpoints' permission checks, what a token without a privilege is
// silently not shown, and storage usage that grows with lab time.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { generateLab } from './generate.ts'
import { createLabHandler } from './handle.ts'
import { createLabState } from './lab-state.ts'
import { type RunningLab, startLab } from './server.ts'
import { data, get, NOW, pveAuth, source } from './test-helpers.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'tiny', seed: 1, now: NOW })
})
afterAll(() => lab.close())
afterEach(() => lab.clearFaults())

const pve = () => source(lab, 'pve/homelab')
const pbs = () => source(lab, 'pbs/pbs')

describe('/access/permissions', () => {
  it('answers PVE privileges with 1/0 propagate flags on the default and ACL paths', async () => {
    lab.setFaults([
      {
        kind: 'token-acl',
        source: 'pve/homelab',
        aclPath: '/storage/local',
        privileges: ['Datastore.Audit'],
        propagate: false,
      },
    ])
    const tree = await data<Record<string, Record<string, number>>>(pve(), '/access/permissions')
    expect(Object.keys(tree).sort()).toEqual([
      '/',
      '/access',
      '/access/groups',
      '/nodes',
      '/pool',
      '/sdn',
      '/storage',
      '/storage/local',
      '/vms',
    ])
    expect(tree['/']).toEqual({
      'Datastore.AllocateSpace': 1,
      'Datastore.Audit': 1,
      'Sys.Audit': 1,
      'VM.Audit': 1,
      'VM.Backup': 1,
    })
    expect(tree['/storage/local']).toEqual({ 'Datastore.Audit': 0 })
    const one = await data<Record<string, unknown>>(pve(), '/access/permissions?path=/vms/100')
    expect(Object.keys(one)).toEqual(['/vms/100'])
  })

  it('answers PBS privileges with booleans and leaves out paths with none', async () => {
    lab.setFaults([
      { kind: 'token-acl', source: 'pbs/pbs', aclPath: '/datastore/store1/office', privileges: [] },
    ])
    const tree = await data<Record<string, Record<string, boolean>>>(pbs(), '/access/permissions')
    expect(tree).toEqual({ '/datastore': { 'Datastore.Audit': true } })
  })
})

describe('permission checks', () => {
  it('refuses a content listing without Datastore.Audit or Datastore.AllocateSpace (403)', async () => {
    lab.setFaults([
      { kind: 'token-acl', source: 'pve/homelab', aclPath: '/storage/nas-nfs', privileges: [] },
    ])
    const res = await get(pve(), '/nodes/pve1/storage/nas-nfs/content?content=backup')
    expect(res.status).toBe(403)
    expect(((await res.json()) as { message: string }).message).toBe(
      'Permission check failed (/storage/nas-nfs, Datastore.Audit|Datastore.AllocateSpace)\n',
    )
    // Nor is the storage in /storage or /cluster/resources any more.
    const config = await data<{ storage: string }[]>(pve(), '/storage')
    expect(config.map((s) => s.storage)).not.toContain('nas-nfs')
    const resources = await data<{ storage?: string }[]>(pve(), '/cluster/resources')
    expect(resources.some((r) => r.storage === 'nas-nfs')).toBe(false)
  })

  it('drops the backups of guests without VM.Backup, with 200, unless Datastore.Allocate', async () => {
    const path = '/nodes/pve1/storage/nas-nfs/content?content=backup'
    const all = await data<{ vmid: number }[]>(pve(), path)
    const vmid = all[0]?.vmid as number
    lab.setFaults([
      {
        kind: 'token-acl',
        source: 'pve/homelab',
        aclPath: `/vms/${vmid}`,
        privileges: ['VM.Audit'],
      },
    ])
    const without = await data<{ vmid: number }[]>(pve(), path)
    expect(without.length).toBeGreaterThan(0)
    expect(without.some((b) => b.vmid === vmid)).toBe(false)
    lab.setFaults([
      {
        kind: 'token-acl',
        source: 'pve/homelab',
        aclPath: `/vms/${vmid}`,
        privileges: ['VM.Audit'],
      },
      {
        kind: 'token-acl',
        source: 'pve/homelab',
        aclPath: '/storage/nas-nfs',
        // A deeper entry replaces the inherited one: Audit too, for the listing call itself.
        privileges: ['Datastore.Allocate', 'Datastore.Audit'],
      },
    ])
    expect(await data(pve(), path)).toHaveLength(all.length)
  })

  it('lists on PBS only owned groups with Datastore.Backup alone, and refuses with nothing', async () => {
    const path = '/admin/datastore/store1/snapshots'
    expect((await data(pbs(), path)).length).toBeGreaterThan(0)
    lab.setFaults([
      {
        kind: 'token-acl',
        source: 'pbs/pbs',
        aclPath: '/datastore/store1',
        privileges: ['Datastore.Backup'],
      },
    ])
    // PVE's groups are owned by the PVE storages' users, never by the monitoring token.
    expect(await data(pbs(), path)).toEqual([])
    lab.setFaults([
      { kind: 'token-acl', source: 'pbs/pbs', aclPath: '/datastore/store1', privileges: [] },
    ])
    const res = await get(pbs(), path)
    expect(res.status).toBe(403)
    expect(await res.text()).toBe(
      'permission check failed - missing Datastore.Audit|Datastore.Backup on /datastore/store1',
    )
    const stores = await data<{ store: string }[]>(pbs(), '/admin/datastore')
    expect(stores.map((s) => s.store)).not.toContain('store1')
  })
})

describe('storage usage', () => {
  it('grows by each storage’s daily rate in whole hours of lab time', async () => {
    const model = generateLab({ preset: 'tiny', seed: 1, now: NOW })
    const cluster = model.clusters[0]
    const nas = cluster?.storages.find((s) => s.storage === 'nas-nfs')
    if (!cluster || !nas?.growthPerDay) throw new Error('the tiny lab has a growing nas-nfs')
    const usedAfter = async (seconds: number) => {
      const state = createLabState({ startedAt: Math.floor(Date.now() / 1000) - seconds })
      const handler = createLabHandler(model, state)
      const s = lab.sources.find((x) => x.id === cluster.id)
      if (!s) throw new Error('no source')
      const response = await handler(
        new Request(`http://lab/pve/${cluster.name}/api2/json/cluster/resources?type=storage`, {
          headers: { authorization: pveAuth({ ...s, tokenSecret: cluster.tokenSecret }) },
        }),
      )
      const entries = ((await response.json()) as { data: { storage: string; disk?: number }[] })
        .data
      return entries.find((e) => e.storage === 'nas-nfs')?.disk
    }
    expect(await usedAfter(0)).toBe(nas.used)
    expect(await usedAfter(3599)).toBe(nas.used)
    expect(await usedAfter(26 * 3600 + 5)).toBe(nas.used + Math.round((nas.growthPerDay * 26) / 24))
  })
})
