// Storage behaviour: shared listings, per-node local storage, pbs-type storages via PVE.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningLab, startLab } from './server.ts'
import { data, NOW, source } from './test-helpers.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'tiny', seed: 1, now: NOW })
})
afterAll(() => lab.close())

type Item = { volid: string; ctime: number; size: number; vmid: number; notes?: string }

describe('PVE storage content', () => {
  it('lists the same archives on a shared storage from every node', async () => {
    const s = source(lab, 'pve/homelab')
    const { nodes, storage } = lab.model.facts.sharedStorage
    const lists = await Promise.all(
      nodes.map((n) => data<Item[]>(s, `/nodes/${n}/storage/${storage}/content?content=backup`)),
    )
    expect(lists[0]?.length).toBeGreaterThan(0)
    for (const list of lists) expect(list).toEqual(lists[0])
  })

  it("keeps a migrated guest's older backups on its previous node's local storage", async () => {
    const s = source(lab, 'pve/homelab')
    const m = lab.model.facts.migratedGuest
    const before = await data<Item[]>(
      s,
      `/nodes/${m.previousNode}/storage/local/content?vmid=${m.vmid}`,
    )
    const after = await data<Item[]>(
      s,
      `/nodes/${m.currentNode}/storage/local/content?vmid=${m.vmid}`,
    )
    expect(before.length).toBeGreaterThan(0)
    expect(after.length).toBeGreaterThan(0)
    expect(Math.max(...before.map((i) => i.ctime))).toBeLessThan(
      Math.min(...after.map((i) => i.ctime)),
    )
  })

  it('sorts content case-insensitively by volid', async () => {
    const list = await data<Item[]>(
      source(lab, 'pve/homelab'),
      '/nodes/pve1/storage/nas-nfs/content',
    )
    const volids = list.map((i) => i.volid.toLowerCase())
    expect(volids).toEqual([...volids].sort())
  })

  it('shows an in-progress PBS snapshot through the pbs-type storage with size 1 and no notes', async () => {
    const f = lab.model.facts.inProgress
    const list = await data<Item[]>(
      source(lab, 'pve/homelab'),
      `/nodes/pve1/storage/${f.pveStorage}/content?vmid=${f.vmid}`,
    )
    const item = list.find((i) => i.ctime === f.pbs.time)
    expect(item?.size).toBe(1)
    expect(item?.notes).toBeUndefined()
  })

  it('lists only the pbs storage\'s configured namespace on a storage whose name lacks "pbs"', async () => {
    const f = lab.model.facts.pbsStorageNotNamedPbs
    const list = await data<Item[]>(
      source(lab, 'pve/homelab'),
      `/nodes/pve1/storage/${f.storage}/content`,
    )
    const archived = lab.model.pbs[0]?.datastores[0]?.groups
      .filter((g) => g.ns === 'homelab/archive')
      .flatMap((g) => g.snapshots.map((x) => x.time))
    expect(list.every((i) => i.volid.startsWith(`${f.storage}:backup/`))).toBe(true)
    expect(list.some((i) => archived?.includes(i.ctime))).toBe(false)
    expect(list.some((i) => i.vmid === lab.model.facts.vmidCollision.vmid)).toBe(true)
  })

  it('omits disabled storages when filtering node storages by backup content', async () => {
    const s = source(lab, 'pve/homelab')
    const all = await data<{ storage: string; enabled: number }[]>(s, '/nodes/pve1/storage')
    const backup = await data<{ storage: string }[]>(s, '/nodes/pve1/storage?content=backup')
    expect(all.find((x) => x.storage === 'old-usb')?.enabled).toBe(0)
    expect(backup.map((x) => x.storage)).not.toContain('old-usb')
    expect(backup.map((x) => x.storage)).toContain(lab.model.facts.dirStorageNamedPbs.storage)
  })
})
