import { describe, expect, it } from 'vitest'
import {
  guestOf,
  HOUR,
  makeArchive,
  makePbsFacts,
  makePbsListing,
  makePbsSnapshot,
  makePbsStorage,
  makePveFacts,
  NOW,
  normalize,
} from './builders.ts'

describe('shared storage', () => {
  it('counts an archive on shared storage once even when three nodes list it', () => {
    const shared = { storage: 'nas-nfs', storageType: 'nfs', shared: true, ctime: NOW - 5 * HOUR }
    const result = normalize({
      pve: [
        makePveFacts({
          backups: ['pve1', 'pve2', 'pve3'].map((node) =>
            makeArchive({ ...shared, node, volid: 'nas-nfs:backup/vzdump-qemu-100-x.vma.zst' }),
          ),
        }),
      ],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect(record.counts.pve).toBe(1)
    expect(record.backups).toEqual([expect.not.objectContaining({ node: expect.anything() })])
  })

  it("counts same-named archives on two nodes' local storage as two archives", () => {
    const volid = 'local:backup/vzdump-qemu-100-2025_06_07-14_00_00.vma.zst'
    const result = normalize({
      pve: [
        makePveFacts({
          backups: [makeArchive({ node: 'pve1', volid }), makeArchive({ node: 'pve2', volid })],
        }),
      ],
    })
    expect(guestOf(result, 'cluster-a/100').backups.map((b) => b.node)).toEqual(['pve1', 'pve2'])
  })
})

describe('PBS snapshots seen both directly and through PVE', () => {
  const direct = makePbsFacts({
    snapshots: [makePbsSnapshot({ backupTime: NOW - 11 * HOUR, verification: 'ok' })],
  })

  it("counts a snapshot listed by PBS and by a PVE pbs storage once, with PBS's details", () => {
    const result = normalize({
      pve: [
        makePveFacts({
          storages: [makePbsStorage()],
          backups: [makePbsListing({ ctime: NOW - 11 * HOUR, verification: undefined })],
        }),
      ],
      pbs: [direct],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect(record.counts.pbs).toBe(1)
    expect(record.backups).toEqual([
      expect.objectContaining({ kind: 'pbs', location: 'store1', verification: 'ok' }),
    ])
  })

  it('still counts it once when PVE names the PBS host by IP and the source by name', () => {
    const target = { server: '192.0.2.10', datastore: 'store1', namespace: '' }
    const result = normalize({
      pve: [
        makePveFacts({
          storages: [makePbsStorage({ pbs: target })],
          backups: [makePbsListing({ ctime: NOW - 11 * HOUR, pbs: target })],
        }),
      ],
      pbs: [direct],
    })
    expect(guestOf(result, 'cluster-a/100').counts.pbs).toBe(1)
  })

  it('counts PBS snapshots listed only through PVE when no PBS source is configured', () => {
    const result = normalize({
      pve: [makePveFacts({ storages: [makePbsStorage()], backups: [makePbsListing()] })],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect([record.counts, record.latestTimes.pbs]).toEqual([
      { pve: 0, pbs: 1, snapshots: 0 },
      NOW - 11 * HOUR,
    ])
    expect(record.backups[0]?.name).toBe('vm/100/2025-06-07T20:00:00Z')
  })

  it('keeps a PVE-listed snapshot the PBS source has not reported (yet)', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          storages: [makePbsStorage()],
          backups: [makePbsListing({ ctime: NOW - HOUR })],
        }),
      ],
      pbs: [direct],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect([record.counts.pbs, record.latestTimes.pbs]).toEqual([2, NOW - HOUR])
  })

  it('treats a dir storage named "pbs-backup" as ordinary PVE archives', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          storages: [{ storage: 'pbs-backup', type: 'dir', shared: false }],
          backups: [makeArchive({ storage: 'pbs-backup', ctime: NOW - 11 * HOUR })],
        }),
      ],
      pbs: [direct],
    })
    const record = guestOf(result, 'cluster-a/100')
    expect(record.counts).toEqual({ pve: 1, pbs: 1, snapshots: 0 })
    expect(record.latestTimes.pve).toBe(NOW - 11 * HOUR)
  })
})
