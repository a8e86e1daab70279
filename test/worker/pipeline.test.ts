// The backup pipeline against the simulated lab, inside workerd: collect → normalize → KV →
// /api. Every assertion is about what a user reads from the API.
import { beforeAll, describe, expect, it, vi } from 'vitest'
import { workerSourceId } from '../../scripts/lab-env.ts'
import { getFilteredAge } from '../../shared/age.ts'
import { GuestRecordSchema, OrphanRecordSchema } from '../../shared/schema/guest.ts'
import { GuestIndexSchema } from '../../shared/schema/index.ts'
import { StatusSchema } from '../../shared/schema/status.ts'
import { resetLabStats } from '../lab/client.ts'
import { call, labEnv, labModel, labUrl } from './lab.ts'
import { refresh } from './local-coordinator.ts'

const testEnv = labEnv({ PULSE_SUBREQUEST_BUDGET: '1000' })
const { now, facts } = labModel()

async function readIndex() {
  return GuestIndexSchema.parse(await (await call(testEnv, '/api/guests')).json())
}

async function readGuest(cluster: string, vmid: number) {
  const response = await call(testEnv, `/api/guests/${cluster}/${vmid}`)
  expect(response.status).toBe(200)
  return GuestRecordSchema.parse(await response.json())
}

beforeAll(async () => {
  await resetLabStats(labUrl)
  const report = await refresh(testEnv, { now, reason: 'test', subrequestBudget: 1000 })
  expect(report.sources.map((s) => s.lastError)).toEqual([null, null, null])
})

describe('the design note example (guest 111 "debian")', () => {
  it('reads 17 h under PVE, 11 h under PBS and 11 h under All, from exact timestamps', async () => {
    const g = facts.designGuest
    const index = await readIndex()
    const guest = index.guests.find((x) => x.key === `${g.cluster}/${g.vmid}`)
    expect(guest?.guestName).toBe('debian')
    expect(guest?.latestTimes.pve).toBe(g.pveBackupTime)
    expect(guest?.latestTimes.pbs).toBe(g.pbsBackupTime)
    if (!guest) throw new Error('guest 111 missing')
    expect(getFilteredAge(guest, 'pve', now)).toBe(17 * 3600)
    expect(getFilteredAge(guest, 'pbs', now)).toBe(11 * 3600)
    expect(getFilteredAge(guest, 'all', now)).toBe(11 * 3600)
  })

  it('keeps the exact timestamps in backupDates and the guest snapshot in its own filter', async () => {
    const g = facts.designGuest
    const record = await readGuest(g.cluster, g.vmid)
    const all = record.backupDates.flatMap((d) => [
      ...d.timestamps.pveBackups,
      ...d.timestamps.pbsSnapshots,
    ])
    expect(all).toContain(g.pveBackupTime)
    expect(all).toContain(g.pbsBackupTime)
    expect(record.latestTimes.snapshots).toBe(g.snapshotTime)
    expect(record.latestBackupTime).toBe(g.pbsBackupTime)
  })
})

