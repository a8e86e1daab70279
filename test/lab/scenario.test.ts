// The fixed scenario as seen through the API: design-note times, snapshots, tasks, PBS quirks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type RunningLab, startLab } from './server.ts'
import { data, NOW, source } from './test-helpers.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'tiny', seed: 7, now: NOW })
})
afterAll(() => lab.close())

type Snap = { name: string; snaptime?: number }

describe('scenario', () => {
  it("shows guest 111's newest vzdump exactly 17 h and newest PBS snapshot exactly 11 h before now", async () => {
    const d = lab.model.facts.designGuest
    const pve = source(lab, 'pve/homelab')
    const files = await data<{ ctime: number }[]>(
      pve,
      `/nodes/${d.node}/storage/${d.pveStorage}/content?content=backup&vmid=${d.vmid}`,
    )
    expect(Math.max(...files.map((f) => f.ctime))).toBe(NOW - 17 * 3600)
    const snaps = await data<{ 'backup-time': number }[]>(
      source(lab, 'pbs/pbs'),
      `/admin/datastore/${d.pbsDatastore}/snapshots?ns=${d.pbsNamespace}&backup-type=vm&backup-id=${d.vmid}`,
    )
    expect(Math.max(...snaps.map((s) => s['backup-time']))).toBe(NOW - 11 * 3600)
  })

  it('lists a vzdump archive made at 23:30 New York time, which is the next day in UTC', async () => {
    const f = lab.model.facts.lateNightBackup
    const local = new Intl.DateTimeFormat('en-CA', {
      timeZone: f.viewerTimeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    }).format(f.time * 1000)
    expect(local).toBe(`${f.localDate}, 23:30`)
    expect(new Date(f.time * 1000).toISOString().slice(0, 10)).not.toBe(f.localDate)
    const files = await data<{ ctime: number; vmid: number; notes?: string }[]>(
      source(lab, 'pve/homelab'),
      `/nodes/${lab.model.clusters[0]?.nodes[0]?.name}/storage/${f.storage}/content?content=backup&vmid=${f.vmid}`,
    )
    expect(files.map((x) => x.ctime)).toContain(f.time)
    expect(files.find((x) => x.ctime === f.time)?.notes).toBe(f.notes)
  })

  it('serves the guest whose name is HTML exactly as named', async () => {
    const f = lab.model.facts.hostileName
    const resources = await data<{ vmid?: number; name?: string }[]>(
      source(lab, 'pve/homelab'),
      '/cluster/resources?type=vm',
    )
    expect(resources.find((r) => r.vmid === f.vmid)?.name).toBe('<img src=x onerror=alert(1)>')
  })

  it('ends snapshot lists with "current", which has no snaptime', async () => {
    const d = lab.model.facts.designGuest
    const list = await data<Snap[]>(
      source(lab, 'pve/homelab'),
      `/nodes/${d.node}/qemu/${d.vmid}/snapshot`,
    )
    expect(list.length).toBeGreaterThan(1)
    expect(list[list.length - 1]?.name).toBe('current')
    expect(list[list.length - 1]).not.toHaveProperty('snaptime')
    expect(list.find((s) => s.name === d.snapshotName)?.snaptime).toBe(NOW - 14 * 3600)
  })

  it('answers a snapshot request on the wrong node with 500 and the missing config file', async () => {
    const d = lab.model.facts.designGuest
    const res = await fetch(
      `${source(lab, 'pve/homelab').url}/api2/json/nodes/pve2/qemu/${d.vmid}/snapshot`,
      {
        headers: {
          authorization: `PVEAPIToken=${source(lab, 'pve/homelab').tokenId}=${source(lab, 'pve/homelab').tokenSecret}`,
        },
      },
    )
    expect(res.status).toBe(500)
    expect(((await res.json()) as { message: string }).message).toBe(
      `Configuration file 'nodes/pve2/qemu-server/${d.vmid}.conf' does not exist\n`,
    )
  })

  it('has an in-progress PBS snapshot without size and without index.json.blob', async () => {
    const f = lab.model.facts.inProgress
    const snaps = await data<Record<string, unknown>[]>(
      source(lab, 'pbs/pbs'),
      `/admin/datastore/${f.pbs.datastore}/snapshots?ns=${f.pbs.namespace}&backup-id=${f.pbs.id}`,
    )
    const busy = snaps.find((s) => s['backup-time'] === f.pbs.time)
    expect(busy).toBeDefined()
    expect(busy).not.toHaveProperty('size')
    expect(busy).not.toHaveProperty('verification')
    expect(((busy?.files ?? []) as { filename: string }[]).map((x) => x.filename)).not.toContain(
      'index.json.blob',
    )
  })

  it('shows the running vzdump task only with source=active and locks its guest', async () => {
    const f = lab.model.facts.inProgress
    const pve = source(lab, 'pve/homelab')
    const archive = await data<{ upid: string }[]>(pve, `/nodes/${f.node}/tasks?typefilter=vzdump`)
    expect(archive.map((t) => t.upid)).not.toContain(f.runningTaskUpid)
    const active = await data<{ upid: string; status: string; endtime?: number }[]>(
      pve,
      `/nodes/${f.node}/tasks?source=active`,
    )
    expect(active).toEqual([
      expect.objectContaining({ upid: f.runningTaskUpid, status: 'RUNNING' }),
    ])
    expect(active[0]).not.toHaveProperty('endtime')
    const guests = await data<{ vmid: number; lock?: string }[]>(pve, '/cluster/resources?type=vm')
    expect(guests.find((g) => g.vmid === f.vmid)?.lock).toBe('backup')
  })

  it('logs the failed multi-guest job per guest with an empty task id and status "job errors"', async () => {
    const f = lab.model.facts.failedTask
    const pve = source(lab, 'pve/homelab')
    const tasks = await data<{ upid: string; id: string; status: string }[]>(
      pve,
      `/nodes/${f.node}/tasks?limit=500`,
    )
    expect(tasks.find((t) => t.upid === f.upid)).toMatchObject({ id: '', status: 'job errors' })
    const log = await data<{ t: string }[]>(
      pve,
      `/nodes/${f.node}/tasks/${encodeURIComponent(f.upid)}/log?start=0&limit=1000`,
    )
    const text = log.map((l) => l.t)
    expect(text).toContain(`INFO: Finished Backup of VM ${f.okVmid} (00:01:35)`)
    expect(text).toContain(`ERROR: Backup of VM ${f.failedVmid} failed - ${f.reason}`)
  })

  it('lists never-covered guests and the template in not-backed-up', async () => {
    const list = await data<{ vmid: number }[]>(
      source(lab, 'pve/homelab'),
      '/cluster/backup-info/not-backed-up',
    )
    expect(list.map((g) => g.vmid)).toEqual(
      expect.arrayContaining([lab.model.facts.neverBackedUp.vmid, lab.model.facts.template.vmid]),
    )
  })

  it('puts VMID 100 of both clusters in different namespaces and an ambiguous copy in the root', async () => {
    const c = lab.model.facts.vmidCollision
    const pbs = source(lab, 'pbs/pbs')
    for (const g of c.guests) {
      const groups = await data<{ 'backup-id': string; owner: string }[]>(
        pbs,
        `/admin/datastore/${c.datastore}/groups?ns=${g.namespace}`,
      )
      expect(groups.find((x) => x['backup-id'] === String(c.vmid))?.owner).toBe(g.owner)
    }
    const root = await data<{ 'backup-id': string; owner: string; comment?: string }[]>(
      pbs,
      `/admin/datastore/${c.datastore}/groups`,
    )
    const ambiguous = root.find((x) => x['backup-id'] === c.ambiguousGroup.id)
    expect(ambiguous?.owner).toBe('root@pam')
    expect(ambiguous).not.toHaveProperty('comment')
  })

  it('lists namespaces flat and recursively, starting with the root', async () => {
    const list = await data<{ ns: string }[]>(
      source(lab, 'pbs/pbs'),
      '/admin/datastore/store1/namespace',
    )
    expect(list[0]).toEqual({ ns: '' })
    expect(list.map((n) => n.ns)).toEqual(
      expect.arrayContaining(['homelab', 'homelab/archive', 'office']),
    )
  })
})
