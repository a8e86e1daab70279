// The cluster-wide answers the collectors rely on instead of per-node calls: /cluster/tasks,
// /cluster/resources storage entries, and a PBS snapshot listing of a whole namespace.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { CLUSTER_TASKS_FINISHED_PER_NODE } from './pve-task-routes.ts'
import { type RunningLab, startLab } from './server.ts'
import { data, get, NOW, source } from './test-helpers.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'demo', seed: 1, now: NOW })
})
afterEach(() => lab.clearFaults())
afterAll(() => lab.close())

type Task = { upid: string; node: string; starttime: number; status?: string; endtime?: number }

describe('/cluster/tasks', () => {
  it('lists every running task and the newest finished ones of each node, as the node lists them', async () => {
    const pve = source(lab, 'pve/homelab')
    const all = await data<Task[]>(pve, '/cluster/tasks')
    const cluster = lab.model.clusters[0]
    if (!cluster) throw new Error('no cluster')
    for (const node of cluster.nodes) {
      const mine = all.filter((t) => t.node === node.name)
      const finished = mine.filter((t) => t.endtime !== undefined)
      const listed = await data<Task[]>(pve, `/nodes/${node.name}/tasks?source=all&limit=1000`)
      const newest = listed
        .filter((t) => t.status !== 'RUNNING')
        .slice(0, CLUSTER_TASKS_FINISHED_PER_NODE)
      expect(finished).toEqual(newest)
      for (const t of mine.filter((x) => x.endtime === undefined)) {
        expect(t).not.toHaveProperty('status')
        expect(listed).toContainEqual({ ...t, status: 'RUNNING' })
      }
    }
    // The demo history is longer than the window on at least one node.
    const pve1 = await data<Task[]>(pve, '/nodes/pve1/tasks?limit=1000')
    expect(pve1.length).toBeGreaterThan(CLUSTER_TASKS_FINISHED_PER_NODE)
  })

  it('takes no parameters', async () => {
    const res = await get(source(lab, 'pve/homelab'), '/cluster/tasks?typefilter=vzdump')
    expect(res.status).toBe(400)
    expect(((await res.json()) as { errors: Record<string, string> }).errors).toHaveProperty(
      'typefilter',
    )
  })

  it('still lists what an offline node broadcast last, while its own task list answers 595', async () => {
    const pve = source(lab, 'pve/homelab')
    const before = (await data<Task[]>(pve, '/cluster/tasks')).filter((t) => t.node === 'pve2')
    lab.setFaults([{ kind: 'node-offline', source: 'pve/homelab', node: 'pve2' }])
    const after = (await data<Task[]>(pve, '/cluster/tasks')).filter((t) => t.node === 'pve2')
    expect(after).toEqual(before)
    expect((await get(pve, '/nodes/pve2/tasks')).status).toBe(595)
  })
})

describe('/cluster/resources storage entries', () => {
  type Entry = { storage: string; node: string; status: string; shared: number; disk?: number }

  it('has one entry per node a storage is enabled on, available while active', async () => {
    const pve = source(lab, 'pve/homelab')
    const entries = await data<Entry[]>(pve, '/cluster/resources?type=storage')
    const pve1 = entries.filter((e) => e.node === 'pve1').map((e) => e.storage)
    const pve2 = entries.filter((e) => e.node === 'pve2').map((e) => e.storage)
    // pbs-backup is restricted to pve1, old-usb is disabled.
    expect(pve1).toContain('pbs-backup')
    expect(pve2).not.toContain('pbs-backup')
    expect(entries.map((e) => e.storage)).not.toContain('old-usb')
    expect(entries.every((e) => e.status === 'available')).toBe(true)
    expect(entries.find((e) => e.storage === 'nas-nfs')?.shared).toBe(1)
    // The same facts as the node's own storage list (content=backup: enabled and active).
    const own = await data<{ storage: string }[]>(pve, '/nodes/pve1/storage?content=backup')
    expect(own.map((s) => s.storage).sort()).toEqual(
      entries
        .filter((e) => e.node === 'pve1' && e.storage !== 'old-usb')
        .filter((e) => ['local', 'backup-main', 'nas-nfs', 'pbs-backup'].includes(e.storage))
        .map((e) => e.storage)
        .sort(),
    )
  })

  it('shows an offline node as offline and its storages as unknown, without usage', async () => {
    lab.setFaults([{ kind: 'node-offline', source: 'pve/homelab', node: 'pve2' }])
    const all = await data<Record<string, unknown>[]>(
      source(lab, 'pve/homelab'),
      '/cluster/resources',
    )
    const node = all.find((e) => e.type === 'node' && e.node === 'pve2')
    expect(node?.status).toBe('offline')
    const storages = all.filter((e) => e.type === 'storage' && e.node === 'pve2')
    expect(storages.length).toBeGreaterThan(0)
    for (const s of storages) {
      expect(s.status).toBe('unknown')
      expect(s).not.toHaveProperty('disk')
    }
    const online = all.filter((e) => e.type === 'storage' && e.node === 'pve1')
    expect(online.every((s) => s.status === 'available')).toBe(true)
  })

  it('shows a PBS storage whose datastore is down as unknown on every node', async () => {
    lab.setFaults([{ kind: 'datastore-unavailable', source: 'pbs/pbs', datastore: 'store1' }])
    const entries = await data<Entry[]>(
      source(lab, 'pve/homelab'),
      '/cluster/resources?type=storage',
    )
    const main = entries.filter((e) => e.storage === 'backup-main')
    expect(main.length).toBeGreaterThan(0)
    expect(main.every((e) => e.status === 'unknown')).toBe(true)
  })
})

describe('PBS snapshots of a whole namespace', () => {
  it('returns the same snapshots as the per-group listings together', async () => {
    const pbs = source(lab, 'pbs/pbs')
    const groups = await data<{ 'backup-type': string; 'backup-id': string }[]>(
      pbs,
      '/admin/datastore/store1/groups?ns=homelab',
    )
    const whole = await data(pbs, '/admin/datastore/store1/snapshots?ns=homelab')
    const perGroup = (
      await Promise.all(
        groups.map((g) =>
          data(
            pbs,
            `/admin/datastore/store1/snapshots?ns=homelab&backup-type=${g['backup-type']}&backup-id=${g['backup-id']}`,
          ),
        ),
      )
    ).flat()
    expect(groups.length).toBeGreaterThan(1)
    expect(whole).toEqual(perGroup)
  })
})
