// The lab's GET /admin/datastore/{store}/groups answers as PBS 4 does (proxmox-api.md §2.5), and
// as the collector reads them (PbsGroupSchema, strictly: no item may need dropping): every
// group of the namespace, `comment` the first line of the group's notes, absent without notes,
// and never the snapshots' comments.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PbsGroupSchema } from '../../functions/proxmox/pbs-schemas.ts'
import { type RunningLab, startLab } from './server.ts'
import { data, NOW, source } from './test-helpers.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'demo', seed: 1, now: NOW })
})
afterAll(() => lab.close())

type GroupItem = Record<string, unknown>

const FIELDS = ['backup-type', 'backup-id', 'last-backup', 'backup-count', 'files', 'owner']

describe('PBS groups listing', () => {
  it('lists every group of each namespace in the documented shape, comments from the notes', async () => {
    const pbs = source(lab, 'pbs/pbs')
    const store = lab.model.pbs[0]?.datastores.find((d) => d.store === 'store1')
    if (!store) throw new Error('no store1')
    let commented = 0
    for (const ns of store.namespaces) {
      const items = await data<GroupItem[]>(pbs, `/admin/datastore/store1/groups?ns=${ns}`)
      const model = store.groups.filter((g) => g.ns === ns)
      expect(items.map((i) => `${i['backup-type']}/${i['backup-id']}`).sort()).toEqual(
        model.map((g) => `${g.type}/${g.id}`).sort(),
      )
      for (const item of items) {
        expect(PbsGroupSchema.safeParse(item).success, JSON.stringify(item)).toBe(true)
        const keys = Object.keys(item)
        expect(keys.filter((k) => !FIELDS.includes(k) && k !== 'comment')).toEqual([])
        expect(FIELDS.filter((k) => !keys.includes(k))).toEqual([])
        expect(item.files).toEqual(expect.arrayContaining([expect.any(String)]))
        const group = model.find(
          (g) => g.type === item['backup-type'] && g.id === item['backup-id'],
        )
        expect(item.comment).toBe(group?.comment)
        if (typeof item.comment === 'string') {
          commented += 1
          expect(item.comment).not.toContain('\n')
        }
      }
    }
    // The scenario's: the parked guest's and its archive group's, and the retired orphan's.
    const { parked, noted } = lab.model.facts.groupComments
    expect(commented).toBe(noted.length + 1)
    const items = await data<GroupItem[]>(
      pbs,
      `/admin/datastore/${parked.datastore}/groups?ns=${parked.namespace}`,
    )
    const item = items.find((i) => i['backup-type'] === parked.type && i['backup-id'] === parked.id)
    // Its notes have two lines: the first is listed.
    expect(item?.comment).toBe('no-monitor: test VM, rebuilt by hand')
    // The snapshots of that group carry their own comments (the notes template), not this.
    const snapshots = await data<GroupItem[]>(
      pbs,
      `/admin/datastore/${parked.datastore}/snapshots?ns=${parked.namespace}&backup-type=${parked.type}&backup-id=${parked.id}`,
    )
    expect(snapshots.length).toBeGreaterThan(0)
    expect(snapshots.some((s) => s.comment === item?.comment)).toBe(false)
  })
})