describe('the five problems of the design note', () => {
  it('lists a shared storage once, however many nodes mount it', async () => {
    const stats = (await (await fetch(`${labUrl}/_lab/stats`)).json()) as Record<string, unknown>
    const shared = facts.sharedStorage
    const text = JSON.stringify(stats)
    const pattern = new RegExp(`/nodes/[^/"]+/storage/${shared.storage}/content`, 'g')
    expect(shared.nodes.length).toBeGreaterThan(1)
    expect(text.match(pattern)?.length ?? 0).toBeLessThanOrEqual(1)
    const index = await readIndex()
    for (const summary of index.guests.filter((x) => x.cluster === shared.cluster)) {
      const record = await readGuest(summary.cluster, summary.guestId)
      const names = record.backups.filter((b) => b.location === shared.storage).map((b) => b.name)
      expect(new Set(names).size).toBe(names.length)
    }
  })

  it('keeps backups made on the node a guest migrated away from', async () => {
    const m = facts.migratedGuest
    const record = await readGuest(m.cluster, m.vmid)
    expect(record.node).toBe(m.currentNode)
    expect(record.backups.some((b) => b.kind === 'pve' && b.node === m.previousNode)).toBe(true)
  })

  it('never mixes the backups of two clusters that share a VMID', async () => {
    const c = facts.vmidCollision
    const index = await readIndex()
    for (const guest of c.guests) {
      const record = await readGuest(guest.cluster, c.vmid)
      expect(record.guestName).toBe(guest.name)
      const pbsLocations = record.backups.filter((b) => b.kind === 'pbs').map((b) => b.location)
      expect(pbsLocations.every((l) => l === `${c.datastore}/${guest.namespace}`)).toBe(true)
    }
    const ambiguous = index.ambiguous.find((a) => a.guestId === c.vmid)
    expect(ambiguous?.namespace).toBe(c.ambiguousGroup.namespace)
    expect(ambiguous?.candidates).toEqual(c.guests.map((g) => g.cluster).sort())
  })

  it('keeps two guests with the same name apart', async () => {
    const d = facts.duplicateName
    const index = await readIndex()
    const named = index.guests.filter((x) => x.guestName === d.name)
    expect(named.map((x) => x.key).sort()).toEqual(
      d.guests.map((g) => `${g.cluster}/${g.vmid}`).sort(),
    )
  })
})

describe('classification and exclusions', () => {
  it('counts a PBS snapshot seen directly and through a PVE pbs storage once', async () => {
    const index = await readIndex()
    for (const summary of index.guests.slice(0, 10)) {
      const record = await readGuest(summary.cluster, summary.guestId)
      const pbs = record.backups
        .filter((b) => b.kind === 'pbs')
        .map((b) => `${b.location}@${b.time}`)
      expect(new Set(pbs).size).toBe(pbs.length)
    }
  })

  it('treats a dir storage named "pbs-backup" as PVE archives (type, not name)', async () => {
    const d = facts.dirStorageNamedPbs
    const index = await readIndex()
    const records = await Promise.all(
      index.guests
        .filter((x) => x.cluster === d.cluster)
        .map((x) => readGuest(x.cluster, x.guestId)),
    )
    const items = records.flatMap((r) => r.backups.filter((b) => b.location === d.storage))
    expect(items.length).toBeGreaterThan(0)
    expect(items.every((b) => b.kind === 'pve')).toBe(true)
  })

  it('never counts an in-progress backup as the latest', async () => {
    const p = facts.inProgress
    const record = await readGuest(p.cluster, p.vmid)
    expect(record.backups.some((b) => b.inProgress && b.time === p.pbs.time)).toBe(true)
    expect(record.latestTimes.pbs).not.toBe(p.pbs.time)
    expect(record.backingUp).toBe(true)
  })

  it('reports backups of a VMID that no longer exists as an orphan', async () => {
    const index = await readIndex()
    expect(index.orphans.some((o) => o.guestId === facts.orphan.vmid)).toBe(true)
    expect(index.guests.some((g) => g.guestId === facts.orphan.vmid)).toBe(false)
  })

  it('shows a multi-guest job failure on the guest that failed, with the error text', async () => {
    const t = facts.failedTask
    const failed = await readGuest(t.cluster, t.failedVmid)
    expect(failed.lastJob?.outcome).toBe('failed')
    expect(failed.lastJob?.error).toContain(t.reason)
  })

  it('marks guests no backup job covers', async () => {
    const index = await readIndex()
    for (const n of facts.notBackedUp) {
      expect(index.guests.find((g) => g.key === `${n.cluster}/${n.vmid}`)?.covered).toBe(false)
    }
  })
})

async function readOrphan(key: string) {
  const response = await call(testEnv, `/api/orphans/${key}`)
  expect(response.status, key).toBe(200)
  return OrphanRecordSchema.parse(await response.json())
}

