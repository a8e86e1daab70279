import { describe, expect, it } from 'vitest'
import {
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

describe('orphans', () => {
  it('reports the archives of a VMID the cluster no longer has', () => {
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
    expect(result.orphans).toEqual([
      {
        cluster: 'cluster-a',
        guestId: 105,
        type: 'lxc',
        latestBackupTime: NOW - 26 * HOUR,
        count: 2,
        locations: ['local', 'nas'],
      },
    ])
  })

  it("reports a deleted guest's PBS snapshots listed through PVE under its datastore", () => {
    const result = normalize({
      pve: [
        makePveFacts({ storages: [makePbsStorage()], backups: [makePbsListing({ vmid: 120 })] }),
      ],
    })
    expect(result.orphans).toMatchObject([
      { cluster: 'cluster-a', guestId: 120, count: 1, locations: ['store1'] },
    ])
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
      { cluster: 'cluster-a', guestId: 130, locations: ['store1/a'] },
    ])
  })

  it('leaves the cluster of an unclaimed PBS group null without any evidence', () => {
    const result = normalize({
      pve: [makePveFacts()],
      pbs: [makePbsFacts({ snapshots: [makePbsSnapshot({ backupId: '130', backupType: 'ct' })] })],
    })
    expect(result.orphans).toEqual([
      {
        cluster: null,
        guestId: 130,
        type: 'lxc',
        latestBackupTime: NOW - 11 * HOUR,
        count: 1,
        locations: ['store1'],
      },
    ])
  })

  it('does not report a VMID whose only backup is still running', () => {
    const result = normalize({
      pve: [makePveFacts({ backups: [makeArchive({ vmid: 140, inProgress: true })] })],
    })
    expect(result.orphans).toEqual([])
  })
})
