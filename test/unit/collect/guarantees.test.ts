// What the cluster-wide calls must not cost: an offline node keeps its previous local backups,
// tasks and snapshots (even though /cluster/tasks still lists what it broadcast last) with a
// warning, and a PBS datastore in offline maintenance keeps its previous groups and snapshots,
// marked held (the calls PBS would refuse are not made; test/unit/collect/pbs-held.test.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PbsFacts, PveFacts } from '../../../functions/collect/facts.ts'
import { type RunningLab, startLab } from '../../lab/server.ts'
import { NOW } from '../../lab/test-helpers.ts'
import { collectSource, sourceConfigs } from './lab-collect.ts'

let lab: RunningLab
beforeAll(async () => {
  lab = await startLab({ preset: 'demo', seed: 1, now: NOW })
})
afterAll(() => lab.close())

describe('previous facts are kept where upstream cannot tell', () => {
  it('keeps an offline node’s local backups, tasks and snapshots', async () => {
    const source = sourceConfigs(lab)[0]
    if (!source) throw new Error('no source')
    const before = (await collectSource(lab, source, { now: NOW })) as PveFacts
    lab.setFaults([{ kind: 'node-offline', source: 'pve/homelab', node: 'pve2' }])
    try {
      const after = (await collectSource(lab, source, {
        now: NOW + 60,
        previous: before,
      })) as PveFacts
      const onPve2 = <T extends { node: string }>(list: T[]) =>
        list.filter((x) => x.node === 'pve2')
      expect(onPve2(before.tasks).length).toBeGreaterThan(0)
      expect(onPve2(after.tasks)).toEqual(onPve2(before.tasks))
      expect(after.backups.filter((b) => b.node === 'pve2' && !b.shared)).toEqual(
        before.backups.filter((b) => b.node === 'pve2' && !b.shared),
      )
      const pve2Guests = new Set(before.guests.filter((g) => g.node === 'pve2').map((g) => g.vmid))
      expect(after.snapshots.filter((s) => pve2Guests.has(s.vmid))).toEqual(
        before.snapshots.filter((s) => pve2Guests.has(s.vmid)),
      )
      expect(after.warnings).toContain('node pve2 is offline')
      expect(after.nodes.find((n) => n.name === 'pve2')?.online).toBe(false)
      // Nothing was asked of the offline node (it would have answered 595: "node unreachable").
      expect(after.warnings.filter((w) => w.includes('unreachable'))).toEqual([])
      expect(after.deferred).toEqual([])
    } finally {
      lab.clearFaults()
    }
  })

  it('keeps an offline PBS datastore’s groups and snapshots, marked held', async () => {
    const source = sourceConfigs(lab).find((s) => s.kind === 'pbs')
    if (!source) throw new Error('no pbs source')
    const before = (await collectSource(lab, source, { now: NOW })) as PbsFacts
    lab.setFaults([{ kind: 'datastore-unavailable', source: 'pbs/pbs', datastore: 'store1' }])
    try {
      const after = (await collectSource(lab, source, {
        now: NOW + 60,
        previous: before,
      })) as PbsFacts
      const inStore1 = <T extends { datastore: string }>(list: T[]) =>
        list.filter((x) => x.datastore === 'store1')
      expect(inStore1(before.snapshots).length).toBeGreaterThan(0)
      expect(inStore1(after.snapshots)).toEqual(inStore1(before.snapshots))
      expect(inStore1(after.groups)).toEqual(inStore1(before.groups))
      // Was: a warning from the failing listing. /admin/datastore says "offline", so no listing
      // is asked and the store is held instead (reason and since in /api/status).
      expect(after.datastores.find((d) => d.store === 'store1')?.held).toEqual({
        mode: 'maintenance:offline',
        reason: 'offline maintenance',
        since: NOW + 60,
      })
    } finally {
      lab.clearFaults()
    }
  })

  it('derives PBS groups as the groups listing tells them (last finished backup, count, owner)', async () => {
    const source = sourceConfigs(lab).find((s) => s.kind === 'pbs')
    if (!source) throw new Error('no pbs source')
    const facts = (await collectSource(lab, source, { now: NOW })) as PbsFacts
    const server = lab.model.pbs[0]
    if (!server) throw new Error('no server')
    for (const ds of server.datastores) {
      for (const g of ds.groups.filter((x) => x.type !== 'host')) {
        const finished = g.snapshots.filter((s) => !s.inProgress)
        const last = (finished.length > 0 ? finished : g.snapshots).at(-1)
        expect(
          facts.groups.find(
            (f) =>
              f.datastore === ds.store &&
              f.namespace === g.ns &&
              f.backupType === g.type &&
              f.backupId === g.id,
          ),
        ).toEqual({
          datastore: ds.store,
          namespace: g.ns,
          backupType: g.type,
          backupId: g.id,
          lastBackup: last?.time,
          backupCount: g.snapshots.length,
          owner: g.owner,
        })
      }
    }
  })
})
