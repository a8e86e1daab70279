import { describe, expect, it } from 'vitest'
import type { NormalizeResult } from '../../../../functions/normalize/index.ts'
import {
  type OrphanRecord,
  OrphanRecordSchema,
  OrphanSchema,
} from '../../../../shared/schema/guest.ts'
import {
  DAY,
  HOUR,
  iso,
  makeArchive,
  makePbsFacts,
  makePbsListing,
  makePbsSnapshot,
  makePbsStorage,
  makePveFacts,
  NOW,
  normalize,
} from './builders.ts'

/** The route's own pattern (functions/routes/api.ts): every key must be reachable. */
const ROUTE_KEY = /^[A-Za-z0-9._:/-]+$/

function orphanOf(result: NormalizeResult, key: string): OrphanRecord {
  const record = result.orphanRecords.find((o) => o.key === key)
  if (!record) {
    throw new Error(`no orphan ${key} in ${result.orphanRecords.map((o) => o.key).join(', ')}`)
  }
  return record
}

describe('orphans', () => {
  it('reports the archives of a VMID the cluster no longer has as a full record', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          backups: [
            makeArchive({ vmid: 105, guestType: 'lxc', ctime: NOW - 50 * HOUR }),
            makeArchive({
              vmid: 105,
              guestType: 'lxc',
              ctime: NOW - 26 * HOUR,
              storage: 'nas',
              shared: true,
            }),
          ],
        }),
      ],
    })
    const summary = {
      key: 'cluster-a/105',
      orphan: true,
      cluster: 'cluster-a',
      guestId: 105,
      type: 'lxc',
      latestBackupTime: NOW - 26 * HOUR,
      latestTimes: { pve: NOW - 26 * HOUR, pbs: null, snapshots: null },
      count: 2,
      locations: ['local', 'nas'],
      pbsGroup: null,
    }
    expect(result.orphans).toEqual([summary])
    const record = orphanOf(result, 'cluster-a/105')
    expect(record).toMatchObject(summary)
    expect(record.backups.map((b) => [b.location, b.time])).toEqual([
      ['nas', NOW - 26 * HOUR],
      ['local', NOW - 50 * HOUR],
    ])
    // NOW is 07:00 UTC: 26 h before is the previous UTC day, 50 h before the one before.
    expect(record.backupDates).toEqual([
      {
        date: iso(NOW - 50 * HOUR).slice(0, 10),
        types: ['pveBackups'],
        count: 1,
        timestamps: { pveBackups: [NOW - 50 * HOUR], pbsSnapshots: [], vmSnapshots: [] },
      },
      {
        date: iso(NOW - 26 * HOUR).slice(0, 10),
        types: ['pveBackups'],
        count: 1,
        timestamps: { pveBackups: [NOW - 26 * HOUR], pbsSnapshots: [], vmSnapshots: [] },
      },
    ])
  })

  it('keeps per-type times and timestamps for an orphan with archives and PBS snapshots', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          storages: [makePbsStorage()],
          backups: [
            makeArchive({ vmid: 120, ctime: NOW - 17 * HOUR }),
            makePbsListing({ vmid: 120, ctime: NOW - 11 * HOUR }),
            makePbsListing({ vmid: 120, ctime: NOW - DAY - 11 * HOUR }),
          ],
        }),
      ],
    })
    const record = orphanOf(result, 'cluster-a/120')
    expect(record.latestTimes).toEqual({
      pve: NOW - 17 * HOUR,
      pbs: NOW - 11 * HOUR,
      snapshots: null,
    })
    expect(record.latestBackupTime).toBe(NOW - 11 * HOUR)
    expect(record.count).toBe(3)
    expect(record.locations).toEqual(['local', 'store1'])
    // NOW is 07:00 UTC: 11 h and 17 h before fall on the previous UTC day.
    expect(record.backupDates).toEqual([
      {
        date: iso(NOW - 2 * DAY).slice(0, 10),
        types: ['pbsSnapshots'],
        count: 1,
        timestamps: { pveBackups: [], pbsSnapshots: [NOW - DAY - 11 * HOUR], vmSnapshots: [] },
      },
      {
        date: iso(NOW - DAY).slice(0, 10),
        types: ['pveBackups', 'pbsSnapshots'],
        count: 2,
        timestamps: {
          pveBackups: [NOW - 17 * HOUR],
          pbsSnapshots: [NOW - 11 * HOUR],
          vmSnapshots: [],
        },
      },
    ])
    expect(record.backups.map((b) => b.kind)).toEqual(['pbs', 'pve', 'pbs'])
  })

  it('names the cluster whose PVE storage writes to the namespace of an unclaimed PBS group', () => {
    const result = normalize({
      pve: [
        makePveFacts({
          storages: [
            makePbsStorage({ pbs: { server: 'pbs.lan', datastore: 'store1', namespace: 'a' } }),
          ],
        }),
      ],
      pbs: [
        makePbsFacts({
          datastores: [{ store: 'store1', namespaces: ['a'] }],
          snapshots: [makePbsSnapshot({ backupId: '130', namespace: 'a' })],
        }),
      ],
    })
    expect(result.orphans).toMatchObject([
      { key: 'cluster-a/130', cluster: 'cluster-a', guestId: 130, locations: ['store1/a'] },
    ])
    expect(result.orphans[0]?.pbsGroup).toBeNull()
  })

  it('shows a PBS group with no cluster evidence as its own orphan, with namespace and owner', () => {
    const result = normalize({
      pve: [makePveFacts()],
      pbs: [
        makePbsFacts({
          datastores: [{ store: 'store1', namespaces: ['retired'] }],
          snapshots: [
            makePbsSnapshot({ backupId: '130', backupType: 'ct', owner: 'old@pbs' }),
            makePbsSnapshot({
              backupId: '130',
              backupType: 'ct',
              namespace: 'retired',
              owner: 'gone@pbs!t',
              backupTime: NOW - 3 * DAY,
            }),
          ],
        }),
        makePbsFacts({
          sourceId: 'pbs-2',
          host: 'pbs2.lan',
          snapshots: [makePbsSnapshot({ backupId: '130', backupType: 'ct', owner: undefined })],
        }),
      ],
    })
    // Three groups of one VMID, nothing telling which cluster wrote them: three orphans.
    expect(result.orphans).toEqual([
      {
        key: 'pbs/pbs-1/store1/-/ct/130',
        orphan: true,
        cluster: null,
        guestId: 130,
        type: 'lxc',
        latestBackupTime: NOW - 11 * HOUR,
        latestTimes: { pve: null, pbs: NOW - 11 * HOUR, snapshots: null },
        count: 1,
        locations: ['store1'],
        pbsGroup: { source: 'pbs-1', datastore: 'store1', namespace: '', owner: 'old@pbs' },
      },
      {
        key: 'pbs/pbs-1/store1/retired/ct/130',
        orphan: true,
        cluster: null,
        guestId: 130,
        type: 'lxc',
        latestBackupTime: NOW - 3 * DAY,
        latestTimes: { pve: null, pbs: NOW - 3 * DAY, snapshots: null },
        count: 1,
        locations: ['store1/retired'],
        pbsGroup: {
          source: 'pbs-1',
          datastore: 'store1',
          namespace: 'retired',
          owner: 'gone@pbs!t',
        },
      },
      {
        key: 'pbs/pbs-2/store1/-/ct/130',
        orphan: true,
        cluster: null,
        guestId: 130,
        type: 'lxc',
        latestBackupTime: NOW - 11 * HOUR,
        latestTimes: { pve: null, pbs: NOW - 11 * HOUR, snapshots: null },
        count: 1,
        locations: ['store1'],
        pbsGroup: { source: 'pbs-2', datastore: 'store1', namespace: '', owner: null },
      },
    ])
    expect(orphanOf(result, 'pbs/pbs-1/store1/retired/ct/130').backups).toMatchObject([
      { kind: 'pbs', location: 'store1/retired', name: `ct/130/${iso(NOW - 3 * DAY)}` },
    ])
  })

  it("keeps two clusters' orphans with the same VMID apart", () => {
    const result = normalize({
      pve: [
        makePveFacts({ backups: [makeArchive({ vmid: 105, ctime: NOW - 20 * HOUR })] }),
        makePveFacts({
          sourceId: 'cluster-b',
          backups: [makeArchive({ vmid: 105, ctime: NOW - 40 * HOUR, storage: 'nas' })],
        }),
      ],
    })
    expect(result.orphans.map((o) => [o.key, o.latestBackupTime, o.locations])).toEqual([
      ['cluster-a/105', NOW - 20 * HOUR, ['local']],
      ['cluster-b/105', NOW - 40 * HOUR, ['nas']],
    ])
    expect(orphanOf(result, 'cluster-b/105').backups.map((b) => b.time)).toEqual([NOW - 40 * HOUR])
  })

  it('does not report a VMID or PBS group whose only backup is still running', () => {
    const result = normalize({
      pve: [makePveFacts({ backups: [makeArchive({ vmid: 140, inProgress: true })] })],
      pbs: [makePbsFacts({ snapshots: [makePbsSnapshot({ backupId: '141', inProgress: true })] })],
    })
    expect([result.orphans, result.orphanRecords]).toEqual([[], []])
  })

  it('lists a running backup in the details but never counts it or takes its time', () => {
    const result = normalize({
      pve: [makePveFacts()],
      pbs: [
        makePbsFacts({
          snapshots: [
            makePbsSnapshot({ backupId: '141', backupTime: NOW - DAY }),
            makePbsSnapshot({ backupId: '141', backupTime: NOW - HOUR, inProgress: true }),
          ],
        }),
      ],
    })
    const record = orphanOf(result, 'pbs/pbs-1/store1/-/vm/141')
    expect([record.count, record.latestBackupTime]).toEqual([1, NOW - DAY])
    expect(record.backups.map((b) => [b.time, b.inProgress])).toEqual([
      [NOW - HOUR, true],
      [NOW - DAY, false],
    ])
    expect(record.backupDates.flatMap((d) => d.timestamps.pbsSnapshots)).toEqual([NOW - DAY])
  })

  it('gives every orphan a unique key the detail route accepts, even for odd PBS names', () => {
    const namespaces = ['', 'a//b', 'a/:002fb', '.', '..', '-', 'x y', 'ü', '\uD800', 'sub/.']
    const result = normalize({
      pve: [makePveFacts()],
      pbs: [
        makePbsFacts({
          datastores: [{ store: 'store1', namespaces: namespaces.filter((n) => n !== '') }],
          snapshots: namespaces.map((namespace) => makePbsSnapshot({ backupId: '150', namespace })),
        }),
      ],
    })
    const keys = result.orphanRecords.map((o) => o.key)
    expect(keys).toHaveLength(namespaces.length)
    expect(new Set(keys).size).toBe(keys.length)
    for (const key of keys) {
      expect(key).toMatch(ROUTE_KEY)
      // No empty, `.` or `..` segment: URLs would collapse those before the route saw them.
      expect(
        key.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
        key,
      ).toBe(true)
    }
    // Safe names read as they are; a doubled slash and a leading dot are escaped.
    expect(keys).toEqual(
      expect.arrayContaining([
        'pbs/pbs-1/store1/-/vm/150',
        'pbs/pbs-1/store1/a/:002fb/vm/150',
        'pbs/pbs-1/store1/:002e/vm/150',
      ]),
    )
  })

  it('produces records and index entries that parse with their schemas and agree', () => {
    const result = normalize({
      pve: [makePveFacts({ backups: [makeArchive({ vmid: 105 })] })],
      pbs: [makePbsFacts({ snapshots: [makePbsSnapshot({ backupId: '130' })] })],
    })
    expect(result.orphanRecords).toHaveLength(2)
    result.orphanRecords.forEach((record, i) => {
      expect(OrphanRecordSchema.parse(record)).toEqual(record)
      const { backups: _b, backupDates: _d, ...summary } = record
      expect(OrphanSchema.parse(result.orphans[i])).toEqual(summary)
    })
  })
})