describe('orphans as full records', () => {
  it('publishes a record for every orphan of the index, served by /api/orphans/<key>', async () => {
    const index = await readIndex()
    expect(index.orphans.length).toBeGreaterThan(1)
    for (const orphan of index.orphans) {
      const { backups, backupDates, ...summary } = await readOrphan(orphan.key)
      expect(summary).toEqual(orphan)
      expect(backups.filter((b) => !b.inProgress)).toHaveLength(orphan.count)
      expect(backupDates.reduce((n, d) => n + d.count, 0)).toBe(orphan.count)
    }
  })

  it('shows orphan 4242 with its archive and PBS snapshot, each with its own time', async () => {
    const o = facts.orphan
    const record = await readOrphan(`${o.cluster}/${o.vmid}`)
    expect([record.cluster, record.pbsGroup]).toEqual([o.cluster, null])
    expect(record.latestTimes).toEqual({ pve: o.pbs.time, pbs: o.pbs.time, snapshots: null })
    expect(record.backups.map((b) => [b.kind, b.location])).toEqual(
      expect.arrayContaining([
        ['pve', o.storage],
        ['pbs', `${o.pbs.datastore}/${o.pbs.namespace}`],
      ]),
    )
    expect(record.backups.find((b) => b.kind === 'pve')?.name).toBe(o.volid)
    expect(record.backupDates.flatMap((d) => d.timestamps.pbsSnapshots)).toEqual([o.pbs.time])
  })

  it('keeps a group of a namespace no cluster maps as its own orphan, with namespace and owner', async () => {
    const u = facts.unplacedOrphan
    const [first] = u.snapshots
    if (!first) throw new Error('the lab has no unplaced orphan snapshots')
    const source = workerSourceId(u.source)
    const key = `pbs/${source}/${first.datastore}/${first.namespace}/${first.type}/${first.id}`
    const index = await readIndex()
    expect(index.orphans.filter((x) => x.guestId === Number(first.id)).map((x) => x.key)).toEqual([
      key,
    ])
    const record = await readOrphan(key)
    expect(record.cluster).toBeNull()
    expect(record.pbsGroup).toEqual({
      source,
      datastore: first.datastore,
      namespace: first.namespace,
      owner: u.owner,
    })
    expect(record.backups.map((b) => b.time)).toEqual(
      u.snapshots.map((s) => s.time).sort((a, b) => b - a),
    )
    expect(record.latestTimes.pbs).toBe(Math.max(...u.snapshots.map((s) => s.time)))
  })
})

describe('storage and serving', () => {
  it('settles to writing no KV key at all when nothing new happens upstream', async () => {
    // The first runs also read older vzdump logs a few per node per run (job outcomes of
    // guests not in the newest jobs); once those are known, a refresh changes nothing, and
    // status lives in the coordinator, not in KV. Counted at the KV binding itself.
    const puts = vi.spyOn(testEnv.PULSE_KV, 'put')
    const deletes = vi.spyOn(testEnv.PULSE_KV, 'delete')
    const writes: number[] = []
    for (let run = 1; run <= 10; run++) {
      const before = puts.mock.calls.length + deletes.mock.calls.length
      const report = await refresh(testEnv, {
        now: now + run,
        reason: 'test',
        subrequestBudget: 1000,
      })
      const counted = puts.mock.calls.length + deletes.mock.calls.length - before
      expect(report.kvWrites + report.kvDeletes).toBe(counted)
      writes.push(counted)
      if (writes.slice(-2).join() === '0,0') break
    }
    expect(writes.slice(-2)).toEqual([0, 0])
    puts.mockRestore()
    deletes.mockRestore()
  })

  it('answers /api/guests with an ETag and 304 when it has not changed', async () => {
    const first = await call(testEnv, '/api/guests')
    const etag = first.headers.get('etag')
    expect(etag).toMatch(/^W\/"[0-9a-f]{40}"$/)
    const second = await call(testEnv, '/api/guests', { headers: { 'if-none-match': etag ?? '' } })
    expect(second.status).toBe(304)
  })

  it('reports every source as fresh in /api/status', async () => {
    const status = StatusSchema.parse(await (await call(testEnv, '/api/status')).json())
    expect(status.sources.map((s) => [s.id, s.stale, s.lastError])).toEqual([
      ['homelab', false, null],
      ['office', false, null],
      ['pbs', false, null],
    ])
    expect(status.sources.every((s) => (s.lastSuccess ?? 0) >= now)).toBe(true)
  })
})
